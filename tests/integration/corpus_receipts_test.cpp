#define BOOST_TEST_MODULE corpus_receipts
// Receipt data on real receipts: /work/shared/corpus/receipts-cropped (25 German shop receipts
// scanned at 300 dpi; the file name holds MERCHANT_DDMMYYYY_ITEMS_TOTALCENTS). Each is read by
// docdesk-worker as filing does it (AnalysisWorker pool, deu+eng) and parsed; the check prints
// per file what was read and the hit rates, and fails when they fall below what was reached
// when it was written (date 84%, total 80%, merchant 84%; issue 17's targets are 90%, 85% and
// 80%). Skips when the corpus is absent.
#include "app/common/AnalysisWorker.h"
#include "core/ocr/PageText.h"
#include "core/ocr/Receipt.h"
#include "tests/support/TestSupport.h"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <iostream>

using namespace docdesk;
namespace fs = std::filesystem;

namespace {

const fs::path kCorpus = "/work/shared/corpus/receipts-cropped";

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
    const std::string total = std::to_string(cents / 100) + "." + (cents % 100 < 10 ? "0" : "") + std::to_string(cents % 100);
    return {parts[0], d.substr(4, 4) + "-" + d.substr(2, 2) + "-" + d.substr(0, 2), total};
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return s;
}

} // namespace

BOOST_AUTO_TEST_CASE(receipts_give_their_merchant_date_and_total) {
    std::error_code ec;
    if (!fs::is_directory(kCorpus, ec)) {
        BOOST_TEST_MESSAGE("skipped: " << kCorpus << " is absent");
        return;
    }
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(kCorpus))
        if (e.path().extension() == ".jpg")
            files.push_back(e.path());
    std::sort(files.begin(), files.end());
    BOOST_REQUIRE(!files.empty());
    std::vector<app::AnalysisRequest> requests;
    for (const auto& file : files)
        requests.push_back({file, "image/jpeg", 1, 300, "deu+eng", "{}"});
    app::AnalysisWorker worker(app::WorkerLimits{}, test::cliPath().parent_path() / "docdesk-worker");
    int dates = 0, totals = 0, merchants = 0;
    worker.analyseMany(requests, [&](size_t i, app::AnalysisOutcome& outcome) {
        BOOST_REQUIRE_MESSAGE(outcome.ok, outcome.error);
        const Expected want = expectedFrom(files[i]);
        const auto text = ocr::pageTextFromJson(outcome.analysis);
        const auto got = ocr::parseReceipt(text.text).value_or(ocr::ReceiptData{});
        const bool date = got.date == want.date, total = got.total == want.total;
        const bool merchant = !got.merchant.empty() && lower(got.merchant).find(want.merchant) != std::string::npos;
        dates += date;
        totals += total;
        merchants += merchant;
        std::cout << files[i].filename().string() << ": merchant '" << got.merchant << "'"
                  << (merchant ? "" : " (wrong)") << ", date " << got.date << (date ? "" : " (wrong)") << ", total "
                  << got.total << " " << got.currency << (total ? "" : " (wrong)") << std::endl;
    });
    const auto n = int(files.size());
    std::cout << "receipts: " << n << ", date right " << dates << " (" << dates * 100 / n << "%), total right "
              << totals << " (" << totals * 100 / n << "%), merchant right " << merchants << " ("
              << merchants * 100 / n << "%)\n";
    BOOST_TEST(dates * 100 >= n * 80);
    BOOST_TEST(totals * 100 >= n * 76);
    BOOST_TEST(merchants * 100 >= n * 80);
}
