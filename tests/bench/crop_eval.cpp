// Evaluation of the document finder on realistic material (issue 15). Prints figures,
// asserts nothing.
//   crop_eval [cases per category=36] [--save DIR] [--only CATEGORY] [--first SEED]
// 1. For each category (photos by background, flatbed white/grey/dark lid, several receipts,
//    out of frame, full frame: the paper is the whole picture): mean IoU and the share of cases with IoU >=
//    0.9, over generated scenes made from real paper: the 25 real receipts of
//    ../shared/corpus/receipts-cropped and the first pages of ../shared/corpus/paperless-barcodes rendered at
//    100 dpi (generated paper when the corpus is absent). A main document that is a barcode, a logo or a text
//    block scores its (near-zero) IoU. With several receipts, each receipt is matched to its best detection,
//    each detection used once.
// 2. Each real photo of ../shared/corpus/documents with its IoU.
// 3. The finder's time on one thread: median per 300-dpi flatbed scan and per photo.
// --first SEED starts the seeds there (default 1000).
// --save DIR writes every case under 0.9 with the truth (green) and the main detection (red).
#include "core/imaging/DocumentFinder.h"
#include "platform/ProcessLimits.h"
#include "tests/support/PaperScenes.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

using namespace docdesk;
using test::QuadF;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

QuadF toQuad(const Quad& q) {
    QuadF out;
    for (size_t i = 0; i < 4; ++i)
        out[i] = cv::Point2f(float(q[i].x), float(q[i].y));
    return out;
}

// Each truth matched to its best unused detection; the mean over the truths.
double scoreScene(const std::vector<QuadF>& truth, const std::vector<imaging::DocumentCandidate>& found,
                  int w, int h) {
    if (truth.size() == 1)
        return found.empty() ? 0 : test::clippedIoU(truth[0], toQuad(found[0].corners), w, h);
    std::vector<bool> used(found.size(), false);
    double sum = 0;
    for (const auto& t : truth) {
        double best = 0;
        size_t bestJ = found.size();
        for (size_t j = 0; j < found.size(); ++j) {
            const double v = used[j] ? 0 : test::clippedIoU(t, toQuad(found[j].corners), w, h);
            if (v > best) {
                best = v;
                bestJ = j;
            }
        }
        if (bestJ < found.size())
            used[bestJ] = true;
        sum += best;
    }
    return sum / double(truth.size());
}

ImageView viewOf(const cv::Mat& m) {
    return {m.data, m.cols, m.rows, std::ptrdiff_t(m.step), m.channels()};
}

void drawQuad(cv::Mat& img, const QuadF& q, cv::Scalar colour, int thick) {
    std::vector<cv::Point> p;
    for (const auto& c : q)
        p.emplace_back(int(c.x), int(c.y));
    cv::polylines(img, p, true, colour, thick, cv::LINE_AA);
}

void saveCase(const fs::path& dir, const std::string& name, const cv::Mat& image,
              const std::vector<QuadF>& truth, const std::vector<imaging::DocumentCandidate>& found) {
    cv::Mat out = image.clone();
    const int thick = std::max(2, image.cols / 400);
    for (const auto& t : truth)
        drawQuad(out, t, {0, 200, 0}, thick);
    for (size_t i = 0; i < found.size(); ++i)
        drawQuad(out, toQuad(found[i].corners), i == 0 ? cv::Scalar(0, 0, 255) : cv::Scalar(255, 0, 200),
                 thick);
    cv::Mat small;
    const double k = 1000.0 / std::max(out.cols, out.rows);
    cv::resize(out, small, cv::Size(), k, k, cv::INTER_AREA);
    cv::imwrite((dir / (name + ".jpg")).string(), small);
    if (std::getenv("CROP_EVAL_SAVE_SCENE")) // the scene itself, for a closer look at one case
        cv::imwrite((dir / (name + "-scene.png")).string(), image);
}

fs::path corpusDir() {
    if (const char* env = std::getenv("DOCDESK_CORPUS"))
        return env;
    for (fs::path p :
         {fs::path("../shared/corpus"), fs::path("../../shared/corpus"), fs::path("../../../shared/corpus")})
        if (fs::is_directory(p))
            return fs::canonical(p);
    return {};
}

// The first page of each corpus PDF, rendered at 100 dpi by pdftoppm: real scanned pages.
std::vector<test::Paper> corpusPages(const fs::path& corpus) {
    std::vector<test::Paper> pages;
    const fs::path pdfs = corpus / "paperless-barcodes";
    if (corpus.empty() || !fs::is_directory(pdfs))
        return pages;
    const fs::path tmp = fs::temp_directory_path() / ("crop_eval_pages_" + std::to_string(::getpid()));
    fs::create_directories(tmp);
    int n = 0;
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(pdfs))
        if (e.path().extension() == ".pdf" && e.path().filename().string().rfind("many-qr", 0) != 0)
            files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
        const std::string out = (tmp / ("p" + std::to_string(n++))).string();
        const std::string cmd =
            "pdftoppm -r 100 -f 1 -l 1 -png '" + f.string() + "' '" + out + "' 2>/dev/null";
        if (std::system(cmd.c_str()) != 0)
            continue;
    }
    pages = test::loadPages(tmp);
    fs::remove_all(tmp);
    // A page whose borders are dark (a fax) is not white paper: keep the paper-like ones.
    std::erase_if(pages, [](const test::Paper& p) { return cv::mean(p.bgr)[1] < 150; });
    return pages;
}

