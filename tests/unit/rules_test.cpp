#define BOOST_TEST_MODULE rules
// core/rules: separation, fields, naming templates, plan edits and the rules file, on generated
// page lists (pages are values: source, page number, barcodes with position, blank).
#include "core/rules/FilingPlan.h"
#include "core/rules/PlanJson.h"
#include "core/rules/RulesFile.h"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <random>
#include <set>

using namespace docdesk;
using namespace docdesk::rules;
namespace fs = std::filesystem;

namespace {

constexpr int kWidth = 2480; // A4 at 300 dpi
constexpr int kHeight = 3508;

// A barcode centred at (cx, cy) as fractions of the page.
BarcodeHit code(std::string text, std::string format = "Code128", double cx = 0.5, double cy = 0.5) {
    const double x = cx * kWidth;
    const double y = cy * kHeight;
    return {std::move(format), std::move(text),
            Quad{{{x - 50, y - 20}, {x + 50, y - 20}, {x + 50, y + 20}, {x - 50, y + 20}}}};
}

PlanPage page(std::vector<BarcodeHit> codes = {}, bool blank = false, std::int64_t file = 0) {
    PlanPage p;
    p.source = "file" + std::to_string(file) + ".pdf";
    p.file = file;
    p.width = kWidth;
    p.height = kHeight;
    p.barcodes = std::move(codes);
    p.blank = blank;
    return p;
}

// Pages built from a compact description: "" plain, "S" PATCHT separator, "B" blank, anything
// else one Code128 barcode with that text. Page numbers count per file.
std::vector<PlanPage> pagesOf(const std::vector<std::string>& spec) {
    std::vector<PlanPage> pages;
    for (const auto& s : spec) {
        if (s.empty())
            pages.push_back(page());
        else if (s == "S")
            pages.push_back(page({code("PATCHT", "Code39")}));
        else if (s == "B")
            pages.push_back(page({}, true));
        else
            pages.push_back(page({code(s)}));
        pages.back().page = int(pages.size());
    }
    return pages;
}

// The documents as lists of 0-based page indices.
using Groups = std::vector<std::vector<std::size_t>>;
Groups groups(const FilingPlan& plan) {
    Groups g;
    for (const auto& d : plan.documents)
        g.push_back(d.pages);
    return g;
}
std::vector<std::size_t> droppedPages(const FilingPlan& plan) {
    std::vector<std::size_t> out;
    for (const auto& d : plan.dropped)
        out.push_back(d.page);
    return out;
}

std::string field(const PlannedDocument& d, const std::string& name) {
    const auto it = d.fields.find(name);
    return it == d.fields.end() ? "<none>" : it->second.value;
}

bool hasWarningContaining(const PlannedDocument& d, const std::string& text) {
    for (const auto& w : d.warnings)
        if (w.find(text) != std::string::npos)
            return true;
    return false;
}

FilingPlan planWith(const FilingRules& rules, const std::vector<PlanPage>& pages) {
    return FilingPlanner(rules).plan(pages);
}

template <typename F> std::string rulesErrorOf(F&& f) {
    try {
        f();
    } catch (const RulesError& e) {
        return e.what();
    }
    return "<no error>";
}

std::string parseError(const std::string& text) {
    return rulesErrorOf([&] { parseRulesFile(text, "test.jsonc"); });
}

} // namespace

// ---- separation ---------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(pages_without_rules_make_one_document) {
    const auto pages = pagesOf({"", "", ""});
    const auto plan = planWith({}, pages);
    BOOST_TEST((groups(plan) == Groups{{0, 1, 2}}));
    BOOST_TEST(plan.dropped.empty());
    BOOST_TEST(reasonKey(plan.documents[0].startsBecause.reason) == std::string("first page"));
    BOOST_TEST(planWith({}, {}).documents.empty());
}

BOOST_AUTO_TEST_CASE(separator_sheet_is_dropped_and_starts_the_next_document) {
    const auto pages = pagesOf({"", "S", ""});
    const auto plan = planWith({}, pages);
    BOOST_TEST((groups(plan) == Groups{{0}, {2}}));
    BOOST_REQUIRE(plan.dropped.size() == 1u);
    BOOST_TEST(plan.dropped[0].page == 1u);
    BOOST_TEST(reasonKey(plan.dropped[0].reason) == std::string("separator"));
    BOOST_TEST(plan.dropped[0].value == "PATCHT");
    BOOST_TEST((plan.documents[1].startsBecause == DocumentStart{StartReason::Separator, "PATCHT"}));
    BOOST_TEST((plan.documents[1].introducedBy == std::vector<std::size_t>{1}));
}

BOOST_AUTO_TEST_CASE(consecutive_leading_and_trailing_separators_make_no_empty_documents) {
    BOOST_TEST((groups(planWith({}, pagesOf({"", "S", "S", ""}))) == Groups{{0}, {3}}));
    BOOST_TEST((droppedPages(planWith({}, pagesOf({"", "S", "S", ""}))) == std::vector<std::size_t>{1, 2}));
    const auto leading = planWith({}, pagesOf({"S", "", ""}));
    BOOST_TEST((groups(leading) == Groups{{1, 2}}));
    BOOST_TEST(reasonKey(leading.documents[0].startsBecause.reason) == std::string("separator"));
    BOOST_TEST((groups(planWith({}, pagesOf({"", "", "S"}))) == Groups{{0, 1}}));
    BOOST_TEST((groups(planWith({}, pagesOf({"S", "S"}))) == Groups{}));
    BOOST_TEST(planWith({}, pagesOf({"S", "S"})).dropped.size() == 2u);
}

BOOST_AUTO_TEST_CASE(kept_separator_starts_the_next_document) {
    FilingRules rules;
    rules.separators.keepPage = true;
    const auto plan = planWith(rules, pagesOf({"", "S", "", "S", "S"}));
    BOOST_TEST((groups(plan) == Groups{{0}, {1, 2}, {3}, {4}}));
    BOOST_TEST(plan.dropped.empty());
    BOOST_TEST(reasonKey(plan.documents[1].startsBecause.reason) == std::string("separator"));
    // A kept sheet on the first page does not make an empty document before it.
    BOOST_TEST((groups(planWith(rules, pagesOf({"S", ""}))) == Groups{{0, 1}}));
}

BOOST_AUTO_TEST_CASE(custom_separator_values_and_pattern) {
    FilingRules rules;
    rules.separators.values = {"CUSTOM BARCODE", "NEXT"};
    const auto pages = pagesOf({"", "S", "CUSTOM BARCODE", "", "NEXT", "", "SEP-17", "custom barcode"});
    BOOST_TEST((groups(planWith(rules, pages)) == Groups{{0, 1}, {3}, {5, 6, 7}}));
    rules.separators.pattern = Pattern::compile("^SEP-\\d+$");
    BOOST_TEST((groups(planWith(rules, pages)) == Groups{{0, 1}, {3}, {5}, {7}}));
    rules.separators.values.clear();
    rules.separators.pattern.reset();
    BOOST_TEST((groups(planWith(rules, pages)) == Groups{{0, 1, 2, 3, 4, 5, 6, 7}}));
}

