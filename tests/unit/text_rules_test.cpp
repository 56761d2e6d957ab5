#define BOOST_TEST_MODULE text_rules
// Rules over OCR text (issue 17): text fields ("source": "text") with and without a page zone,
// receipt fields, and the output keys (ocr, pdfa, ocr_languages, receipt_fields) read from a
// rules file and written back unchanged.
#include "core/rules/FilingPlan.h"
#include "core/rules/RulesFile.h"

#include <boost/test/unit_test.hpp>

using namespace docdesk;
using namespace docdesk::rules;

namespace {

// A page of 1000 x 1000 pixels with one text line per entry of `lines` (y = 100 * index).
PlanPage textPage(const std::vector<std::string>& lines, std::int64_t file = 0) {
    PlanPage p;
    p.source = "scan.jpg";
    p.file = file;
    p.width = 1000;
    p.height = 1000;
    auto text = std::make_shared<ocr::PageText>();
    text->width = 1000;
    text->height = 1000;
    for (size_t l = 0; l < lines.size(); ++l) {
        text->text += lines[l] + "\n";
        int x = 50;
        for (size_t at = 0; at <= lines[l].size();) {
            const size_t end = std::min(lines[l].find(' ', at), lines[l].size());
            const std::string word = lines[l].substr(at, end - at);
            text->words.push_back({word, x, int(100 * l) + 10, int(word.size()) * 20, 40, 90, int(l)});
            x += int(word.size()) * 20 + 20;
            at = end + 1;
        }
    }
    p.text = text;
    return p;
}

} // namespace

BOOST_AUTO_TEST_CASE(a_text_field_reads_the_page_text_and_a_zone_keeps_other_text_out) {
    const auto file = parseRulesFile(R"json({"profiles": {"p": {
        "per_file": true,
        "fields": [{"name": "invoice", "pattern": "Rechnung Nr\\.? *(\\d+)", "source": "text"},
                   {"name": "ref", "pattern": "Nr\\.? *(\\d+)", "source": "text",
                    "zone": {"left": 0, "top": 0.25, "right": 1, "bottom": 1}}],
        "file_name": "{field:invoice|none}_{field:ref|none}"}}})json");
    const FilingPlanner planner(file.profile().rules);
    const std::vector<PlanPage> pages{
        textPage({"Rechnung Nr. 12345", "Sehr geehrte Damen", "Kunde", "Kunden Nr. 777"}),
        textPage({"Brief ohne Nummer"}, 1)};
    const auto plan = planner.plan(pages);
    BOOST_REQUIRE(plan.documents.size() == 2u);
    BOOST_TEST(plan.documents[0].fileName == "12345_777"); // the zone skips the invoice line
    BOOST_TEST(plan.documents[1].fileName == "none_none");
    // Without text (OCR off or failed) text fields are simply missing.
    PlanPage bare = pages[0];
    bare.text = nullptr;
    BOOST_TEST(planner.plan({bare}).documents[0].fileName == "none_none");
}

BOOST_AUTO_TEST_CASE(receipt_fields_name_a_receipt) {
    FilingRules rules;
    rules.output.receiptFields = true;
    rules.fileName =
        NameTemplate::parse("{field:merchant}_{field:date}_{field:total}", NameTemplate::Kind::FileName);
    const FilingPlanner planner(rules);
    const auto plan =
        planner.plan({textPage({"LIDL", "Butter 1,99", "SUMME 1,99", "Karte 1,99", "Datum 03.04.2020"})});
    BOOST_REQUIRE(plan.documents.size() == 1u);
    BOOST_TEST(plan.documents[0].fileName == "Lidl_2020-04-03_1.99");
    BOOST_TEST(plan.documents[0].fields.at("currency").value == "EUR");
}

BOOST_AUTO_TEST_CASE(the_output_keys_and_text_fields_survive_writing_the_rules_file) {
    const auto file =
        parseRulesFile(R"json({"profiles": {"p": {"ocr": true, "pdfa": true, "ocr_languages": "deu+eng",
        "receipt_fields": true, "fields": [{"name": "n", "pattern": "(\\d+)", "source": "text"}]}}})json");
    const auto& r = file.profile().rules;
    BOOST_TEST(r.output.ocr);
    BOOST_TEST(r.output.pdfa);
    BOOST_TEST(r.output.ocrLanguages == "deu+eng");
    BOOST_TEST(r.output.receiptFields);
    BOOST_TEST(needsText(r));
    const auto back = parseRulesFile(rulesFileText(r, "p")).profile().rules;
    BOOST_TEST(back.output.ocr);
    BOOST_TEST(back.output.pdfa);
    BOOST_TEST(back.output.ocrLanguages == "deu+eng");
    BOOST_TEST(back.output.receiptFields);
    BOOST_REQUIRE(back.fields.size() == 1u);
    BOOST_TEST((back.fields[0].source == FieldSource::Text));
    BOOST_TEST(!needsText(FilingRules{}));
    BOOST_CHECK_THROW(
        parseRulesFile(
            R"({"profiles": {"p": {"fields": [{"name": "n", "pattern": "x", "source": "ocr"}]}}})"),
        RulesError);
    BOOST_CHECK_THROW(parseRulesFile(R"({"profiles": {"p": {"ocr_languages": "deu eng"}}})"), RulesError);
}
