// Benchmark of OCR (issue 17). Prints figures, asserts nothing.
//   ocr_bench [pages=4] [repeats=3] [languages=deu+eng]
// The pages are realistic office mail (tests/support/OfficePages.h), written as 300-dpi grey
// JPEGs. In the same run and on the same files:
// 1. seconds per page on one core: docdesk-worker (AnalysisWorker::recognise, engine loaded
//    once) against the `tesseract` command line (OMP_THREAD_LIMIT=1), median of the repeats;
//    (both at nice 10, as docdesk-worker runs);
// 2. pages per second on 2 cores: docdesk's pool of two workers, driven by recognisePages as
//    `file --ocr` drives them, against two `tesseract` processes running in parallel, median of
//    the repeats, and the ratio (target: 0.9 or more, i.e. no overhead of ours).
// Ours and theirs alternate within each repeat, so load from elsewhere on the machine falls on
// both alike.
// 3. milliseconds of receipt preparation (ocr::prepareReceipt) before Tesseract reads a receipt;
// 4. seconds per receipt on one core (scan and phone photo), docdesk-worker against `tesseract`.
#include "app/common/AnalysisWorker.h"
#include "app/common/PageRecognition.h"
#include "core/ocr/ReceiptImage.h"
#include "platform/ChildProcess.h"
#include "tests/support/OfficePages.h"
#include "tests/support/PaperScenes.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <thread>

using namespace docdesk;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double seconds(Clock::duration d) {
    return std::chrono::duration<double>(d).count();
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

void runTesseract(const fs::path& page, const fs::path& out, const std::string& languages) {
    platform::ChildOptions opts;
    opts.discardStdout = true;
    opts.discardStderr = true;
    opts.environment["OMP_THREAD_LIMIT"] = "1";
    // At the nice value docdesk-worker gives itself (platform::runInBackground), so other load on
    // the machine slows both alike.
    platform::ChildProcess p(
        {"nice", "-n", "10", "tesseract", page.string(), out.string(), "-l", languages, "--dpi", "300"},
        opts);
    if (!p.wait().success())
        throw std::runtime_error("tesseract failed on " + page.string());
}

// Seconds for all pages through `processes` parallel tesseract commands.
double tesseractBatch(const std::vector<fs::path>& pages, const fs::path& dir, const std::string& languages,
                      unsigned processes) {
    std::atomic<size_t> next{0};
    const auto start = Clock::now();
    {
        std::vector<std::jthread> threads;
        for (unsigned t = 0; t < processes; ++t)
            threads.emplace_back([&, t] {
                for (size_t i = next++; i < pages.size(); i = next++)
                    runTesseract(pages[i], dir / ("out-" + std::to_string(t) + "-" + std::to_string(i)),
                                 languages);
            });
    }
    return seconds(Clock::now() - start);
}

// Seconds for all pages through docdesk's worker pool (started beforehand), the way `file --ocr`
// sends a batch's pages: app::recognisePages, each page's edits rendered in the worker.
double docdeskBatch(app::AnalysisWorker& pool, const std::vector<fs::path>& pages,
                    const std::string& languages) {
    std::vector<PageRecord> records;
    for (const auto& p : pages) {
        PageRecord r;
        r.id = std::int64_t(records.size()) + 1;
        r.originalFile = p;
        r.mediaType = "image/jpeg";
        r.source = p.filename().string();
        records.push_back(std::move(r));
    }
    std::vector<std::string> errors;
    const auto start = Clock::now();
    const auto texts = app::recognisePages(records, pool, languages, 300, {}, errors);
    const double took = seconds(Clock::now() - start);
    if (!errors.empty() || texts->size() != pages.size())
        throw std::runtime_error(errors.empty() ? "pages without text" : errors.front());
    return took;
}

// Milliseconds ocr::prepareReceipt takes on a receipt strip, median of 9 runs, at the size of a
// 300-dpi scan (only barcodes are cut free) and at a phone photo's (light divided out, enlarged
// 3 times and sharpened): what receipts cost before Tesseract starts (about a second).
void printReceiptPreparation() {
    const test::Paper receipt = test::syntheticReceipt(7);
    cv::Mat scan;
    cv::cvtColor(receipt.bgr, scan, cv::COLOR_BGR2GRAY);
    cv::resize(scan, scan, cv::Size(860, 860 * scan.rows / scan.cols), 0, 0, cv::INTER_CUBIC);
    cv::Mat photo;
    cv::resize(scan, photo, cv::Size(), 0.3, 0.3, cv::INTER_AREA);
    cv::Mat light(photo.size(), CV_8UC1);
    for (int y = 0; y < photo.rows; ++y)
        light.row(y).setTo(128 + 127 * y / photo.rows);
    cv::multiply(photo, light, photo, 1 / 255.0);
    std::cout << "receipt preparation (ocr::prepareReceipt), median of 9:";
    for (const auto& [name, picture] : {std::pair{"scan", scan}, std::pair{"phone photo", photo}}) {
        std::vector<double> ms;
        for (int r = 0; r < 9; ++r) {
            const auto start = Clock::now();
            const auto prepared = ocr::prepareReceipt(picture);
            ms.push_back(seconds(Clock::now() - start) * 1000);
        }
        std::cout << " " << name << " " << picture.cols << "x" << picture.rows << " " << median(ms) << " ms;";
    }
    std::cout << "\n";
}

// Seconds per receipt on one core, docdesk-worker (receipt preparation, Tesseract, the doubtful
// date and amount lines read again) against the `tesseract` command on the same file, median of
// `repeats`: a generated receipt as a 300-dpi scan and as a phone photo at 0.4 of that size (what
// whole receipts cut out of photos give).
void printReceiptOcr(app::AnalysisWorker& single, const fs::path& dir, const std::string& languages,
                     int repeats) {
    const test::Paper receipt = test::syntheticReceipt(11);
    cv::Mat scan;
    cv::resize(receipt.bgr, scan, cv::Size(860, 860 * receipt.bgr.rows / receipt.bgr.cols), 0, 0,
               cv::INTER_CUBIC);
    cv::Mat photo;
    cv::resize(scan, photo, cv::Size(), 0.4, 0.4, cv::INTER_AREA);
    std::cout << "receipt OCR on one core, median of " << repeats << ":";
    for (const auto& [name, picture] : {std::pair{"scan", scan}, std::pair{"phone photo", photo}}) {
        const fs::path file = dir / (std::string(name) == "scan" ? "receipt-scan.jpg" : "receipt-photo.jpg");
        if (!cv::imwrite(file.string(), picture, {cv::IMWRITE_JPEG_QUALITY, 90}))
            throw std::runtime_error("cannot write " + file.string());
        std::vector<double> ours, theirs;
        for (int r = 0; r < repeats; ++r) {
            ours.push_back(docdeskBatch(single, {file}, languages));
            theirs.push_back(tesseractBatch({file}, dir, languages, 1));
        }
        std::cout << " " << name << " " << picture.cols << "x" << picture.rows << ": docdesk-worker "
                  << median(ours) << " s, tesseract command " << median(theirs) << " s;";
    }
    std::cout << "\n";
}

} // namespace