// libstdc++ reads repetition counts and back-reference numbers into a long without an
// overflow check: numbers of 20 digits were undefined behaviour (found by fuzz_rules_file).
BOOST_AUTO_TEST_CASE(patterns_with_huge_counts_are_refused_with_a_reason) {
    for (const char* text :
         {"a{99999999999999999999}", "a{1,999999999999999999999}", "(a)\\123456789012345678901"}) {
        try {
            (void)Pattern::compile(text, "pattern");
            BOOST_ERROR("accepted " << text);
        } catch (const RulesError& e) {
            BOOST_TEST(std::string(e.what()).starts_with("pattern: invalid regular expression"));
            BOOST_TEST(std::string(e.what()).find("too large") != std::string::npos);
        }
    }
    // In a character class the digits are characters; normal counts still work.
    BOOST_TEST(Pattern::compile("^[{1234567890123456789012}]+$").matchesWhole("{90}"));
    BOOST_TEST(Pattern::compile("^A{2,3}(B)\\1$").matchesWhole("AAABB"));
}

BOOST_AUTO_TEST_CASE(asn_labels_start_documents_and_become_the_asn_field) {
    const auto pages = pagesOf({"ASN00123", "", "ASN00124", "", ""});
    const auto plan = planWith({}, pages);
    BOOST_TEST((groups(plan) == Groups{{0, 1}, {2, 3, 4}}));
    BOOST_TEST(field(plan.documents[0], "asn") == "123");
    BOOST_TEST(field(plan.documents[1], "asn") == "124");
    BOOST_TEST((plan.documents[0].startsBecause == DocumentStart{StartReason::Asn, "ASN00123"}));
    BOOST_TEST((plan.documents[1].startsBecause == DocumentStart{StartReason::Asn, "ASN00124"}));
    BOOST_TEST((plan.documents[1].fields.at("asn").page == std::optional<std::size_t>(2)));
    // paperless-ngx strips the prefix, whitespace and non-digits: "ASN 000123" is 123.
    BOOST_TEST(field(planWith({}, pagesOf({"ASN 000123"})).documents[0], "asn") == "123");
}

BOOST_AUTO_TEST_CASE(unusable_asn_is_a_warning_not_a_split) {
    const auto pages = pagesOf({"ASN00001", "", "ASNXYZXYZ", "ASN4294967296", ""});
    const auto plan = planWith({}, pages);
    BOOST_TEST((groups(plan) == Groups{{0, 1, 2, 3, 4}}));
    BOOST_TEST(field(plan.documents[0], "asn") == "1");
    BOOST_TEST(hasWarningContaining(plan.documents[0], "ASNXYZXYZ"));
    BOOST_TEST(hasWarningContaining(plan.documents[0], "ASN4294967296"));
    // A number too long for 64 bits is out of range, not a crash.
    const auto huge = planWith({}, pagesOf({"ASN123456789012345678901234567890"}));
    BOOST_TEST(field(huge.documents[0], "asn") == "<none>");
    BOOST_TEST(huge.documents[0].warnings.size() == 1u);
    FilingRules narrow;
    narrow.asn.min = 100;
    narrow.asn.max = 200;
    const auto ranged = planWith(narrow, pagesOf({"ASN150", "ASN250", "ASN099"}));
    BOOST_TEST((groups(ranged) == Groups{{0, 1, 2}}));
    BOOST_TEST(ranged.documents[0].warnings.size() == 2u);
}

BOOST_AUTO_TEST_CASE(asn_switches_and_custom_prefix) {
    const auto pages = pagesOf({"", "ASN7", "", "CUSTOM-PREFIX-00123"});
    FilingRules off;
    off.asn.enabled = false;
    const auto offPlan = planWith(off, pages);
    BOOST_TEST((groups(offPlan) == Groups{{0, 1, 2, 3}}));
    BOOST_TEST(field(offPlan.documents[0], "asn") == "<none>");
    FilingRules fieldOnly;
    fieldOnly.asn.split = false;
    const auto fieldPlan = planWith(fieldOnly, pages);
    BOOST_TEST((groups(fieldPlan) == Groups{{0, 1, 2, 3}}));
    BOOST_TEST(field(fieldPlan.documents[0], "asn") == "7");
    FilingRules custom;
    custom.asn.prefix = "CUSTOM-PREFIX-";
    const auto customPlan = planWith(custom, pages);
    BOOST_TEST((groups(customPlan) == Groups{{0, 1, 2}, {3}}));
    BOOST_TEST(field(customPlan.documents[1], "asn") == "123");
}

BOOST_AUTO_TEST_CASE(separator_and_asn_on_one_page_keep_the_page) {
    // paperless-ngx: an ASN page is kept even when it also carries the separator.
    auto pages = pagesOf({"", "", ""});
    pages[1].barcodes = {code("PATCHT", "Code39"), code("ASN00007", "Code39", 0.5, 0.2)};
    const auto plan = planWith({}, pages);
    BOOST_TEST((groups(plan) == Groups{{0}, {1, 2}}));
    BOOST_TEST(plan.dropped.empty());
    BOOST_TEST(field(plan.documents[1], "asn") == "7");
    BOOST_TEST(reasonKey(plan.documents[1].startsBecause.reason) == std::string("asn"));
    // A separator right before an ASN page: one boundary, the ASN page starts the document.
    const auto both = planWith({}, pagesOf({"", "S", "ASN9", ""}));
    BOOST_TEST((groups(both) == Groups{{0}, {2, 3}}));
    BOOST_TEST(reasonKey(both.documents[1].startsBecause.reason) == std::string("asn"));
}

BOOST_AUTO_TEST_CASE(asn_zone_and_symbology_keep_vendor_codes_out) {
    FilingRules rules;
    rules.asn.filter.zone = Zone{0.5, 0.0, 1.0, 0.25};
    rules.asn.filter.symbologies = {"qrcode"};
    auto pages = pagesOf({"", "", "", ""});
    pages[0].barcodes = {code("ASN00001", "QRCode", 0.8, 0.1)};
    pages[1].barcodes = {code("ASN99999", "QRCode", 0.3, 0.8)};  // a supplier's code, bottom left
    pages[2].barcodes = {code("ASN55555", "Code128", 0.8, 0.1)}; // right place, wrong symbology
    pages[3].barcodes = {code("ASN00002", "QRCode", 0.9, 0.2)};
    const auto plan = planWith(rules, pages);
    BOOST_TEST((groups(plan) == Groups{{0, 1, 2}, {3}}));
    BOOST_TEST(field(plan.documents[0], "asn") == "1");
    BOOST_TEST(plan.documents[0].warnings.empty());
    // Without the page size the zone cannot be checked: nothing is taken.
    pages[3].width = 0;
    BOOST_TEST((groups(planWith(rules, pages)) == Groups{{0, 1, 2, 3}}));
}

