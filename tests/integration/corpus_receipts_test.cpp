#define BOOST_TEST_MODULE corpus_receipts
// Receipt data on real receipts: /work/shared/corpus/receipts-cropped (25 German shop receipts
// scanned at 300 dpi; the file name holds MERCHANT_DDMMYYYY_ITEMS_TOTALCENTS). Each is read by
// docdesk-worker as filing does it (AnalysisWorker pool, deu+eng) and parsed; the check prints
// per file what was read and the hit rates, and fails below issue 17's targets (date 90%,
// total 85%, merchant 80%).
// Then the same receipts uncropped: each is placed on a generated scanner lid or desk
// (tests/support/PaperScenes), analysed, cut out by the edits analysis proposes (as filing does)
// and read again; the check prints per scene what differs from the cropped reading and the hit
// rates. Skips when the corpus is absent.
#include "app/common/AnalysisWorker.h"
#include "core/ocr/PageText.h"
#include "core/ocr/Receipt.h"
#include "core/pipeline/ProposedEdits.h"
#include "tests/support/PaperScenes.h"
#include "tests/support/TestSupport.h"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <iostream>
#include <opencv2/imgcodecs.hpp>
#include <sstream>

using namespace docdesk;
namespace fs = std::filesystem;

namespace {

const fs::path kCorpus = "/work/shared/corpus/receipts-cropped";
const std::string kLanguages = "deu+eng";

struct Expected {
    std::string merchant, date, total;
};

// "aldi_02032020_19_02423.jpg" -> {"aldi", "2020-03-02", "24.23"}
Expected expectedFrom(const fs::path& file) {
    const std::string stem = file.stem().string();
    std::vector<std::string> parts;
    for (size_t start = 0;;) {
        const size_t end = stem.find('_', start);
        parts.push_back(stem.substr(start, end - start));
        if (end == std::string::npos)
            break;
        start = end + 1;
    }
    BOOST_REQUIRE(parts.size() == 4u);
    const std::string& d = parts[1];
    const long cents = std::stol(parts[3]);
    const std::string total =
        std::to_string(cents / 100) + "." + (cents % 100 < 10 ? "0" : "") + std::to_string(cents % 100);
    return {parts[0], d.substr(4, 4) + "-" + d.substr(2, 2) + "-" + d.substr(0, 2), total};
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return s;
}

std::vector<fs::path> corpusFiles() {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(kCorpus))
        if (e.path().extension() == ".jpg")
            files.push_back(e.path());
    std::sort(files.begin(), files.end());
    return files;
}

// How many of the readings got each part right.
struct HitCount {
    int dates = 0, totals = 0, merchants = 0, n = 0;

    void add(const ocr::ReceiptData& got, const Expected& want, std::ostream& out) {
        const bool date = got.date == want.date, total = got.total == want.total;
        const bool merchant =
            !got.merchant.empty() && lower(got.merchant).find(want.merchant) != std::string::npos;
        dates += date;
        totals += total;
        merchants += merchant;
        ++n;
        out << "merchant '" << got.merchant << "'" << (merchant ? "" : " (wrong)") << ", date " << got.date
            << (date ? "" : " (wrong)") << ", total " << got.total << " " << got.currency
            << (total ? "" : " (wrong)");
    }
    void print(const std::string& what) const {
        std::cout << what << ": " << n << ", date right " << dates << " (" << dates * 100 / std::max(n, 1)
                  << "%), total right " << totals << " (" << totals * 100 / std::max(n, 1)
                  << "%), merchant right " << merchants << " (" << merchants * 100 / std::max(n, 1) << "%)\n";
    }
};

ocr::ReceiptData receiptOf(const app::AnalysisOutcome& outcome) {
    BOOST_REQUIRE_MESSAGE(outcome.ok, outcome.error);
    return ocr::parseReceipt(ocr::pageTextFromJson(outcome.analysis).text).value_or(ocr::ReceiptData{});
}

app::AnalysisWorker makeWorker() {
    return app::AnalysisWorker(app::WorkerLimits{}, test::cliPath().parent_path() / "docdesk-worker");
}

// The cropped corpus, read as filing reads a receipt photo: the readings by file.
std::vector<ocr::ReceiptData> readCropped(const std::vector<fs::path>& files, HitCount& hits) {
    std::vector<app::AnalysisRequest> requests;
    for (const auto& file : files)
        requests.push_back({file, "image/jpeg", 1, 300, kLanguages, "{}"});
    auto worker = makeWorker();
    std::vector<ocr::ReceiptData> readings(files.size());
    worker.analyseMany(requests, [&](size_t i, app::AnalysisOutcome& outcome) {
        readings[i] = receiptOf(outcome);
        std::cout << files[i].filename().string() << ": ";
        hits.add(readings[i], expectedFrom(files[i]), std::cout);
        std::cout << std::endl;
    });
    return readings;
}

// The scene kinds a whole receipt is captured on: scanner lids and desks.
const test::SceneKind kSceneKinds[] = {test::SceneKind::FlatbedWhite, test::SceneKind::FlatbedGrey,
                                       test::SceneKind::FlatbedDark, test::SceneKind::PhotoWood,
                                       test::SceneKind::PhotoDark};

