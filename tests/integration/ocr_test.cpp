#define BOOST_TEST_MODULE ocr
// Issue 17 end to end: a generated letter (DejaVu Sans, known words at known places) filed with
// `docdesk-cli file --ocr --pdfa`: pdftotext finds the words, pdftotext -bbox places them where
// they were drawn, the page image is the original JPEG byte for byte, and the PDF/A-2b points
// are checked on the written file with qpdf (no PDF/A validator ships in Debian). Without --ocr
// the PDF has no text; a language that is not installed is a clear error and files nothing.
#include "core/common/Sha256.h"
#include "core/export/PdfWriter.h"
#include "platform/ChildProcess.h"
#include "tests/support/TestSupport.h"

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <csignal>
#include <fstream>
#include <nlohmann/json.hpp>
#include <opencv2/freetype.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <regex>
#include <set>
#include <sstream>

using namespace docdesk;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

struct DrawnWord {
    std::string text;
    cv::Rect box; // pixels at 300 dpi
};

const std::vector<std::string> kLines{
    "Rechnung Nr. 12345",
    "Sehr geehrte Damen und Herren,",
    "für Ihre Bestellung vom 14. März danken wir Ihnen.",
    "Wir berechnen Ihnen folgende Leistungen:",
    "Beratung und Planung der Büroräume",
    "Lieferung von Schränken und Regalen",
    "Summe netto 1.234,50 EUR zuzüglich Steuer",
    "Bitte überweisen Sie den Betrag innerhalb von vierzehn Tagen.",
    "Mit freundlichen Grüßen",
    "Ihre Firma Beispiel GmbH",
};