BOOST_AUTO_TEST_CASE(tag_barcodes_become_the_tags_field_and_can_split) {
    auto pages = pagesOf({"", "TAG:invoice", "", "TAG:receipt", ""});
    pages[1].barcodes.push_back(code("tag:Expense, TAG:INVOICE"));
    const auto plan = planWith({}, pages);
    BOOST_TEST((groups(plan) == Groups{{0, 1, 2, 3, 4}}));
    BOOST_TEST(field(plan.documents[0], "tags") == "invoice, Expense, receipt");

    FilingRules split;
    split.tags.split = true;
    const auto splitPlan = planWith(split, pages);
    // paperless-ngx test_consume_barcode_file_tag_split_and_assignment: tags per split document.
    BOOST_TEST((groups(splitPlan) == Groups{{0}, {1, 2}, {3, 4}}));
    BOOST_TEST(field(splitPlan.documents[0], "tags") == "<none>");
    BOOST_TEST(field(splitPlan.documents[1], "tags") == "invoice, Expense");
    BOOST_TEST(field(splitPlan.documents[2], "tags") == "receipt");
    BOOST_TEST(reasonKey(splitPlan.documents[1].startsBecause.reason) == std::string("tag"));

    FilingRules off;
    off.tags.enabled = false;
    BOOST_TEST(field(planWith(off, pages).documents[0], "tags") == "<none>");
}

BOOST_AUTO_TEST_CASE(barcode_value_change_starts_a_document) {
    FilingRules rules;
    rules.splitOnChange = ValueChangeRule{Pattern::compile("^INV-(\\d+)$"), "invoice", {}};
    const auto pages = pagesOf({"", "INV-1", "", "INV-1", "INV-2", "", "OTHER", "INV-3"});
    const auto plan = planWith(rules, pages);
    BOOST_TEST((groups(plan) == Groups{{0, 1, 2, 3}, {4, 5, 6}, {7}}));
    BOOST_TEST((plan.documents[1].startsBecause == DocumentStart{StartReason::BarcodeChange, "2"}));
    BOOST_TEST(field(plan.documents[0], "invoice") == "1");
    BOOST_TEST(field(plan.documents[1], "invoice") == "2");
    BOOST_TEST(field(plan.documents[2], "invoice") == "3");
    // A separator resets the value: the same value after it is a new document all the same.
    BOOST_TEST((groups(planWith(rules, pagesOf({"INV-1", "S", "INV-1"}))) == Groups{{0}, {2}}));
}

BOOST_AUTO_TEST_CASE(blank_pages_kept_dropped_or_separating) {
    const auto pages = pagesOf({"", "B", "", "B", "B", ""});
    FilingRules rules;
    BOOST_TEST((groups(planWith(rules, pages)) == Groups{{0, 1, 2, 3, 4, 5}}));
    rules.blankPages = BlankPages::Drop;
    const auto dropped = planWith(rules, pages);
    BOOST_TEST((groups(dropped) == Groups{{0, 2, 5}}));
    BOOST_TEST((droppedPages(dropped) == std::vector<std::size_t>{1, 3, 4}));
    BOOST_TEST(reasonKey(dropped.dropped[0].reason) == std::string("blank"));
    rules.blankPages = BlankPages::Separate;
    const auto separated = planWith(rules, pages);
    BOOST_TEST((groups(separated) == Groups{{0}, {2}, {5}}));
    BOOST_TEST(reasonKey(separated.documents[1].startsBecause.reason) == std::string("blank page"));
    // The blank back of a separator sheet: one boundary, still "separator".
    const auto backs = planWith(rules, pagesOf({"", "S", "B", ""}));
    BOOST_TEST((groups(backs) == Groups{{0}, {3}}));
    BOOST_TEST(reasonKey(backs.documents[1].startsBecause.reason) == std::string("separator"));
}

BOOST_AUTO_TEST_CASE(every_n_pages_restarts_at_other_boundaries) {
    FilingRules rules;
    rules.everyPages = 2;
    BOOST_TEST((groups(planWith(rules, pagesOf({"", "", "", "", ""}))) == Groups{{0, 1}, {2, 3}, {4}}));
    const auto withSeparator = planWith(rules, pagesOf({"", "", "", "S", "", "", ""}));
    BOOST_TEST((groups(withSeparator) == Groups{{0, 1}, {2}, {4, 5}, {6}}));
    BOOST_TEST((withSeparator.documents[1].startsBecause == DocumentStart{StartReason::EveryNPages, "2"}));
    // Dropped pages do not count.
    rules.blankPages = BlankPages::Drop;
    BOOST_TEST((groups(planWith(rules, pagesOf({"", "B", "", ""}))) == Groups{{0, 2}, {3}}));
}

BOOST_AUTO_TEST_CASE(receipts_cut_from_one_page_and_single_image_files_are_documents_of_their_own) {
    // Page 0 a scan cut into three receipts (1-3), then two photos (image files 4 and 5).
    auto pages = pagesOf({"", "", "", "", "", ""});
    for (std::size_t i = 1; i <= 3; ++i)
        pages[i].ownDocument = StartReason::Receipt;
    pages[4].ownDocument = pages[5].ownDocument = StartReason::NewFile;
    const auto plan = planWith({}, pages);
    BOOST_TEST((groups(plan) == Groups{{0}, {1}, {2}, {3}, {4}, {5}}));
    BOOST_TEST(reasonKey(plan.documents[2].startsBecause.reason) == std::string("receipt"));
    BOOST_TEST(reasonKey(plan.documents[4].startsBecause.reason) == std::string("new file"));
    BOOST_TEST(describe(plan.documents[2].startsBecause) == "one of several documents on one page");
    // A feeder batch delivered as one image file per page keeps its separator sheets and
    // labels; receipts cut from one page stay apart all the same.
    auto feeder = pagesOf({"", "", "S", "", "", ""});
    for (auto& p : feeder)
        p.ownDocument = StartReason::NewFile;
    feeder[5].ownDocument = StartReason::Receipt;
    BOOST_TEST((groups(planWith({}, feeder)) == Groups{{0, 1}, {3, 4}, {5}}));
    FilingRules every;
    every.everyPages = 2;
    auto counted = pagesOf({"", "", ""});
    for (auto& p : counted)
        p.ownDocument = StartReason::NewFile;
    BOOST_TEST((groups(planWith(every, counted)) == Groups{{0, 1}, {2}}));
}

