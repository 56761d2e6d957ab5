#define BOOST_TEST_MODULE rules_file_write
// core/rules: filing rules written as a rules file (rulesFileText, writeRulesFile) load back
// into equal rules, for the defaults and for rules with every option changed; rules the reader
// would refuse are refused when written, with the key path; a failed write names the file.
#include "core/rules/RulesFile.h"
#include "platform/DurableFiles.h"
#include "tests/support/TestSupport.h"

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <iterator>

using namespace docdesk;
using namespace docdesk::rules;
namespace fs = std::filesystem;

namespace {

bool operator==(const Zone& a, const Zone& b) {
    return a.left == b.left && a.top == b.top && a.right == b.right && a.bottom == b.bottom;
}

void checkSameFilter(const BarcodeFilter& a, const BarcodeFilter& b) {
    BOOST_TEST(a.symbologies == b.symbologies, boost::test_tools::per_element());
    BOOST_TEST(a.zone.has_value() == b.zone.has_value());
    if (a.zone && b.zone)
        BOOST_TEST((*a.zone == *b.zone));
}

std::string patternText(const std::optional<Pattern>& p) {
    return p ? p->text() : "(none)";
}

// Every member of FilingRules, one by one (the rules have no operator==: Pattern holds a regex).
void checkSameRules(const FilingRules& a, const FilingRules& b) {
    BOOST_TEST(a.separators.values == b.separators.values, boost::test_tools::per_element());
    BOOST_TEST(patternText(a.separators.pattern) == patternText(b.separators.pattern));
    BOOST_TEST(a.separators.keepPage == b.separators.keepPage);
    BOOST_TEST(a.asn.enabled == b.asn.enabled);
    BOOST_TEST(a.asn.prefix == b.asn.prefix);
    BOOST_TEST(a.asn.split == b.asn.split);
    BOOST_TEST(a.asn.min == b.asn.min);
    BOOST_TEST(a.asn.max == b.asn.max);
    checkSameFilter(a.asn.filter, b.asn.filter);
    BOOST_TEST(a.tags.enabled == b.tags.enabled);
    BOOST_TEST(a.tags.prefix == b.tags.prefix);
    BOOST_TEST(a.tags.split == b.tags.split);
    checkSameFilter(a.tags.filter, b.tags.filter);
    BOOST_TEST(a.splitOnChange.has_value() == b.splitOnChange.has_value());
    if (a.splitOnChange && b.splitOnChange) {
        BOOST_TEST(a.splitOnChange->pattern.text() == b.splitOnChange->pattern.text());
        BOOST_TEST(a.splitOnChange->field == b.splitOnChange->field);
        checkSameFilter(a.splitOnChange->filter, b.splitOnChange->filter);
    }
    BOOST_TEST((a.blankPages == b.blankPages));
    BOOST_TEST(a.everyPages == b.everyPages);
    BOOST_TEST(a.perFile == b.perFile);
    BOOST_TEST((a.pageEdits.crop == b.pageEdits.crop));
    BOOST_TEST(a.pageEdits.deskew == b.pageEdits.deskew);
    BOOST_TEST(a.pageEdits.splitReceipts == b.pageEdits.splitReceipts);
    BOOST_REQUIRE_EQUAL(a.fields.size(), b.fields.size());
    for (size_t i = 0; i < a.fields.size(); ++i) {
        BOOST_TEST(a.fields[i].name == b.fields[i].name);
        BOOST_TEST(a.fields[i].pattern.text() == b.fields[i].pattern.text());
        checkSameFilter(a.fields[i].filter, b.fields[i].filter);
        BOOST_TEST(patternText(a.fields[i].validation.pattern) ==
                   patternText(b.fields[i].validation.pattern));
        BOOST_TEST((a.fields[i].validation.min == b.fields[i].validation.min));
        BOOST_TEST((a.fields[i].validation.max == b.fields[i].validation.max));
    }
    BOOST_TEST(a.folder.text() == b.folder.text());
    BOOST_TEST(a.fileName.text() == b.fileName.text());
}

FilingRules everyOptionChanged() {
    FilingRules r;
    r.separators.values = {"SPLITHERE", "NEXT DOC"};
    r.separators.pattern = Pattern::compile("^SEP-\\d+$");
    r.separators.keepPage = true;
    r.asn.enabled = false;
    r.asn.prefix = "ARCH";
    r.asn.split = false;
    r.asn.min = 10;
    r.asn.max = 99999;
    r.asn.filter.symbologies = {"Code128", "QRCode"};
    r.asn.filter.zone = Zone{0.5, 0, 1, 0.25};
    r.tags.enabled = false;
    r.tags.prefix = "T=";
    r.tags.split = true;
    r.tags.filter.zone = Zone{0, 0.75, 0.5, 1};
    r.splitOnChange = ValueChangeRule{Pattern::compile("(?i)^case:(\\w+)$"), "case", {}};
    r.splitOnChange->filter.symbologies = {"DataMatrix"};
    r.blankPages = BlankPages::Separate;
    r.everyPages = 7;
    r.perFile = true;
    r.pageEdits = {AutoCrop::Off, false, false};
    FieldRule vendor{"vendor", Pattern::compile("^VENDOR:(.+)$"), {}, {}};
    vendor.filter.symbologies = {"QRCode"};
    FieldRule cost{"cost_centre", Pattern::compile("^CC(\\d{4})$"), {}, {}};
    cost.validation.pattern = Pattern::compile("\\d{4}");
    cost.validation.min = 1000;
    cost.validation.max = 8999.5;
    r.fields = {vendor, cost};
    r.folder = NameTemplate::parse("{field:vendor|unsorted}/{date:%Y}", NameTemplate::Kind::Folder);
    r.fileName = NameTemplate::parse("{field:asn|none}_{counter:04}", NameTemplate::Kind::FileName);
    return r;
}

} // namespace