// An A4 page at 300 dpi (or `size`) with `lines` in DejaVu Sans, word by word, as a grey JPEG.
std::vector<DrawnWord> writeLetter(const fs::path& file, const std::vector<std::string>& lines = kLines,
                                   cv::Size size = {2480, 3508}) {
    cv::Mat page(size, CV_8UC3, cv::Scalar::all(255));
    auto font = cv::freetype::createFreeType2();
    font->loadFontData("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 0);
    const int height = 50; // about 12 pt
    std::vector<DrawnWord> words;
    int y = size.width < 2000 ? 150 : 400;
    for (const auto& line : lines) {
        int x = size.width < 2000 ? 60 : 240;
        std::istringstream in(line);
        for (std::string w; in >> w;) {
            int baseline = 0;
            const cv::Size box = font->getTextSize(w, height, -1, &baseline);
            font->putText(page, w, {x, y}, height, cv::Scalar::all(20), -1, cv::LINE_AA, false);
            words.push_back({w, cv::Rect(x, y, box.width, box.height)});
            x += box.width + height * 2 / 5; // a word space of DejaVu Sans (0.32 em) and a little
        }
        y += 110;
    }
    cv::Mat grey;
    cv::cvtColor(page, grey, cv::COLOR_BGR2GRAY);
    for (auto& w : words) { // the box of the ink, not of the font's cell
        const cv::Rect around(w.box.x, w.box.y - 30, w.box.width, 110);
        cv::Mat ink = grey(around) < 128;
        w.box = cv::boundingRect(ink) + around.tl();
    }
    BOOST_REQUIRE(cv::imwrite(file.string(), grey, {cv::IMWRITE_JPEG_QUALITY, 90}));
    return words;
}

std::string run(const std::vector<std::string>& command);

// The object `ref` ("3 0 R") of qpdf --json's object list: its dictionary, or its stream's.
const json& dictionaryOf(const json& objects, const std::string& ref) {
    const json& o = objects.at("obj:" + ref);
    return o.contains("value") ? o.at("value") : o.at("stream").at("dict");
}

// The PDF/A-2b points checked on the written file (see README: no validator is run).
void checkPdfA(const fs::path& pdf) {
    BOOST_TEST(run({"qpdf", "--check", pdf.string()}).find("No syntax or stream encoding errors") !=
               std::string::npos);
    const json all = json::parse(run({"qpdf", "--json", pdf.string()}));
    const json& objects = all.at("qpdf").at(1);
    const json& trailer = objects.at("trailer").at("value");
    BOOST_TEST(!trailer.contains("/Encrypt"));
    BOOST_TEST(trailer.at("/ID").size() == 2u);
    const json& root = dictionaryOf(objects, trailer.at("/Root").get<std::string>());
    const std::string metadataRef = root.at("/Metadata").get<std::string>();
    const std::string xmp = run({"qpdf", "--show-object=" + metadataRef.substr(0, metadataRef.find(' ')),
                                 "--filtered-stream-data", pdf.string()});
    BOOST_TEST(xmp.find("<pdfaid:part>2</pdfaid:part>") != std::string::npos);
    BOOST_TEST(xmp.find("<pdfaid:conformance>B</pdfaid:conformance>") != std::string::npos);
    BOOST_TEST(xmp.find("<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">letter</rdf:li>") !=
               std::string::npos);
    BOOST_TEST(!dictionaryOf(objects, metadataRef).contains("/Filter")); // readable without decoding
    const json& intent = dictionaryOf(objects, root.at("/OutputIntents").at(0).get<std::string>());
    BOOST_TEST(intent.at("/S") == "/GTS_PDFA1");
    BOOST_TEST(dictionaryOf(objects, intent.at("/DestOutputProfile").get<std::string>()).at("/N") == 3);
    const json& info = dictionaryOf(objects, trailer.at("/Info").get<std::string>());
    BOOST_TEST(info.at("/Title") == "u:letter");
    size_t fonts = 0;
    for (const auto& [key, value] : objects.items()) {
        const json* d = value.contains("value")    ? &value.at("value")
                        : value.contains("stream") ? &value.at("stream").at("dict")
                                                   : nullptr;
        if (!d || !d->is_object())
            continue;
        BOOST_TEST(!d->contains("/SMask"), key); // no transparency
        BOOST_TEST(!d->contains("/Group"), key);
        BOOST_TEST(!d->contains("/URI"), key); // no external content
        BOOST_TEST(!d->contains("/Launch"), key);
        BOOST_TEST(!d->contains("/EmbeddedFiles"), key);
        if (d->value("/Type", "") == "/FontDescriptor") {
            ++fonts;
            BOOST_TEST((d->contains("/FontFile2") || d->contains("/FontFile") || d->contains("/FontFile3")),
                       key);
        }
    }
    BOOST_TEST(fonts >= 1u); // the text layer's font, embedded
}

std::string run(const std::vector<std::string>& command) {
    platform::ChildOptions opts;
    opts.pipeStdout = true;
    opts.discardStderr = true;
    platform::ChildProcess child(command, opts);
    std::string out = child.readAll();
    BOOST_REQUIRE_MESSAGE(child.wait().success(), command.front() + " failed");
    return out;
}

struct FoundWord {
    std::string text;
    double xMin, yMin, xMax, yMax; // points, top-left origin
};

std::vector<FoundWord> wordsWithBoxes(const fs::path& pdf) {
    const std::string xml = run({"pdftotext", "-bbox", pdf.string(), "-"});
    const std::regex word(
        R"re(<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>)re");
    std::vector<FoundWord> out;
    for (auto it = std::sregex_iterator(xml.begin(), xml.end(), word); it != std::sregex_iterator(); ++it)
        out.push_back(
            {(*it)[5], std::stod((*it)[1]), std::stod((*it)[2]), std::stod((*it)[3]), std::stod((*it)[4])});
    return out;
}

std::string unescapeXml(std::string s) {
    for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
             {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}}) {
        for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
            s.replace(at, from.size(), to);
    }
    return s;
}

} // namespace