BOOST_AUTO_TEST_CASE(one_document_per_file) {
    std::vector<PlanPage> pages{page({}, false, 0), page({}, false, 0), page({code("PATCHT")}, false, 0),
                                page({}, false, 1), page({}, false, 1), page({}, false, 2)};
    BOOST_TEST((groups(planWith({}, pages)) == Groups{{0, 1}, {3, 4, 5}}));
    FilingRules rules;
    rules.perFile = true;
    const auto plan = planWith(rules, pages);
    BOOST_TEST((groups(plan) == Groups{{0, 1}, {3, 4}, {5}}));
    BOOST_TEST(reasonKey(plan.documents[1].startsBecause.reason) == std::string("new file"));
    // File 0's trailing separator does not belong to file 1's document.
    BOOST_TEST(plan.documents[1].introducedBy.empty());
    // Every-N counts restart in each file.
    rules.everyPages = 2;
    std::vector<PlanPage> three{page({}, false, 0), page({}, false, 0), page({}, false, 0),
                                page({}, false, 1), page({}, false, 1)};
    BOOST_TEST((groups(planWith(rules, three)) == Groups{{0, 1}, {2}, {3, 4}}));
    // An ASN on a file's first page: the document starts because of the ASN.
    std::vector<PlanPage> asn{page({}, false, 0), page({code("ASN5")}, false, 1)};
    BOOST_TEST(reasonKey(planWith(rules, asn).documents[1].startsBecause.reason) == std::string("asn"));
}

// `file` files documents while the batch is still analysed (app::FilingAhead): the documents
// settledDocuments() counts in the plan of the first pages must be exactly those of the whole
// batch's plan. Checked on random batches under several rule sets, at every prefix.
BOOST_AUTO_TEST_CASE(settled_documents_of_the_first_pages_are_those_of_the_whole_batch) {
    std::vector<FilingRules> ruleSets(6);
    ruleSets[1].perFile = true;
    ruleSets[2].everyPages = 3;
    ruleSets[3].blankPages = BlankPages::Separate;
    ruleSets[3].separators.keepPage = true;
    ruleSets[4].splitOnChange = ValueChangeRule{Pattern::compile("^INV-(\\d+)$"), "invoice", {}};
    ruleSets[5].fields.push_back({"vendor", Pattern::compile("^VENDOR:(.+)$"), {}, {}});
    ruleSets[5].tags.split = true;
    ruleSets[5].blankPages = BlankPages::Drop;
    std::mt19937 random(16);
    const std::vector<std::string> kinds{"",     "",      "",      "S",           "B",
                                         "ASN7", "INV-1", "INV-2", "VENDOR:acme", "TAG:x"};
    size_t settledSeen = 0, heldBack = 0;
    for (int round = 0; round < 60; ++round) {
        std::vector<PlanPage> pages;
        const int count = 1 + int(random() % 24);
        std::int64_t file = 0;
        for (int i = 0; i < count; ++i) {
            const auto& kind = kinds[random() % kinds.size()];
            auto p = kind.empty()  ? page()
                     : kind == "S" ? pagesOf({"S"}).front()
                     : kind == "B" ? page({}, true)
                                   : page({code(kind)});
            if (random() % 3 == 0)
                ++file; // a new file; photos and single images are documents of their own
            p.file = file;
            p.source = "file" + std::to_string(file) + ".jpg";
            if (random() % 2 == 0)
                p.ownDocument = StartReason::NewFile;
            pages.push_back(std::move(p));
        }
        for (const auto& rules : ruleSets) {
            const FilingPlanner planner(rules);
            const FilingPlan whole = planner.plan(pages);
            for (size_t n = 1; n <= pages.size(); ++n) {
                const std::vector<PlanPage> first(pages.begin(), pages.begin() + std::ptrdiff_t(n));
                const FilingPlan early = planner.plan(first);
                const size_t settled = planner.settledDocuments(first, early);
                BOOST_REQUIRE(settled <= early.documents.size());
                BOOST_REQUIRE(settled <= whole.documents.size());
                settledSeen += settled;
                heldBack += early.documents.size() - settled;
                for (size_t k = 0; k < settled; ++k) {
                    const auto& a = early.documents[k];
                    const auto& b = whole.documents[k];
                    BOOST_TEST((a.pages == b.pages),
                               "round " << round << ", " << n << " pages, document " << k);
                    BOOST_TEST(a.fileName == b.fileName);
                    BOOST_TEST(a.folder == b.folder);
                    BOOST_TEST((a.fieldValues() == b.fieldValues()));
                }
            }
        }
    }
    BOOST_TEST(settledSeen > 1000u); // most documents are settled early
    BOOST_TEST(heldBack > 100u);     // and some are held back
}

// ---- fields --------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(fields_use_group_one_or_the_whole_match_with_filters) {
    FilingRules rules;
    rules.fields.push_back({"vendor", Pattern::compile("^VENDOR:(.+)$"), {{"QRCode"}, std::nullopt}, {}});
    rules.fields.push_back({"order", Pattern::compile("PO\\d+"), {}, {}});
    rules.fields.push_back({"box", Pattern::compile("^BOX(\\d+)$"), {{}, Zone{0, 0, 0.5, 0.5}}, {}});
    std::vector<PlanPage> pages{
        page({code("VENDOR:Wrong", "Code128"), code("VENDOR:ACME", "QRCode"), code("ref PO12345 x"),
              code("BOX7", "Code128", 0.9, 0.9), code("BOX3", "Code128", 0.1, 0.1)})};
    const auto plan = planWith(rules, pages);
    BOOST_TEST(field(plan.documents[0], "vendor") == "ACME");
    BOOST_TEST(field(plan.documents[0], "order") == "PO12345");
    BOOST_TEST(field(plan.documents[0], "box") == "3");
    BOOST_TEST((plan.documents[0].fields.at("vendor").origin == FieldOrigin::Barcode));
    // "(?i)" ignores case.
    rules.fields = {{"vendor", Pattern::compile("(?i)^vendor:(.+)$"), {}, {}}};
    BOOST_TEST(field(planWith(rules, {page({code("VENDOR:x")})}).documents[0], "vendor") == "x");
}

BOOST_AUTO_TEST_CASE(validation_failures_are_warnings) {
    FilingRules rules;
    FieldValidation numeric;
    numeric.min = 1000;
    numeric.max = 8999;
    FieldValidation shaped;
    shaped.pattern = Pattern::compile("[A-Z]{3}");
    rules.fields.push_back({"cc", Pattern::compile("^CC(.+)$"), {}, numeric});
    rules.fields.push_back({"code", Pattern::compile("^CODE:(.+)$"), {}, shaped});
    const auto pages =
        pagesOf({"CC0999", "S", "CC9000", "S", "CCabc", "S", "CC1234", "CODE:ABC", "S", "CODE:ABCD"});
    const auto plan = planWith(rules, pages);
    BOOST_REQUIRE(plan.documents.size() == 5u);
    BOOST_TEST(field(plan.documents[0], "cc") == "0999"); // kept, with a warning
    BOOST_TEST(hasWarningContaining(plan.documents[0], "minimum"));
    BOOST_TEST(hasWarningContaining(plan.documents[1], "maximum"));
    BOOST_TEST(hasWarningContaining(plan.documents[2], "number"));
    BOOST_TEST(plan.documents[3].warnings.empty());
    BOOST_TEST(hasWarningContaining(plan.documents[4], "pattern"));
}