BOOST_AUTO_TEST_CASE(default_rules_round_trip) {
    const FilingRules defaults;
    const auto file = parseRulesFile(rulesFileText(defaults, "default"));
    BOOST_REQUIRE_EQUAL(file.profiles.size(), 1u);
    BOOST_TEST(file.defaultProfile == "default");
    BOOST_TEST(file.profile().name == "default");
    checkSameRules(file.profile().rules, defaults);
}

BOOST_AUTO_TEST_CASE(every_option_changed_round_trips_through_a_file) {
    test::TempDir dir;
    const fs::path path = dir / "office.jsonc";
    const FilingRules rules = everyOptionChanged();
    writeRulesFile(path, rules, "office", platform::durableFiles(), "Office mail");
    const auto file = loadRulesFile(path);
    BOOST_TEST(file.profile("office").description == "Office mail");
    checkSameRules(file.profile("office").rules, rules);
    // What was read writes the same text again: nothing is lost or added on the way.
    BOOST_TEST(rulesFileText(file.profile().rules, "office", "Office mail") ==
               rulesFileText(rules, "office", "Office mail"));
    // Writing again replaces the file whole, and no temporary file is left beside it.
    FilingRules changed = rules;
    changed.separators.values = {"OTHER"};
    writeRulesFile(path, changed, "office", platform::durableFiles());
    checkSameRules(loadRulesFile(path).profile().rules, changed);
    BOOST_TEST(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()) == 1);
}

BOOST_AUTO_TEST_CASE(rules_the_reader_refuses_are_refused_with_the_key_path) {
    auto refused = [](const FilingRules& r, const std::string& profile, const std::string& expected) {
        try {
            rulesFileText(r, profile, {}, "my.jsonc");
            BOOST_ERROR("accepted, expected: " << expected);
        } catch (const RulesError& e) {
            BOOST_TEST_MESSAGE(e.what());
            BOOST_TEST(std::string(e.what()).find(expected) != std::string::npos, e.what());
        }
    };
    FilingRules r;
    r.asn.prefix = "";
    refused(r, "p", "my.jsonc: profiles.p.asn.prefix:");
    r = {};
    r.tags.prefix = "";
    refused(r, "p", "my.jsonc: profiles.p.tags.prefix:");
    r = {};
    r.everyPages = -1;
    refused(r, "p", "my.jsonc: profiles.p.every_pages:");
    r = {};
    r.fields = {FieldRule{"asn", Pattern::compile("x"), {}, {}}};
    refused(r, "p", "my.jsonc: profiles.p.fields[0].name:");
    r.fields = {FieldRule{"a", Pattern::compile("x"), {}, {}}, FieldRule{"a", Pattern::compile("y"), {}, {}}};
    refused(r, "p", "my.jsonc: profiles.p.fields[1].name:");
    r = {};
    r.fields = {FieldRule{"n", Pattern::compile("x"), {}, {}}};
    r.fields[0].validation.min = 5;
    r.fields[0].validation.max = 1;
    refused(r, "p", "my.jsonc: profiles.p.fields[0].valid:");
    r = {};
    r.asn.filter.zone = Zone{0.5, 0, 0.4, 1};
    refused(r, "p", "my.jsonc: profiles.p.asn.zone:");
    refused(FilingRules{}, "", "my.jsonc: profiles:");
}

BOOST_AUTO_TEST_CASE(a_failed_write_names_the_file_and_leaves_nothing) {
    test::TempDir dir;
    const fs::path path = dir / "missing-folder" / "rules.jsonc";
    try {
        writeRulesFile(path, FilingRules{}, "default", platform::durableFiles());
        BOOST_ERROR("writing into a missing folder succeeded");
    } catch (const RulesError& e) {
        BOOST_TEST(std::string(e.what()).find(path.string()) != std::string::npos, e.what());
    }
    BOOST_TEST(!fs::exists(path));
}
