#define BOOST_TEST_MODULE gui_rules
// The Rules dialog in the real window under Xvfb, driven with the keyboard through xdotool:
// five generated pages, the third with a Code 128 "SPLITHERE" barcode (which the standard
// rules do not know). Documents > Rules (Ctrl+Shift+R) opens the dialog on the standard rules;
// the separator text becomes SPLITHERE and the file name template "rules-test_{counter:02}"
// (after an invalid template was typed and shown), a field is added, and Save As writes a
// rules file, with "Straighten scanned pages" and "One page and document for each receipt"
// (rules keys deskew, split_receipts) unticked and the profile's own OCR languages ticked
// (ocr_languages: the default's English). The test
// checks that the file loads with those values and that the plan now uses them: filing gives
// two documents of two pages (the separator sheet left out) named by the new template. Then a
// template applied without saving (Enter) names the next filing, and the file stays as saved.
#include "core/rules/RulesFile.h"
#include "platform/ChildProcess.h"
#include "tests/support/GuiSupport.h"
#include "tests/support/TestSupport.h"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <fstream>
#include <set>
#include <thread>

using namespace docdesk;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_CASE(rules_changed_and_saved_in_the_dialog_are_used_by_the_plan) {
    test::TempDir home;
    std::vector<std::string> argv{test::guiPath().string(), "--new-session"};
    for (int n = 1; n <= 5; ++n) {
        const fs::path page = home / ("page-" + std::to_string(n) + ".jpg");
        test::writeBatchPage(page, n, n == 3 ? "SPLITHERE" : "", "Code128");
        argv.push_back(page.string());
    }
    const fs::path archive = home / "archive";
    const fs::path rulesFile = home / "my-rules.jsonc";
    fs::create_directories(home / "config" / "docdesk");
    std::ofstream(home / "config" / "docdesk" / "docdesk.conf")
        << "[plan]\narchive=" << archive.string() << "\n";

    test::Xvfb x;
    platform::ChildOptions opts;
    opts.environment = test::appEnvironment(x.display(), home.path());
    opts.stderrFile = test::artifactsDir() / "gui_rules_test.stderr.log";
    platform::ChildProcess app(argv, opts);
    const std::string window = test::findWindow(x.display(), "^docdesk");
    BOOST_REQUIRE(!window.empty());
    for (int i = 0; i < 100 && test::sessionPageCount(home.path()) < 5; ++i)
        std::this_thread::sleep_for(200ms);
    BOOST_REQUIRE_EQUAL(test::sessionPageCount(home.path()), 5u);

    test::pressKeys(x.display(), window, "ctrl+2");
    bool analysed = false;
    for (int i = 0; i < 120 && !(analysed = test::allPagesAnalysed(home.path(), 5)); ++i)
        std::this_thread::sleep_for(250ms);
    BOOST_REQUIRE_MESSAGE(analysed, "the pages were not analysed within 30 s");
    std::this_thread::sleep_for(1500ms);
    test::screenshot(x.display(), "gui-rules-1-standard-plan.png");

    // The dialog opens with the separator texts focused.
    test::pressKeys(x.display(), window, "ctrl+shift+r");
    const std::string dialog = test::findWindow(x.display(), "^Rules$");
    BOOST_REQUIRE_MESSAGE(!dialog.empty(), "Ctrl+Shift+R opened no Rules dialog");
    test::screenshot(x.display(), "gui-rules-2-dialog.png");
    test::pressKeys(x.display(), dialog, "ctrl+a");
    test::typeText(x.display(), dialog, "SPLITHERE");
    // Separator texts, keep, ASN, ASN prefix, tags, tag prefix, blank pages, every N pages,
    // per file, folder: ten stops to the file name template.
    for (int i = 0; i < 10; ++i)
        test::pressKeys(x.display(), dialog, "Tab");
    test::pressKeys(x.display(), dialog, "ctrl+a");
    test::typeText(x.display(), dialog, "rules-test_{nope}");
    test::screenshot(x.display(), "gui-rules-3-invalid-template.png");
    // Enter while the template is invalid: Apply is disabled, the dialog stays.
    test::pressKeys(x.display(), dialog, "Return");
    BOOST_TEST(!test::findWindow(x.display(), "^Rules$").empty(),
               "the dialog closed with an invalid template");
    test::pressKeys(x.display(), dialog, "ctrl+a");
    test::typeText(x.display(), dialog, "rules-test_{counter:02}");
    // A field: Add Field (Alt+D), name, pattern, valid values; Enter = OK.
    test::pressKeys(x.display(), dialog, "alt+d");
    const std::string field = test::findWindow(x.display(), "^Field$");
    BOOST_REQUIRE_MESSAGE(!field.empty(), "Add Field opened no field dialog");
    test::typeText(x.display(), field, "vendor");
    test::pressKeys(x.display(), field, "Tab");
    test::pressKeys(x.display(), field, "ctrl+a");
    test::typeText(x.display(), field, "^VENDOR:(.+)$");
    test::pressKeys(x.display(), field, "Tab");
    test::typeText(x.display(), field, "[A-Z]+");
    test::screenshot(x.display(), "gui-rules-4-field.png");
    test::pressKeys(x.display(), field, "Return");
    // The page edits: deskew and split receipts off by their mnemonics, auto-crop left on.
    test::pressKeys(x.display(), dialog, "alt+g");
    test::pressKeys(x.display(), dialog, "alt+h");
    // Own OCR languages (Alt+W) for this profile: the list of installed languages starts with
    // the Preferences' default in a C locale (eng) ticked, now the profile's own.
    test::pressKeys(x.display(), dialog, "alt+w");
    test::screenshot(x.display(), "gui-rules-4-edited.png");

    // Save As: the file name typed as a full path in the save dialog.
    test::pressKeys(x.display(), dialog, "alt+v");
    const std::string save = test::findWindow(x.display(), "^Save the rules as$");
    BOOST_REQUIRE_MESSAGE(!save.empty(), "Save As opened no file dialog");
    std::this_thread::sleep_for(500ms);
    test::pressKeys(x.display(), save, "ctrl+a");
    test::typeText(x.display(), save, rulesFile.string());
    test::screenshot(x.display(), "gui-rules-5-save-dialog.png");
    test::pressKeys(x.display(), save, "Return");
    for (int i = 0; i < 50 && !fs::exists(rulesFile); ++i)
        std::this_thread::sleep_for(200ms);
    BOOST_REQUIRE_MESSAGE(fs::exists(rulesFile), "no rules file was saved at " << rulesFile);

    // (1) The file on disk holds the edited rules.
    const auto saved = rules::loadRulesFile(rulesFile).profile();
    BOOST_TEST(saved.name == "default");
    BOOST_TEST(saved.rules.separators.values == (std::vector<std::string>{"SPLITHERE"}),
               boost::test_tools::per_element());
    BOOST_TEST(saved.rules.fileName.text() == "rules-test_{counter:02}");
    BOOST_TEST(saved.rules.asn.prefix == "ASN"); // untouched settings are kept
    BOOST_TEST(!saved.rules.pageEdits.deskew);
    BOOST_TEST(!saved.rules.pageEdits.splitReceipts);
    BOOST_TEST(int(saved.rules.pageEdits.crop) == int(rules::AutoCrop::Auto));
    BOOST_TEST(saved.rules.output.ocrLanguages == "eng");
    BOOST_REQUIRE_EQUAL(saved.rules.fields.size(), 1u);
    BOOST_TEST(saved.rules.fields[0].name == "vendor");
    BOOST_TEST(saved.rules.fields[0].pattern.text() == "^VENDOR:(.+)$");
    BOOST_TEST(saved.rules.fields[0].validation.pattern.has_value());
    if (saved.rules.fields[0].validation.pattern)
        BOOST_TEST(saved.rules.fields[0].validation.pattern->text() == "[A-Z]+");

    // (2) The plan uses them: two documents of two pages, named by the new template.
    std::this_thread::sleep_for(2s); // the plan is made again (the pages are analysed already)
    test::screenshot(x.display(), "gui-rules-6-new-plan.png");
    test::pressKeys(x.display(), window, "ctrl+shift+f");
    std::set<fs::path> filed;
    for (int i = 0; i < 300 && filed.size() < 2; ++i) {
        std::this_thread::sleep_for(200ms);
        filed = test::filesBelow(archive, ".pdf");
    }
    std::this_thread::sleep_for(500ms);
    filed = test::filesBelow(archive, ".pdf");
    test::screenshot(x.display(), "gui-rules-7-filed.png");
    std::vector<std::string> names;
    std::vector<int> pages;
    for (const auto& pdf : filed) {
        names.push_back(pdf.filename().string());
        pages.push_back(test::pdfPageCount(pdf));
    }
    BOOST_TEST(names == (std::vector<std::string>{"rules-test_01.pdf", "rules-test_02.pdf"}),
               boost::test_tools::per_element());
    BOOST_TEST(pages == (std::vector<int>{2, 2}), boost::test_tools::per_element());

    // Apply without saving (Enter = Apply): the next filing uses the changed template, the
    // file on disk keeps the saved one. The dialog now starts from the saved file's profile.
    test::pressKeys(x.display(), window, "ctrl+shift+r");
    const std::string again = test::findWindow(x.display(), "^Rules$");
    BOOST_REQUIRE_MESSAGE(!again.empty(), "Ctrl+Shift+R opened no Rules dialog the second time");
    for (int i = 0; i < 10; ++i)
        test::pressKeys(x.display(), again, "Tab");
    test::pressKeys(x.display(), again, "ctrl+a");
    test::typeText(x.display(), again, "applied_{counter:02}");
    test::screenshot(x.display(), "gui-rules-8-apply.png");
    test::pressKeys(x.display(), again, "Return");
    std::this_thread::sleep_for(2s);
    test::screenshot(x.display(), "gui-rules-9-applied-plan.png");
    const auto before = filed;
    test::pressKeys(x.display(), window, "ctrl+shift+f");
    // Both documents were filed above: the window asks, and the user files them again (Alt+F).
    const std::string ask = test::findWindow(x.display(), "^File Documents$");
    BOOST_REQUIRE_MESSAGE(!ask.empty(), "no question about the documents filed before");
    test::pressKeys(x.display(), ask, "alt+f");
    for (int i = 0; i < 300 && filed.size() < before.size() + 2; ++i) {
        std::this_thread::sleep_for(200ms);
        filed = test::filesBelow(archive, ".pdf");
    }
    std::this_thread::sleep_for(500ms);
    names.clear();
    for (const auto& pdf : test::filesBelow(archive, ".pdf"))
        if (!before.count(pdf))
            names.push_back(pdf.filename().string());
    BOOST_TEST(names == (std::vector<std::string>{"applied_01.pdf", "applied_02.pdf"}),
               boost::test_tools::per_element());
    BOOST_TEST(rules::loadRulesFile(rulesFile).profile().rules.fileName.text() == "rules-test_{counter:02}");

    test::pressKeys(x.display(), window, "ctrl+q");
    const auto status = app.waitFor(15s);
    BOOST_REQUIRE_MESSAGE(status.has_value(), "docdesk did not close on Ctrl+Q");
    BOOST_TEST(status->success());

    // The choice is remembered: the saved file is the plan's rules file from now on.
    std::ifstream conf(home / "config" / "docdesk" / "docdesk.conf");
    const std::string text((std::istreambuf_iterator<char>(conf)), std::istreambuf_iterator<char>());
    BOOST_TEST(text.find(rulesFile.filename().string()) != std::string::npos, text);
}