BOOST_AUTO_TEST_CASE(fields_belong_to_the_document_whose_pages_carry_them) {
    FilingRules rules;
    rules.fields.push_back({"vendor", Pattern::compile("^VENDOR:(.+)$"), {}, {}});
    const auto pages = pagesOf({"ASN1", "", "ASN2", "VENDOR:ACME", "VENDOR:Other", "ASN3"});
    const auto plan = planWith(rules, pages);
    BOOST_REQUIRE(plan.documents.size() == 3u);
    BOOST_TEST(field(plan.documents[0], "vendor") == "<none>");
    BOOST_TEST(field(plan.documents[1], "vendor") == "ACME");
    BOOST_TEST((plan.documents[1].fields.at("vendor").page == std::optional<std::size_t>(3)));
    BOOST_TEST(hasWarningContaining(plan.documents[1], "Other")); // two values: the first is used
    BOOST_TEST(field(plan.documents[2], "vendor") == "<none>");
}

BOOST_AUTO_TEST_CASE(separator_sheet_barcodes_belong_to_the_next_document) {
    FilingRules rules;
    rules.fields.push_back({"vendor", Pattern::compile("^VENDOR:(.+)$"), {}, {}});
    rules.fields.push_back({"all", Pattern::compile(".+"), {}, {}});
    auto pages = pagesOf({"", "", ""});
    pages[1].barcodes = {code("PATCHT"), code("VENDOR:ACME")};
    const auto plan = planWith(rules, pages);
    BOOST_TEST((groups(plan) == Groups{{0}, {2}}));
    BOOST_TEST(field(plan.documents[0], "vendor") == "<none>");
    BOOST_TEST(field(plan.documents[1], "vendor") == "ACME");
    BOOST_TEST(field(plan.documents[1], "all") == "VENDOR:ACME"); // the PATCHT itself is not a field
}

BOOST_AUTO_TEST_CASE(user_fields_override_extracted_ones) {
    FilingRules rules;
    rules.fields.push_back({"vendor", Pattern::compile("^VENDOR:(.+)$"), {}, {}});
    const auto pages = pagesOf({"VENDOR:ACME", "S", "VENDOR:Beta"});
    const FilingPlanner planner(rules);
    const auto plan = planner.plan(pages, {{1, {{"vendor", "Gamma"}, {"note", "typed"}}}});
    BOOST_TEST(field(plan.documents[0], "vendor") == "ACME");
    BOOST_TEST(field(plan.documents[1], "vendor") == "Gamma");
    BOOST_TEST((plan.documents[1].fields.at("vendor").origin == FieldOrigin::User));
    BOOST_TEST(field(plan.documents[1], "note") == "typed");
    const auto cleared = planner.withUserFields(plan, pages, 0, {{"vendor", ""}});
    BOOST_TEST(field(cleared.documents[0], "vendor") == "<none>");
    BOOST_TEST(field(cleared.documents[1], "vendor") == "Gamma");
    BOOST_CHECK_THROW(planner.withUserFields(plan, pages, 5, {}), std::out_of_range);
    BOOST_CHECK_THROW(planner.plan(pages, {{7, {}}}), std::out_of_range);
}

BOOST_AUTO_TEST_CASE(analysis_failures_are_warnings_on_their_document) {
    auto pages = pagesOf({"", ""});
    pages[1].analysed = false;
    const auto plan = planWith({}, pages);
    BOOST_TEST((groups(plan) == Groups{{0, 1}}));
    BOOST_TEST(hasWarningContaining(plan.documents[0], "page 2"));
}

// ---- merge and split -----------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(merge_two_adjacent_documents) {
    FilingRules rules;
    rules.fields.push_back({"vendor", Pattern::compile("^VENDOR:(.+)$"), {}, {}});
    const auto pages = pagesOf({"ASN1", "", "S", "VENDOR:ACME", "ASN3"});
    const FilingPlanner planner(rules);
    auto plan = planner.plan(pages, {{1, {{"note", "b"}}}});
    BOOST_REQUIRE((groups(plan) == Groups{{0, 1}, {3}, {4}}));
    const auto merged = planner.merge(plan, pages, 0);
    BOOST_TEST((groups(merged) == Groups{{0, 1, 3}, {4}}));
    BOOST_TEST((droppedPages(merged) == std::vector<std::size_t>{2})); // the sheet stays out
    BOOST_TEST(field(merged.documents[0], "vendor") == "ACME");
    BOOST_TEST(field(merged.documents[0], "asn") == "1");
    BOOST_TEST(field(merged.documents[0], "note") == "b");
    BOOST_TEST(reasonKey(merged.documents[0].startsBecause.reason) == std::string("asn"));
    // Names follow the new numbering.
    BOOST_TEST(merged.documents[1].fileName == "file0_002");
    const auto all = planner.merge(merged, pages, 0);
    BOOST_TEST((groups(all) == Groups{{0, 1, 3, 4}}));
    BOOST_TEST(hasWarningContaining(all.documents[0], "asn")); // two ASNs now: a warning
    BOOST_CHECK_THROW(planner.merge(all, pages, 0), std::out_of_range);
}

BOOST_AUTO_TEST_CASE(split_a_document_recomputes_fields_for_both) {
    FilingRules rules;
    rules.fields.push_back({"vendor", Pattern::compile("^VENDOR:(.+)$"), {}, {}});
    const auto pages = pagesOf({"VENDOR:ACME", "", "VENDOR:Beta", ""});
    const FilingPlanner planner(rules);
    const auto plan = planner.plan(pages, {{0, {{"note", "typed"}}}});
    BOOST_TEST(hasWarningContaining(plan.documents[0], "Beta"));
    const auto split = planner.split(plan, pages, 0, 2);
    BOOST_TEST((groups(split) == Groups{{0, 1}, {2, 3}}));
    BOOST_TEST(field(split.documents[0], "vendor") == "ACME");
    BOOST_TEST(field(split.documents[1], "vendor") == "Beta");
    BOOST_TEST(split.documents[0].warnings.empty());
    BOOST_TEST(field(split.documents[0], "note") == "typed");
    BOOST_TEST(field(split.documents[1], "note") == "<none>");
    BOOST_TEST(reasonKey(split.documents[1].startsBecause.reason) == std::string("user split"));
    BOOST_CHECK_THROW(planner.split(plan, pages, 0, 0), std::out_of_range);
    BOOST_CHECK_THROW(planner.split(plan, pages, 0, 4), std::out_of_range);
    BOOST_CHECK_THROW(planner.split(plan, pages, 1, 1), std::out_of_range);
    // Splitting then merging gives the original grouping back.
    BOOST_TEST((groups(planner.merge(split, pages, 0)) == groups(plan)));
}