int main(int argc, char** argv) {
    const int count = argc > 1 ? std::max(1, std::atoi(argv[1])) : 4;
    const int repeats = argc > 2 ? std::max(1, std::atoi(argv[2])) : 3;
    const std::string languages = argc > 3 ? argv[3] : "deu+eng";
    const fs::path dir = fs::temp_directory_path() / ("docdesk-ocr-bench-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    std::vector<fs::path> pages;
    for (int i = 0; i < count; ++i) {
        pages.push_back(dir / ("page-" + std::to_string(i) + ".jpg"));
        test::writeOfficeJpeg(test::makeOfficePage(i), pages.back());
    }
    const fs::path worker =
        fs::canonical("/proc/self/exe").parent_path().parent_path() / "app" / "docdesk-worker";
    app::WorkerLimits one;
    one.parallelism = 1;
    one.timePerPage = std::chrono::seconds(600); // a loaded machine must not end the run
    app::AnalysisWorker single(one, worker);
    app::WorkerLimits two = one;
    two.parallelism = 2;
    app::AnalysisWorker pool(two, worker);
    docdeskBatch(single, {pages.front()}, languages); // start the workers and load the languages
    docdeskBatch(pool, {pages.front(), pages.back()}, languages);

    std::vector<double> oursOne, theirsOne, oursTwo, theirsTwo;
    for (int r = 0; r < repeats; ++r) {
        oursOne.push_back(docdeskBatch(single, pages, languages) / count);
        theirsOne.push_back(tesseractBatch(pages, dir, languages, 1) / count);
        oursTwo.push_back(count / docdeskBatch(pool, pages, languages));
        theirsTwo.push_back(count / tesseractBatch(pages, dir, languages, 2));
        std::cout << "  run " << r + 1 << ": two cores, docdesk " << oursTwo.back() << " pages/s, tesseract "
                  << theirsTwo.back() << " pages/s\n"
                  << std::flush;
    }
    std::cout << "OCR of " << count << " office pages (300 dpi A4, " << languages << "), median of "
              << repeats << " runs\n"
              << "  one core:  docdesk-worker " << median(oursOne) << " s/page, tesseract command "
              << median(theirsOne) << " s/page, ratio (their time / ours) "
              << median(theirsOne) / median(oursOne) << "\n"
              << "  two cores: docdesk pool " << median(oursTwo) << " pages/s, 2 tesseract processes "
              << median(theirsTwo) << " pages/s, ratio (ours / theirs) "
              << median(oursTwo) / median(theirsTwo) << "\n";
    printReceiptPreparation();
    printReceiptOcr(single, dir, languages, repeats);
    fs::remove_all(dir);
    return 0;
}