BOOST_AUTO_TEST_CASE(a_letter_filed_with_ocr_and_pdfa_is_searchable_where_the_words_are) {
    test::TempDir home;
    const fs::path letter = home / "letter.jpg";
    const auto drawn = writeLetter(letter);
    const fs::path archive = home / "archive";
    const auto filed =
        test::runCli(home.path(), {"file", "--json", "--ocr", "--ocr-languages", "deu+eng", "--pdfa",
                                   "--target", archive.string(), "--name", "letter", letter.string()});
    BOOST_REQUIRE(filed.status.code == 0);
    const fs::path pdf = archive / "letter.pdf";
    BOOST_REQUIRE(fs::exists(pdf));

    // The words, each where it was drawn (300 dpi pixels -> points), within 4 pt.
    const auto found = wordsWithBoxes(pdf);
    std::multiset<std::string> foundTexts;
    for (const auto& f : found)
        foundTexts.insert(unescapeXml(f.text));
    size_t hits = 0, placed = 0;
    for (const auto& d : drawn) {
        if (!foundTexts.contains(d.text)) {
            BOOST_TEST_MESSAGE("not found: " << d.text);
            continue;
        }
        ++hits;
        const double cx = (d.box.x + d.box.width / 2.0) * 72 / 300,
                     cy = (d.box.y + d.box.height / 2.0) * 72 / 300;
        for (const auto& f : found) {
            if (unescapeXml(f.text) == d.text && std::abs((f.xMin + f.xMax) / 2 - cx) < 4 &&
                std::abs((f.yMin + f.yMax) / 2 - cy) < 4 &&
                std::abs((f.xMax - f.xMin) - d.box.width * 72.0 / 300) < 4) {
                ++placed;
                break;
            }
        }
    }
    BOOST_TEST_MESSAGE("pdftotext: " << run({"pdftotext", "-layout", pdf.string(), "-"}));
    BOOST_TEST_MESSAGE("OCR found " << hits << " of " << drawn.size() << " words, " << placed << " in place");
    BOOST_TEST(hits * 100 >= drawn.size() * 95);
    BOOST_TEST(placed * 100 >= drawn.size() * 95);
    BOOST_TEST(run({"pdftotext", pdf.string(), "-"}).find("Grüßen") != std::string::npos);

    // The page image is the original JPEG, byte for byte.
    const fs::path images = home / "images";
    fs::create_directories(images);
    run({"pdfimages", "-all", pdf.string(), (images / "img").string()});
    BOOST_TEST(sha256HexOfFile(images / "img-000.jpg") == sha256HexOfFile(letter));
    checkPdfA(pdf);
}

BOOST_AUTO_TEST_CASE(without_ocr_there_is_no_text_and_a_missing_language_is_a_clear_error) {
    test::TempDir home;
    const fs::path letter = home / "letter.jpg";
    writeLetter(letter);
    const fs::path archive = home / "archive";
    const auto plain =
        test::runCli(home.path(), {"file", "--target", archive.string(), "--name", "plain", letter.string()});
    BOOST_REQUIRE(plain.status.code == 0);
    std::string text = run({"pdftotext", (archive / "plain.pdf").string(), "-"});
    std::erase_if(text, [](char c) { return std::isspace(static_cast<unsigned char>(c)) || c == '\f'; });
    BOOST_TEST(text.empty());

    platform::ChildOptions opts;
    opts.pipeStdout = true;
    opts.stderrFile = home / "err.txt";
    opts.environment["XDG_DATA_HOME"] = (home / "data").string();
    opts.environment["LANG"] = "C.UTF-8";
    platform::ChildProcess cli({test::cliPath().string(), "file", "--ocr-languages", "xyz", "--target",
                                archive.string(), letter.string()},
                               opts);
    cli.readAll();
    BOOST_TEST(cli.wait().code == 2);
    std::ifstream err(home / "err.txt");
    const std::string message((std::istreambuf_iterator<char>(err)), std::istreambuf_iterator<char>());
    BOOST_TEST(message.find("tesseract-ocr-xyz") != std::string::npos, message);
    size_t files = 0;
    for ([[maybe_unused]] const auto& entry : fs::directory_iterator(archive))
        ++files;
    BOOST_TEST(files == 1u); // plain.pdf only: nothing was imported or filed
}

// Tesseract's data missing altogether (TESSDATA_PREFIX names no folder): `file --ocr` says what
// to install and files nothing; `file` without OCR files the page as always.
BOOST_AUTO_TEST_CASE(without_tesseract_filing_without_ocr_still_works) {
    test::TempDir home;
    const fs::path letter = home / "letter.jpg";
    writeLetter(letter);
    const fs::path archive = home / "archive";
    const auto fileWithout = [&](std::vector<std::string> extra, const std::string& name) {
        platform::ChildOptions opts;
        opts.pipeStdout = true;
        opts.stderrFile = home / (name + ".err");
        opts.environment["XDG_DATA_HOME"] = (home / "data").string();
        opts.environment["LANG"] = "C.UTF-8";
        opts.environment["TESSDATA_PREFIX"] = (home / "no-tessdata").string();
        std::vector<std::string> args{test::cliPath().string(), "file",   "--target",
                                      archive.string(),         "--name", name};
        args.insert(args.end(), extra.begin(), extra.end());
        args.push_back(letter.string());
        platform::ChildProcess cli(args, opts);
        cli.readAll();
        const int code = cli.wait().code;
        std::ifstream err(home / (name + ".err"));
        return std::pair{
            code, std::string((std::istreambuf_iterator<char>(err)), std::istreambuf_iterator<char>())};
    };
    const auto [ocrCode, ocrMessage] = fileWithout({"--ocr"}, "searchable");
    BOOST_TEST(ocrCode == 2);
    BOOST_TEST(ocrMessage.find("tesseract-ocr") != std::string::npos, ocrMessage);
    BOOST_TEST(ocrMessage.find("without text recognition") != std::string::npos, ocrMessage);
    BOOST_TEST(!fs::exists(archive / "searchable.pdf"));
    const auto [plainCode, plainMessage] = fileWithout({}, "plain");
    BOOST_TEST(plainCode == 0, plainMessage);
    BOOST_TEST(fs::is_regular_file(archive / "plain.pdf"));
}