// ---- naming --------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(templates_fill_fields_dates_counters_and_sources) {
    FilingRules rules;
    rules.fields.push_back({"vendor", Pattern::compile("^VENDOR:(.+)$"), {}, {}});
    rules.folder =
        NameTemplate::parse("{field:vendor|unsorted}/{date:%Y}/{date:%m}", NameTemplate::Kind::Folder);
    rules.fileName =
        NameTemplate::parse("{field:asn|unknown}_{counter:04}_{source}{{x}}", NameTemplate::Kind::FileName);
    NamingContext naming;
    naming.date.tm_year = 124; // 2024
    naming.date.tm_mon = 2;    // March
    naming.date.tm_mday = 5;
    naming.firstCounter = 41;
    const auto pages = pagesOf({"ASN00123", "VENDOR:ACME", "ASN7"});
    const auto plan = FilingPlanner(rules, naming).plan(pages);
    BOOST_REQUIRE(plan.documents.size() == 2u);
    BOOST_TEST(plan.documents[0].relativePath() == "ACME/2024/03/123_0041_file0{x}.pdf");
    BOOST_TEST(plan.documents[1].relativePath(".tif") == "unsorted/2024/03/7_0042_file0{x}.tif");
    BOOST_TEST(plan.documents[0].warnings.empty());
}

BOOST_AUTO_TEST_CASE(missing_fields_without_fallback_warn_and_use_a_placeholder) {
    FilingRules rules;
    rules.folder = NameTemplate::parse("{field:vendor}", NameTemplate::Kind::Folder);
    rules.fileName = NameTemplate::parse("{field:vendor}-{field:asn|}", NameTemplate::Kind::FileName);
    const auto plan = planWith(rules, pagesOf({""}));
    BOOST_TEST(plan.documents[0].relativePath() == "missing-vendor/missing-vendor-.pdf");
    BOOST_TEST(plan.documents[0].warnings.size() == 1u); // one per missing field, asn has a fallback
    BOOST_TEST(hasWarningContaining(plan.documents[0], "vendor"));
}

BOOST_AUTO_TEST_CASE(values_are_sanitised_into_safe_path_components) {
    FilingRules rules;
    rules.fields.push_back({"v", Pattern::compile("^V:(.*)$"), {}, {}});
    rules.folder = NameTemplate::parse("in/{field:v|none}", NameTemplate::Kind::Folder);
    rules.fileName = NameTemplate::parse("{field:v|none}", NameTemplate::Kind::FileName);
    auto pathFor = [&](const std::string& value) {
        return planWith(rules, {page({code("V:" + value)})}).documents[0].relativePath("");
    };
    BOOST_TEST(pathFor("../../etc/passwd") == "in/-..-etc-passwd/-..-etc-passwd");
    BOOST_TEST(pathFor("..") == "in/document");
    BOOST_TEST(pathFor("/abs") == "in/-abs/-abs");
    BOOST_TEST(pathFor("a\x01\tb\x7f") == "in/ab/ab");
    BOOST_TEST(pathFor("x:y*z?\"<>|\\") == "in/x-y-z------/x-y-z------");
    BOOST_TEST(pathFor("  .hidden. ") == "in/hidden/hidden");
    BOOST_TEST(pathFor("CON") == "in/_CON/_CON");
    BOOST_TEST(pathFor("lpt1.txt") == "in/_lpt1.txt/_lpt1.txt");
    // Long values are cut, never inside a UTF-8 character.
    std::string longValue;
    for (int i = 0; i < 60; ++i)
        longValue += "\xC3\xA4"; // ä, 2 bytes each
    const auto cut = sanitizeComponent(longValue);
    BOOST_TEST(cut.size() == kMaxComponentBytes);
    BOOST_TEST(cut.substr(cut.size() - 2) == "\xC3\xA4");
    const auto odd = sanitizeComponent("a" + longValue); // byte 100 is inside a character
    BOOST_TEST(odd.size() == kMaxComponentBytes - 1);
    BOOST_TEST(sanitizeComponent(std::string(300, 'a')).size() == kMaxComponentBytes);
    BOOST_TEST(sanitizeComponent(" . ") == "");
}

BOOST_AUTO_TEST_CASE(names_are_unique_within_a_plan) {
    FilingRules rules;
    rules.fields.push_back({"v", Pattern::compile("^V:(.*)$"), {}, {}});
    rules.fileName = NameTemplate::parse("{field:v|x}", NameTemplate::Kind::FileName);
    const auto plan =
        planWith(rules, pagesOf({"V:Report", "S", "V:report", "S", "V:Report", "S", "V:Report (2)"}));
    BOOST_REQUIRE(plan.documents.size() == 4u);
    BOOST_TEST(plan.documents[0].fileName == "Report");
    BOOST_TEST(plan.documents[1].fileName == "report (2)"); // case-insensitive file systems
    BOOST_TEST(plan.documents[2].fileName == "Report (3)");
    BOOST_TEST(plan.documents[3].fileName == "Report (2) (2)");
    // Same name in different folders is no collision.
    rules.folder = NameTemplate::parse("{field:v|x}", NameTemplate::Kind::Folder);
    rules.fileName = NameTemplate::parse("doc", NameTemplate::Kind::FileName);
    const auto foldered = planWith(rules, pagesOf({"V:a", "S", "V:b"}));
    BOOST_TEST(foldered.documents[0].relativePath() == "a/doc.pdf");
    BOOST_TEST(foldered.documents[1].relativePath() == "b/doc.pdf");
}

BOOST_AUTO_TEST_CASE(unique_path_never_picks_an_existing_file) {
    std::set<fs::path> existing{"out/a.pdf", "out/a (2).pdf", "out/b"};
    auto exists = [&](const fs::path& p) { return existing.count(p) > 0; };
    BOOST_TEST((uniquePath("out/new.pdf", exists) == fs::path("out/new.pdf")));
    BOOST_TEST((uniquePath("out/a.pdf", exists) == fs::path("out/a (3).pdf")));
    BOOST_TEST((uniquePath("out/b", exists) == fs::path("out/b (2)")));
    BOOST_CHECK_THROW(uniquePath("x.pdf", [](const fs::path&) { return true; }), Error);
}

