#define BOOST_TEST_MODULE corpus_barcodes
// Real-world check over ../shared/corpus/paperless-barcodes/ (samples from paperless-ngx's test
// suite): every page is analysed through docdesk-worker at 300 dpi and what was found is
// printed; separator (PATCHT), custom-value and ASN barcodes must be found on exactly the pages
// where paperless-ngx's tests (src/documents/tests/test_barcodes.py) expect them, and nothing
// on the "unreadable" sample. Skipped when the corpus folder is absent.
#include "app/common/AnalysisWorker.h"
#include "tests/support/TestSupport.h"

#include <boost/test/unit_test.hpp>
#include <map>
#include <set>

using namespace docdesk;
namespace fs = std::filesystem;
namespace utf = boost::unit_test;

namespace {

fs::path corpusDir() {
    if (const char* env = std::getenv("DOCDESK_CORPUS_DIR"))
        return fs::path(env) / "paperless-barcodes";
    return fs::path(DOCDESK_SOURCE_DIR).parent_path() / "shared" / "corpus" / "paperless-barcodes";
}

struct CorpusPresent {
    boost::test_tools::assertion_result operator()(utf::test_unit_id) {
        boost::test_tools::assertion_result r(fs::is_directory(corpusDir()));
        r.message() << "corpus folder " << corpusDir() << " is absent";
        return r;
    }
};

using PageTexts = std::vector<std::vector<std::string>>; // per page (0-based), barcode texts

// Analyses every page of every corpus file once (shared by the test cases), printing it.
const std::map<std::string, PageTexts>& corpus() {
    static const std::map<std::string, PageTexts> results = [] {
        std::map<std::string, PageTexts> out;
        app::AnalysisWorker worker(app::WorkerLimits{}, test::cliPath().parent_path() / "docdesk-worker");
        std::vector<fs::path> files;
        for (const auto& e : fs::directory_iterator(corpusDir()))
            files.push_back(e.path());
        std::sort(files.begin(), files.end());
        for (const auto& file : files) {
            const auto counted = worker.countPages(file);
            PageTexts pages;
            if (!counted.ok) {
                BOOST_TEST_MESSAGE(file.filename().string() << ": " << counted.error);
                out[file.filename().string()] = pages;
                continue;
            }
            const int n = counted.analysis.value("pages", 0);
            for (int p = 1; p <= n; ++p) {
                const auto r = worker.analyse(file, counted.analysis.value("media_type", ""), p, 300);
                std::vector<std::string> texts;
                std::string line;
                if (r.ok) {
                    for (const auto& b : r.analysis["barcodes"]) {
                        texts.push_back(b["text"].get<std::string>());
                        line +=
                            " [" + b["format"].get<std::string>() + " " + b["text"].get<std::string>() + "]";
                    }
                } else {
                    line = " error: " + r.error;
                }
                BOOST_TEST_MESSAGE(file.filename().string()
                                   << " page " << p << ":" << (line.empty() ? " -" : line));
                pages.push_back(texts);
            }
            out[file.filename().string()] = pages;
        }
        return out;
    }();
    return results;
}

// 0-based pages on which some barcode satisfies `match`.
template <typename Match> std::set<int> pagesWhere(const std::string& file, Match match) {
    std::set<int> pages;
    const auto it = corpus().find(file);
    BOOST_REQUIRE_MESSAGE(it != corpus().end(), "missing corpus file " << file);
    for (size_t p = 0; p < it->second.size(); ++p)
        for (const auto& t : it->second[p])
            if (match(t))
                pages.insert(int(p));
    return pages;
}

std::set<int> pagesWithText(const std::string& file, const std::string& text) {
    return pagesWhere(file, [&](const std::string& t) { return t == text; });
}

} // namespace

BOOST_AUTO_TEST_CASE(patch_t_separators_are_found_where_paperless_expects_them,
                     *utf::precondition(CorpusPresent())) {
    const std::map<std::string, std::set<int>> expected = {
        {"patch-code-t.pdf", {0}},
        {"patch-code-t-middle.pdf", {1}},
        {"patch-code-t-middle.tiff", {1}},
        {"patch-code-t-middle-alpha.tiff", {1}},
        {"several-patcht-codes.pdf", {2, 5}},
        {"patch-code-t-middle-reverse.pdf", {1}},
        {"patch-code-t-middle-distorted.pdf", {1}},
        {"patch-code-t-middle-fuzzy.pdf", {1}},
        {"barcode-fax-image.pdf", {1}},
        {"patch-code-t-qr.pdf", {0}},
        {"patch-code-t-double.pdf", {1, 2}},
        {"patch-code-t-middle-unreadable.pdf", {}},
    };
    for (const auto& [file, pages] : expected) {
        const auto found = pagesWithText(file, "PATCHT");
        BOOST_TEST((found == pages), file << ": PATCHT found on " << found.size() << " pages");
    }
}

BOOST_AUTO_TEST_CASE(custom_separator_values_are_found, *utf::precondition(CorpusPresent())) {
    for (const auto* file : {"barcode-39-custom.pdf", "barcode-qr-custom.pdf", "barcode-128-custom.pdf"})
        BOOST_TEST((pagesWithText(file, "CUSTOM BARCODE") == std::set<int>{0}), file);
    BOOST_TEST((pagesWithText("many-qr-codes.pdf", "ADAR-NEXTDOC") == std::set<int>{1}));
}

BOOST_AUTO_TEST_CASE(asn_barcodes_are_found_on_the_expected_pages, *utf::precondition(CorpusPresent())) {
    auto asn = [](const std::string& t) { return t.rfind("ASN", 0) == 0; };
    BOOST_TEST((pagesWhere("split-by-asn-1.pdf", asn) == std::set<int>{0, 2, 3, 6, 8}));
    BOOST_TEST((pagesWhere("split-by-asn-2.pdf", asn) == std::set<int>{0, 4, 5, 8, 10}));
    BOOST_TEST((pagesWithText("split-by-asn-2.pdf", "PATCHT") == std::set<int>{2}));
    BOOST_TEST((pagesWithText("barcode-39-asn-123.pdf", "ASN00123") == std::set<int>{0}));
    // The symbol's content has a space ("ASN 000123"); paperless-ngx strips the prefix and
    // whitespace before parsing ASN 123. zbarimg finds this small QR code at neither 300 nor 600 dpi.
    BOOST_TEST((pagesWithText("barcode-qr-asn-000123-upscale-dpi.pdf", "ASN 000123") == std::set<int>{0}));
    BOOST_TEST((pagesWithText("barcode-39-asn-invalid.pdf", "ASNXYZXYZ") == std::set<int>{0}));
    BOOST_TEST(
        (pagesWithText("barcode-39-asn-custom-prefix.pdf", "CUSTOM-PREFIX-00123") == std::set<int>{0}));
}