BOOST_AUTO_TEST_CASE(a_text_field_and_a_receipts_data_name_the_documents) {
    test::TempDir home;
    const fs::path letter = home / "letter.jpg";
    writeLetter(letter);
    const fs::path archive = home / "archive";
    const auto byText =
        test::runCli(home.path(), {"file", "--json", "--target", archive.string(), "--text-field",
                                   "invoice=Rechnung Nr\\.? *(\\d+)", "--name",
                                   "invoice-{field:invoice|none}", letter.string()});
    BOOST_REQUIRE(byText.status.code == 0);
    BOOST_TEST(fs::exists(archive / "invoice-12345.pdf"));
    // Text fields alone read the text but make no text layer.
    std::string layer = run({"pdftotext", (archive / "invoice-12345.pdf").string(), "-"});
    std::erase_if(layer, [](char c) { return std::isspace(static_cast<unsigned char>(c)) || c == '\f'; });
    BOOST_TEST(layer.empty());

    const fs::path receipt = home / "receipt.jpg";
    writeLetter(receipt,
                {"REWE Markt GmbH", "Hauptstr. 12", "33098 Paderborn", "BANANE 1,29", "VOLLMILCH 1,19",
                 "KAFFEE CREMA 12,99", "ZWISCHENSUMME 15,47", "SUMME EUR 15,47", "Geg. BAR EUR 20,00",
                 "Rückgeld BAR EUR 4,53", "Steuer % Netto Steuer Brutto", "A= 19,0% 10,92 2,07 12,99",
                 "Datum: 14.03.2024 18:02"},
                {900, 1800});
    const auto byReceipt = test::runCli(
        home.path(),
        {"file", "--json", "--target", archive.string(), "--receipt-fields", "--crop", "off", "--name",
         "{field:merchant}_{field:date}_{field:total}_{field:currency}", receipt.string()});
    BOOST_REQUIRE(byReceipt.status.code == 0);
    const auto docs = test::jsonLines(byReceipt.out);
    BOOST_REQUIRE(docs.size() == 1u);
    BOOST_TEST(fs::path(docs[0]["file"].get<std::string>()).filename() == "Rewe_2024-03-14_15.47_EUR.pdf");
    BOOST_TEST(docs[0]["fields"]["total"] == "15.47");

    // inspect --ocr --json: the page's text and its receipt data.
    const auto inspected = test::runCli(home.path(), {"inspect", "--json", "--ocr", receipt.string()});
    BOOST_REQUIRE(inspected.status.code == 0);
    const auto lines = test::jsonLines(inspected.out);
    BOOST_REQUIRE(lines.size() == 1u);
    BOOST_TEST(lines[0]["text"].get<std::string>().find("SUMME EUR 15,47") != std::string::npos);
    BOOST_TEST(lines[0]["receipt"]["merchant"] == "Rewe");
    BOOST_TEST(lines[0]["receipt"]["date"] == "2024-03-14");
    BOOST_TEST(lines[0]["receipt"]["total"] == "15.47");
    const auto letterLine =
        test::jsonLines(test::runCli(home.path(), {"inspect", "--json", "--ocr", letter.string()}).out);
    BOOST_REQUIRE(letterLine.size() == 1u);
    BOOST_TEST(letterLine[0]["receipt"].is_null());
}