BOOST_AUTO_TEST_CASE(bad_templates_are_refused) {
    using K = NameTemplate::Kind;
    auto error = [](const std::string& text, K kind) {
        return rulesErrorOf([&] { NameTemplate::parse(text, kind, "folder"); });
    };
    BOOST_TEST(error("{nope}", K::Folder).find("unknown placeholder") != std::string::npos);
    BOOST_TEST(error("{field:x", K::Folder).find("unclosed") != std::string::npos);
    BOOST_TEST(error("a}", K::Folder).find("unmatched") != std::string::npos);
    BOOST_TEST(error("a/b", K::FileName).find("cannot contain") != std::string::npos);
    BOOST_TEST(error("/abs/{counter}", K::Folder).find("relative") != std::string::npos);
    BOOST_TEST(error("a/../b", K::Folder).find("not allowed") != std::string::npos);
    BOOST_TEST(error("a\\b", K::Folder).find("'/'") != std::string::npos);
    BOOST_TEST(error("{date:%Q}", K::Folder).find("date format") != std::string::npos);
    BOOST_TEST(error("{counter:x}", K::Folder).find("width") != std::string::npos);
    BOOST_TEST(error("{field:}", K::Folder).find("field name") != std::string::npos);
    BOOST_TEST(error("{field:x}/{date}/{counter:3}/{source}/a..b", K::Folder) == "<no error>");
}

// ---- patterns and filters ------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(patterns_and_symbology_names) {
    BOOST_TEST(Pattern::compile("^A(\\d+)").find("A12x").value() == "12");
    BOOST_TEST(Pattern::compile("B\\d").find("xB7y").value() == "B7");
    BOOST_TEST(!Pattern::compile("^A$").find("xA").has_value());
    BOOST_TEST(Pattern::compile("(x)?y").find("y").value() == "y"); // group 1 did not take part
    BOOST_TEST(!Pattern::compile(".*").find(std::string(kMaxMatchedTextBytes + 1, 'a')).has_value());
    BOOST_TEST(rulesErrorOf([] { Pattern::compile("([", "here"); }).starts_with("here: "));
    BOOST_TEST(rulesErrorOf([] { Pattern::compile(""); }) != "<no error>");
    BOOST_TEST(sameSymbology("EAN-13", "ean13"));
    BOOST_TEST(sameSymbology("QR_Code", "QRCode"));
    BOOST_TEST(!sameSymbology("Code128", "Code39"));
    BOOST_TEST(!sameSymbology("Code", "Code128"));
}

// ---- rules file ----------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(the_example_rules_file_loads) {
    const fs::path example = fs::path(__FILE__).parent_path().parent_path().parent_path() / "core" / "rules" /
                             "rules.example.jsonc";
    BOOST_REQUIRE_MESSAGE(fs::exists(example), example);
    const auto file = loadRulesFile(example);
    BOOST_TEST(file.profiles.size() == 2u);
    BOOST_TEST(file.defaultProfile == "mailroom");
    const auto& mailroom = file.profile().rules;
    BOOST_TEST(mailroom.asn.filter.zone.has_value());
    BOOST_TEST(mailroom.fields.size() == 2u);
    BOOST_TEST((mailroom.blankPages == BlankPages::Drop));
    BOOST_TEST(mailroom.folder.text() == "{field:vendor|unsorted}/{date:%Y}");
    const auto& receipts = file.profile("receipts");
    BOOST_TEST(receipts.description == "One document per file");
    BOOST_TEST(receipts.rules.perFile);
    BOOST_TEST((mailroom.pageEdits.crop == AutoCrop::Auto));
    BOOST_TEST(mailroom.pageEdits.deskew);
    BOOST_TEST(mailroom.pageEdits.splitReceipts);
    BOOST_TEST(receipts.rules.separators.values.empty());
    BOOST_TEST(rulesErrorOf([&] { file.profile("nope"); }).find("mailroom, receipts") != std::string::npos);
    // The example routes as documented.
    auto pages = pagesOf({"", "", ""});
    pages[0].barcodes = {code("ASN000042", "Code128", 0.8, 0.1), code("VENDOR:ACME", "QRCode", 0.2, 0.9)};
    pages[1].barcodes = {code("CC0999", "Code128")};
    NamingContext naming;
    naming.date.tm_year = 125;
    naming.date.tm_mday = 2;
    const auto plan = FilingPlanner(mailroom, naming).plan(pages);
    BOOST_REQUIRE(plan.documents.size() == 1u);
    BOOST_TEST(plan.documents[0].relativePath() == "ACME/2025/42_20250102_0001.pdf");
    BOOST_TEST(hasWarningContaining(plan.documents[0], "minimum"));
}

BOOST_AUTO_TEST_CASE(rules_file_values_and_defaults) {
    const auto file = parseRulesFile(R"json({
      /* block comment */
      "profiles": {
        "a": {"separators": {"pattern": "^SEP"}, "asn": {"prefix": "NR", "min": 5},
              "tags": {"split": true}, "every_pages": 3, "blank_pages": "separate",
              "split_on_change": {"pattern": "^K(.)", "field": "k", "zone": {"left": 0.5}},
              "file_name": "{counter}"},  // trailing comment
        "b": {}
      }
    })json");
    BOOST_TEST(file.defaultProfile == "a"); // the first one
    const auto& a = file.profile().rules;
    BOOST_TEST((a.separators.values == std::vector<std::string>{"PATCHT"})); // defaults stay
    BOOST_TEST(a.separators.pattern->text() == "^SEP");
    BOOST_TEST(a.asn.prefix == "NR");
    BOOST_TEST(a.asn.min == 5u);
    BOOST_TEST(a.tags.split);
    BOOST_TEST(a.everyPages == 3);
    BOOST_TEST((a.blankPages == BlankPages::Separate));
    BOOST_TEST(a.splitOnChange->field == "k");
    BOOST_TEST(a.splitOnChange->filter.zone->left == 0.5);
    BOOST_TEST(a.splitOnChange->filter.zone->right == 1.0);
    const auto& b = file.profile("b").rules;
    BOOST_TEST(b.asn.prefix == "ASN");
    BOOST_TEST(!b.splitOnChange.has_value());
}