// How well the proposed crop matches where the receipt lies (IoU) and at what scale of the
// 300-dpi original it is cut out: a wrong reading is the finder's when the IoU is low, the
// picture's (too small, blurred) when the scale is.
std::string describeCut(const PageTransforms& edit, const std::pair<test::QuadF, cv::Size>& placement,
                        int paperWidth) {
    if (!edit.crop)
        return "not cropped";
    test::QuadF quad;
    for (size_t k = 0; k < 4; ++k)
        quad[k] = cv::Point2f(float((*edit.crop)[k].x), float((*edit.crop)[k].y));
    const auto& [truth, frame] = placement;
    const double iou = test::clippedIoU(quad, truth, frame.width, frame.height);
    const double width = (cv::norm(quad[1] - quad[0]) + cv::norm(quad[2] - quad[3])) / 2;
    std::ostringstream out;
    out.precision(2);
    out << std::fixed << "crop IoU " << iou << ", scale " << width / std::max(paperWidth, 1);
    return out.str();
}

} // namespace

BOOST_AUTO_TEST_CASE(receipts_give_their_merchant_date_and_total_cropped_and_whole) {
    std::error_code ec;
    if (!fs::is_directory(kCorpus, ec)) {
        BOOST_TEST_MESSAGE("skipped: " << kCorpus << " is absent");
        return;
    }
    const auto files = corpusFiles();
    BOOST_REQUIRE(!files.empty());
    HitCount cropped;
    const auto readings = readCropped(files, cropped);
    cropped.print("receipts");
    BOOST_TEST(cropped.dates * 100 >= cropped.n * 90);
    BOOST_TEST(cropped.totals * 100 >= cropped.n * 85);
    BOOST_TEST(cropped.merchants * 100 >= cropped.n * 80);

    // Each receipt whole on a generated lid or desk, seeded by its place in the corpus.
    const auto papers = test::loadReceipts(kCorpus);
    BOOST_REQUIRE(papers.size() == files.size());
    test::TempDir scenes;
    std::vector<app::AnalysisRequest> analyses;
    std::vector<std::string> kinds;
    std::vector<std::pair<test::QuadF, cv::Size>> placements; // where each receipt lies, in what frame
    for (size_t i = 0; i < papers.size(); ++i) {
        const auto kind = kSceneKinds[i % std::size(kSceneKinds)];
        const auto scene = test::makeScene(kind, {papers[i]}, {}, std::uint32_t(i + 1));
        const fs::path file = scenes / (std::to_string(i) + ".jpg");
        BOOST_REQUIRE(cv::imwrite(file.string(), scene.image, {cv::IMWRITE_JPEG_QUALITY, 92}));
        analyses.push_back({file, "image/jpeg", 1, 300});
        kinds.push_back(test::sceneName(kind));
        placements.emplace_back(scene.truth.front(), scene.image.size());
    }
    auto worker = makeWorker();
    std::vector<app::AnalysisRequest> recognitions;
    std::vector<std::string> cuts; // per scene: the crop's IoU with the placement, its scale
    worker.analyseMany(analyses, [&](size_t i, app::AnalysisOutcome& outcome) {
        BOOST_REQUIRE_MESSAGE(outcome.ok, outcome.error);
        // Filing's choice for an image file: the main document cut out and straightened.
        const auto edits =
            pipeline::proposeEdits({}, nlohmann::json(outcome.analysis), pipeline::CaptureKind::Photo, {});
        BOOST_REQUIRE(!edits.empty());
        cuts.push_back(describeCut(edits.front(), placements[i], papers[i].bgr.cols));
        recognitions.push_back({analyses[i].file, "image/jpeg", 1, 300, kLanguages, edits.front().toJson()});
    });
    HitCount whole;
    int same = 0;
    worker.analyseMany(recognitions, [&](size_t i, app::AnalysisOutcome& outcome) {
        const auto got = receiptOf(outcome);
        const auto& before = readings[i];
        const bool alike =
            got.merchant == before.merchant && got.date == before.date && got.total == before.total;
        same += alike;
        std::cout << files[i].filename().string() << " on " << kinds[i] << ": ";
        whole.add(got, expectedFrom(files[i]), std::cout);
        std::cout << (alike ? ", as cropped" : ", cropped read differently") << "; " << cuts[i] << std::endl;
    });
    whole.print("receipts whole on a lid or desk");
    std::cout << "same data as the cropped reading: " << same << " of " << whole.n << "\n";
    // A floor one receipt under what was reached (Tesseract's readings of the same page vary by a
    // receipt between runs). December 2026: date 72%, total 72%, merchant 68% before receipts
    // were prepared for OCR (ocr::prepareReceipt); then 80/80/88% with 17 of 25 as cropped; then
    // 92/88/88% with 18 of 25 (cropped 96/92/92%), issue 17's targets, once the parser read split
    // labels and amounts ("SUMM E", "28,8 1"), let the VAT table and the payment lines outvote a
    // misread sum, took the date printed most often, and the engine read a doubtful date or total
    // line again among its neighbours (a date line tight under its heading). What is still lost:
    // the phone photos of long receipts cut out at a fifth to a third of a 300-dpi scan (aldi on
    // photo-wood, marktkauf_28 on photo-dark: text 4-6 pixels high, nothing readable), a 5 read
    // as 6 on both the sum and the cash line (real_25 at 0.38), and marktkauf_03's clear
    // "03.04.20" read as 13.04.20 by every reading of the line (at 2x, 3x, thickened, binarised).
    BOOST_TEST(whole.dates * 100 >= whole.n * 88);
    BOOST_TEST(whole.totals * 100 >= whole.n * 84);
    BOOST_TEST(whole.merchants * 100 >= whole.n * 84);
}