// A till receipt (80 mm paper at 300 dpi) as a thermal printer lays it out: labels on the left,
// amounts right-aligned far from them, and the shop's advert printed in light blue across it
// (as on the back of many receipts, showing through). Read as one column from its brightest
// channel, each label keeps its amount: the total is the ZU ZAHLEN line's, not the cash given.
BOOST_AUTO_TEST_CASE(a_receipt_strip_keeps_each_label_with_its_amount_despite_coloured_print) {
    test::TempDir home;
    const fs::path receipt = home / "strip.jpg";
    cv::Mat page(2600, 945, CV_8UC3, cv::Scalar(246, 247, 248));
    auto font = cv::freetype::createFreeType2();
    font->loadFontData("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf", 0);
    // The advert: large light-blue words over the whole strip.
    for (int y = 300; y < 2500; y += 160)
        font->putText(page, "Sparen Sie mit uns", {40, y}, 90, cv::Scalar(235, 190, 150), -1, cv::LINE_AA,
                      false);
    const std::vector<std::pair<std::string, std::string>> rows{
        {"FERTIGGERICHTE", "1,79 C"},   {"KIWI VORGEREIFT", "1,49 C"},
        {"DOPPELBROETCHEN", "0,25 C"},  {"JOGHURT PUR", "0,35 C"},
        {"STOLZENFELS SEKT", "0,89 D"}, {"ZU ZAHLEN EURO", "4,77"},
        {"BARGELD", "20,03"},           {"ZURUECK", "15,26"}};
    int y = 420;
    font->putText(page, "Pohlweg 110  33100 Paderborn", {60, 260}, 40, cv::Scalar::all(25), -1, cv::LINE_AA,
                  false);
    for (const auto& [label, amount] : rows) {
        font->putText(page, label, {60, y}, 40, cv::Scalar::all(25), -1, cv::LINE_AA, false);
        int baseline = 0;
        const int width = font->getTextSize(amount, 40, -1, &baseline).width;
        font->putText(page, amount, {885 - width, y}, 40, cv::Scalar::all(25), -1, cv::LINE_AA, false);
        y += 75;
    }
    font->putText(page, "10(38107 3571)  09:51 18.04.2020", {60, y + 200}, 40, cv::Scalar::all(25), -1,
                  cv::LINE_AA, false);
    BOOST_REQUIRE(cv::imwrite(receipt.string(), page, {cv::IMWRITE_JPEG_QUALITY, 90}));
    const auto inspected = test::runCli(
        home.path(), {"inspect", "--json", "--ocr", "--ocr-languages", "deu+eng", receipt.string()});
    BOOST_REQUIRE(inspected.status.code == 0);
    const auto lines = test::jsonLines(inspected.out);
    BOOST_REQUIRE(lines.size() == 1u);
    const std::string text = lines[0]["text"].get<std::string>();
    BOOST_TEST(text.find("ZU ZAHLEN EURO 4,77") != std::string::npos, text);
    BOOST_REQUIRE(lines[0]["receipt"].is_object());
    BOOST_TEST(lines[0]["receipt"]["total"] == "4.77");
    BOOST_TEST(lines[0]["receipt"]["date"] == "2020-04-18");
    BOOST_TEST(text.find("Sparen") == std::string::npos, text); // the advert is not read as text
}