struct Tally {
    std::vector<double> ious;
    std::vector<double> millis;
};

void printTally(const std::string& name, const Tally& t) {
    double sum = 0;
    int good = 0;
    for (double v : t.ious) {
        sum += v;
        good += v >= 0.9;
    }
    const double n = double(std::max<size_t>(1, t.ious.size()));
    std::cout << std::left << std::setw(18) << name << std::right << std::setw(5) << t.ious.size()
              << std::fixed << std::setprecision(3) << std::setw(10) << sum / n << std::setw(9)
              << std::setprecision(1) << 100.0 * good / n << "%" << std::setw(10) << median(t.millis)
              << " ms\n";
}

} // namespace

int main(int argc, char** argv) {
    platform::keepLargeBuffersOnHeap(); // as docdesk-worker, where the finder runs
    cv::setNumThreads(1);               // ... one thread per worker: OpenCV's own threads would hide CPU time
    int cases = 36;
    int firstSeed = 1000;
    fs::path saveDir;
    std::string only;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--save" && i + 1 < argc)
            saveDir = argv[++i];
        else if (a == "--only" && i + 1 < argc)
            only = argv[++i];
        else if (a == "--first" && i + 1 < argc)
            firstSeed = std::atoi(argv[++i]);
        else
            cases = std::max(1, std::atoi(a.c_str()));
    }
    if (!saveDir.empty())
        fs::create_directories(saveDir);
    const fs::path corpus = corpusDir();
    const auto receipts =
        corpus.empty() ? std::vector<test::Paper>{} : test::loadReceipts(corpus / "receipts-cropped");
    const auto pages = corpusPages(corpus);
    std::cout << "paper: " << receipts.size() << " real receipts, " << pages.size() << " real pages"
              << (corpus.empty() ? " (no corpus: generated paper)" : " from " + corpus.string()) << "\n\n";
    std::cout << "category          cases  mean IoU  IoU>=0.9   finder (median)\n";

    std::map<std::string, Tally> byKind;
    Tally all, flatbed300;
    for (const auto kind : test::allSceneKinds()) {
        const std::string name = test::sceneName(kind);
        if (!only.empty() && only != name)
            continue;
        Tally& t = byKind[name];
        for (int c = 0; c < cases; ++c) {
            const std::uint32_t seed = std::uint32_t(firstSeed + c);
            const auto scene = test::makeScene(kind, receipts, pages, seed);
            const auto start = Clock::now();
            const auto found = imaging::findDocuments(viewOf(scene.image));
            const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
            // A picture that is all paper: finding nothing cuts nothing, which is right.
            const double iou = kind == test::SceneKind::FullFrame && found.empty()
                                   ? 1.0
                                   : scoreScene(scene.truth, found, scene.image.cols, scene.image.rows);
            t.ious.push_back(iou);
            t.millis.push_back(ms);
            all.ious.push_back(iou);
            all.millis.push_back(ms);
            if (scene.image.cols >= 2400 && scene.image.rows >= 3400)
                flatbed300.millis.push_back(ms);
            if (!saveDir.empty() && iou < 0.9)
                saveCase(saveDir, name + "-" + std::to_string(seed) + "-" + std::to_string(int(iou * 100)),
                         scene.image, scene.truth, found);
        }
        printTally(name, t);
    }
    printTally("all generated", all);

    if ((only.empty() || only == "real") && !corpus.empty() &&
        fs::exists(corpus / "documents" / "expected.json")) {
        std::cout << "\nreal photos (corpus/documents)\n";
        const auto expected = nlohmann::json::parse(std::ifstream(corpus / "documents" / "expected.json"));
        for (const auto& [path, entry] : expected.at("images").items()) {
            const cv::Mat image = cv::imread((corpus / "documents" / path).string(), cv::IMREAD_COLOR);
            if (image.empty())
                continue;
            std::vector<QuadF> truth;
            for (const auto& q : entry.at("quads")) {
                QuadF t;
                for (size_t i = 0; i < 4; ++i)
                    t[i] = cv::Point2f(q[i][0].get<float>(), q[i][1].get<float>());
                truth.push_back(t);
            }
            const auto start = Clock::now();
            const auto found = imaging::findDocuments(viewOf(image));
            const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
            const double iou = scoreScene(truth, found, image.cols, image.rows);
            std::cout << "  " << std::left << std::setw(58) << path << std::right << std::fixed
                      << std::setprecision(3) << iou << std::setprecision(1) << std::setw(8) << ms << " ms\n";
            if (!saveDir.empty())
                saveCase(saveDir, "real-" + fs::path(path).stem().string(), image, truth, found);
        }
    }
    std::cout << "\nfinder time, one thread: median " << std::setprecision(1) << median(flatbed300.millis)
              << " ms per 300-dpi flatbed scan (" << flatbed300.millis.size() << " scans), "
              << median(all.millis) << " ms over all generated cases\n";
    return 0;
}