BOOST_AUTO_TEST_CASE(bad_rules_files_name_the_key_path) {
    BOOST_TEST(parseError("{ \"profiles\": {\"a\": {} } ").find("not valid JSON") != std::string::npos);
    BOOST_TEST(parseError("{ \"profiles\": {\"a\": {} } ").starts_with("test.jsonc: "));
    BOOST_TEST(parseError("{}").find("\"profiles\" is required") != std::string::npos);
    BOOST_TEST(parseError(R"({"profiles": {}})").find("at least one profile") != std::string::npos);
    BOOST_TEST(parseError(R"({"profiles": {"a": {"separator": {}}}})")
                   .starts_with("test.jsonc: profiles.a.separator: unknown key"));
    BOOST_TEST(parseError(R"({"profiles": {"a": {"crop": "on"}}})")
                   .starts_with("test.jsonc: profiles.a.crop: 'on' is not one of \"auto\", \"off\""));
    BOOST_TEST(parseError(R"({"profiles": {"a": {"split_receipts": 1}}})")
                   .starts_with("test.jsonc: profiles.a.split_receipts: expected true or false"));
    {
        const auto off = parseRulesFile(
            R"({"profiles": {"a": {"crop": "off", "deskew": false, "split_receipts": false}}})");
        const auto& edits = off.profile().rules.pageEdits;
        BOOST_TEST((edits.crop == AutoCrop::Off));
        BOOST_TEST(!edits.deskew);
        BOOST_TEST(!edits.splitReceipts);
        BOOST_TEST((edits.mode == PageMode::Original));
    }
    BOOST_TEST(parseError(R"({"profiles": {"a": {"page_mode": "sepia"}}})")
                   .starts_with("test.jsonc: profiles.a.page_mode: 'sepia' is not one of \"original\""));
    {
        const auto bw = parseRulesFile(R"({"profiles": {"a": {"page_mode": "bw"}}})");
        BOOST_TEST((bw.profile().rules.pageEdits.mode == PageMode::BlackWhite));
        // Written back, it reads the same.
        const auto again = parseRulesFile(rulesFileText(bw.profile().rules, "a"));
        BOOST_TEST((again.profile().rules.pageEdits.mode == PageMode::BlackWhite));
    }
    BOOST_TEST(parseError(R"({"profiles": {"a": {"per_file": "yes"}}})")
                   .starts_with("test.jsonc: profiles.a.per_file: expected true or false"));
    BOOST_TEST(
        parseError(
            R"({"profiles": {"a": {"fields": [{"name": "v", "pattern": "x"}, {"name": "w", "pattern": "(["}]}}})")
            .starts_with("test.jsonc: profiles.a.fields[1].pattern: invalid regular expression"));
    BOOST_TEST(parseError(R"({"profiles": {"a": {"fields": [{"name": "v"}]}}})")
                   .find("profiles.a.fields[0]: \"pattern\" is required") != std::string::npos);
    BOOST_TEST(parseError(R"({"profiles": {"a": {"fields": [{"name": "asn", "pattern": "x"}]}}})")
                   .find("profiles.a.fields[0].name") != std::string::npos);
    BOOST_TEST(
        parseError(
            R"({"profiles": {"a": {"fields": [{"name": "v", "pattern": "x"}, {"name": "v", "pattern": "y"}]}}})")
            .find("defined twice") != std::string::npos);
    BOOST_TEST(parseError(R"({"profiles": {"a": {"asn": {"zone": {"left": 0.6, "right": 0.5}}}}})")
                   .starts_with("test.jsonc: profiles.a.asn.zone: "));
    BOOST_TEST(parseError(R"({"profiles": {"a": {"asn": {"max": -1}}}})")
                   .starts_with("test.jsonc: profiles.a.asn.max: "));
    BOOST_TEST(parseError(R"({"profiles": {"a": {"asn": {"min": 9, "max": 3}}}})").find("min is larger") !=
               std::string::npos);
    BOOST_TEST(parseError(R"({"profiles": {"a": {"blank_pages": "sometimes"}}})")
                   .starts_with("test.jsonc: profiles.a.blank_pages: "));
    BOOST_TEST(parseError(R"({"profiles": {"a": {"every_pages": 2.5}}})")
                   .starts_with("test.jsonc: profiles.a.every_pages: "));
    BOOST_TEST(parseError(R"({"profiles": {"a": {"separators": {"values": ["X", 3]}}}})")
                   .starts_with("test.jsonc: profiles.a.separators.values[1]: expected a string"));
    BOOST_TEST(parseError(R"({"profiles": {"a": {"folder": "../x"}}})")
                   .starts_with("test.jsonc: profiles.a.folder: "));
    BOOST_TEST(parseError(R"({"profiles": {"a": {"file_name": "{bogus}"}}})")
                   .starts_with("test.jsonc: profiles.a.file_name: "));
    BOOST_TEST(parseError(R"({"profiles": {"a": {}}, "default_profile": "z"})")
                   .starts_with("test.jsonc: default_profile: "));
    BOOST_TEST(parseError(R"({"profiles": {"a": {}}, "version": 2})").starts_with("test.jsonc: version: "));
    BOOST_TEST(
        parseError(R"({"profiles": {"a": {}}, "extra": 1})").starts_with("test.jsonc: extra: unknown key"));
    BOOST_TEST(rulesErrorOf([] {
                   loadRulesFile("/nonexistent/rules.jsonc");
               }).find("/nonexistent/rules.jsonc") != std::string::npos);
}

// ---- JSON ----------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(plan_json_has_the_cli_contract_keys) {
    const auto pages = pagesOf({"ASN5", "S", ""});
    const auto plan = planWith({}, pages);
    const auto j = toJson(plan, pages);
    BOOST_TEST(
        j.dump() ==
        R"({"documents":[{"pages":[{"source":"file0.pdf","page":1}],"fields":{"asn":"5"},)"
        R"("starts_because":"asn","starts_because_value":"ASN5","warnings":[],"name":"file0_001.pdf"},)"
        R"({"pages":[{"source":"file0.pdf","page":3}],"fields":{},"starts_because":"separator",)"
        R"("starts_because_value":"PATCHT","warnings":[],"name":"file0_002.pdf"}],)"
        R"("dropped":[{"source":"file0.pdf","page":2,"reason":"separator","value":"PATCHT"}]})");
}

BOOST_AUTO_TEST_CASE(pages_come_from_the_analysis_json) {
    const auto analysis = nlohmann::json::parse(R"({"width": 2480, "height": 3508, "blank": true,
        "barcodes": [{"format": "Code39", "text": "PATCHT", "corners": [[1,2],[3,2],[3,4],[1,4]]},
                     {"format": "QRCode"}, 7],
        "document": null, "skew_degrees": 0.4})");
    const auto p = planPageFromAnalysis("in.pdf", 2, 3, analysis);
    BOOST_TEST(p.source == "in.pdf");
    BOOST_TEST(p.page == 2);
    BOOST_TEST(p.file == 3);
    BOOST_TEST(p.width == 2480);
    BOOST_TEST(p.blank);
    BOOST_REQUIRE(p.barcodes.size() == 1u);
    BOOST_TEST(p.barcodes[0].text == "PATCHT");
    BOOST_TEST(p.barcodes[0].corners[2].x == 3.0);
    const auto empty = planPageFromAnalysis("x", 1, 0, nullptr);
    BOOST_TEST(empty.barcodes.empty());
    BOOST_TEST(describe({StartReason::Separator, "PATCHT"}).find("PATCHT") != std::string::npos);
}