// libharu stretches text by 10-300% only and refused the whole PDF beyond that ("libharu error
// 0x1056"): OCR that reads a receipt's widely spaced "1,59   A" as one word made `file --ocr`
// fail on 2 of the 25 corpus receipts. A word far wider, and one far narrower, than its text
// must still give a PDF in which both are found whole.
BOOST_AUTO_TEST_CASE(words_far_wider_or_narrower_than_their_text_still_give_a_searchable_pdf) {
    test::TempDir home;
    const fs::path jpeg = home / "strip.jpg";
    BOOST_REQUIRE(cv::imwrite(jpeg.string(), cv::Mat(1200, 900, CV_8UC1, cv::Scalar(255))));
    output::EncodedPage page;
    page.width = 900;
    page.height = 1200;
    page.dpi = {300, 300};
    page.bytes = test::readFile(jpeg);
    ocr::PageText text;
    text.width = 900;
    text.height = 1200;
    text.words = {{"1,59", 20, 100, 860, 40, 90, 0}, {"Rueckgeld", 20, 300, 12, 40, 90, 1}};
    output::PdfWriter writer({});
    writer.addPage(page, &text);
    const auto bytes = writer.finish();
    const fs::path pdf = home / "strip.pdf";
    std::ofstream(pdf, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
    const auto found = wordsWithBoxes(pdf);
    std::set<std::string> texts;
    for (const auto& f : found)
        texts.insert(f.text);
    BOOST_TEST(texts.contains("1,59"));
    BOOST_TEST(texts.contains("Rueckgeld"));
    for (const auto& f : found)
        if (f.text == "1,59") // at the start of its box (x 20 px = 4.8 pt), over its first part
            BOOST_TEST((std::abs(f.xMin - 4.8) < 1 && f.xMax - f.xMin > 20), f.xMin << " " << f.xMax);
}

// What Tesseract and Leptonica print stays off the user's terminal: the resolution is always
// given (no "Invalid resolution 0 dpi" / "Estimating resolution"), and Leptonica's messages go to
// $XDG_STATE_HOME/docdesk/worker.log. A page without a resolution of its own (PNG) is read with a
// clean stderr; the corpus' book photo, whose layout makes Leptonica complain ("Error in
// boxClipToRectangle"), when the corpus is there, puts its complaint in the log.
BOOST_AUTO_TEST_CASE(tesseract_and_leptonica_messages_go_to_the_log_not_the_terminal) {
    test::TempDir home;
    const fs::path png = home / "letter.png";
    writeLetter(home / "letter.jpg");
    BOOST_REQUIRE(
        cv::imwrite(png.string(), cv::imread((home / "letter.jpg").string(), cv::IMREAD_GRAYSCALE)));
    std::vector<std::string> files{png.string()};
    const fs::path book = "/work/shared/corpus/documents/images/document-scanning-dataset/book.webp";
    if (fs::exists(book))
        files.push_back(book.string());
    else
        BOOST_TEST_MESSAGE("corpus book photo absent: only the generated page is read");
    for (const auto& file : files) {
        platform::ChildOptions opts;
        opts.discardStdout = true;
        opts.stderrFile = home / "err.txt";
        opts.environment["XDG_DATA_HOME"] = (home / "data").string();
        opts.environment["XDG_STATE_HOME"] = (home / "state").string();
        opts.environment["LANG"] = "C.UTF-8";
        platform::ChildProcess cli({test::cliPath().string(), "inspect", "--ocr", file}, opts);
        BOOST_TEST(cli.wait().code == 0, file);
    }
    std::ifstream err(home / "err.txt");
    const std::string terminal((std::istreambuf_iterator<char>(err)), std::istreambuf_iterator<char>());
    BOOST_TEST(terminal.empty(), terminal);
    if (files.size() > 1) {
        std::ifstream logIn(home / "state" / "docdesk" / "worker.log");
        const std::string log((std::istreambuf_iterator<char>(logIn)), std::istreambuf_iterator<char>());
        BOOST_TEST(log.find("leptonica: Error in") != std::string::npos, log);
    }
}

// `watch` with rules whose OCR language is not installed refuses to start, naming the package,
// as `file` does (before, it watched and every arriving file failed).
BOOST_AUTO_TEST_CASE(watch_refuses_rules_whose_ocr_language_is_missing) {
    test::TempDir home;
    const fs::path rules = home / "rules.jsonc";
    std::ofstream(rules) << R"({"profiles": {"p": {"ocr": true, "ocr_languages": "xyz+eng"}}})";
    fs::create_directories(home / "in");
    platform::ChildOptions opts;
    opts.discardStdout = true;
    opts.stderrFile = home / "err.txt";
    opts.environment["XDG_DATA_HOME"] = (home / "data").string();
    opts.environment["LANG"] = "C.UTF-8";
    platform::ChildProcess cli({test::cliPath().string(), "watch", "--rules", rules.string(),
                                "--rules-profile", "p", "--target", (home / "archive").string(),
                                (home / "in").string()},
                               opts);
    // Bounded: a watcher that started would run until stopped.
    auto status = cli.waitFor(std::chrono::seconds(60));
    if (!status) {
        cli.signal(SIGTERM);
        status = cli.wait();
    }
    BOOST_TEST(status->code == 2);
    std::ifstream err(home / "err.txt");
    const std::string message((std::istreambuf_iterator<char>(err)), std::istreambuf_iterator<char>());
    BOOST_TEST(message.find("tesseract-ocr-xyz") != std::string::npos, message);
}
