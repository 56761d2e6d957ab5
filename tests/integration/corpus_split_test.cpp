#define BOOST_TEST_MODULE corpus_split
// The real `docdesk-cli split --json` end to end. Over ../shared/corpus/paperless-barcodes/
// (samples from paperless-ngx's test suite) the plans must group the pages the way
// paperless-ngx's own tests expect (src/documents/tests/test_barcodes.py; the expectations are
// copied below with the test function they come from; paperless page indices are 0-based, and
// so are the indices here). Each plan is printed (--log_level=message). The corpus cases are
// skipped when the folder is absent; the contract cases use generated files.
#include "platform/ChildProcess.h"
#include "tests/support/TestSupport.h"

#include <boost/test/unit_test.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

using namespace docdesk;
using nlohmann::json;
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

struct Run {
    json plan; // null when stdout was not one JSON object
    std::string out;
    std::string err;
    platform::ExitStatus status;
};

Run split(const std::vector<std::string>& options, const std::vector<std::string>& files) {
    test::TempDir home;
    std::vector<std::string> args{test::cliPath().string(), "split", "--json"};
    args.insert(args.end(), options.begin(), options.end());
    args.insert(args.end(), files.begin(), files.end());
    platform::ChildOptions opts;
    opts.pipeStdout = true;
    opts.stderrFile = home / "stderr.txt";
    opts.environment["XDG_DATA_HOME"] = (home / "data").string();
    opts.environment["LANG"] = "C.UTF-8";
    opts.environment["LANGUAGE"] = "";
    platform::ChildProcess p(args, opts);
    Run r;
    r.out = p.readAll();
    r.status = p.wait();
    if (fs::exists(home / "stderr.txt")) {
        const auto bytes = test::readFile(home / "stderr.txt");
        r.err.assign(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    }
    r.plan = json::parse(r.out, nullptr, false);
    if (r.plan.is_discarded())
        r.plan = nullptr;
    return r;
}

std::string options(const std::vector<std::string>& o) {
    std::string s;
    for (const auto& x : o)
        s += " " + x;
    return s.empty() ? " (defaults)" : s;
}

// A plan in one line per document, e.g. "  [0,1] first page {asn=123}".
std::string describePlan(const json& plan) {
    std::ostringstream s;
    for (const auto& d : plan["documents"]) {
        s << "\n  [";
        for (size_t i = 0; i < d["pages"].size(); ++i) {
            const auto& pg = d["pages"][i];
            s << (i ? "," : "");
            if (i > 0 && pg["source"] != d["pages"][i - 1]["source"]) // a plan over several files
                s << fs::path(pg["source"].get<std::string>()).filename().string() << ":";
            s << pg["page"].get<int>() - 1;
        }
        s << "] " << d["starts_because"].get<std::string>();
        if (d.contains("starts_because_value"))
            s << " " << d["starts_because_value"].get<std::string>();
        for (const auto& [k, v] : d["fields"].items())
            s << " {" << k << "=" << v.get<std::string>() << "}";
        for (const auto& w : d["warnings"])
            s << " warning: " << w.get<std::string>();
        s << " -> " << d["name"].get<std::string>();
    }
    for (const auto& d : plan["dropped"])
        s << "\n  dropped " << d["page"].get<int>() - 1 << " (" << d["reason"].get<std::string>() << ")";
    return s.str();
}

using Groups = std::vector<std::vector<int>>; // 0-based pages per document

struct CorpusPlan {
    Groups groups;
    std::vector<int> dropped;
    std::vector<std::map<std::string, std::string>> fields;
    std::vector<std::vector<std::string>> warnings;
};

// Plans one corpus file with `opts` (each combination once per test program), printing it.
const CorpusPlan& corpusPlan(const std::string& file, const std::vector<std::string>& opts = {}) {
    static std::map<std::string, CorpusPlan> cache;
    const std::string key = file + options(opts);
    if (const auto it = cache.find(key); it != cache.end())
        return it->second;
    const auto r = split(opts, {(corpusDir() / file).string()});
    BOOST_TEST_REQUIRE(r.status.code == 0, file << ": exit " << r.status.code << " " << r.err);
    BOOST_TEST_REQUIRE(!r.plan.is_null(), file << ": not JSON: " << r.out);
    BOOST_TEST_MESSAGE(file << options(opts) << ":" << describePlan(r.plan));
    CorpusPlan p;
    for (const auto& d : r.plan["documents"]) {
        std::vector<int> pages;
        for (const auto& pg : d["pages"])
            pages.push_back(pg["page"].get<int>() - 1);
        p.groups.push_back(pages);
        p.fields.push_back(d["fields"].get<std::map<std::string, std::string>>());
        p.warnings.push_back(d["warnings"].get<std::vector<std::string>>());
    }
    for (const auto& d : r.plan["dropped"])
        p.dropped.push_back(d["page"].get<int>() - 1);
    return cache[key] = p;
}

std::string fieldOf(const CorpusPlan& p, size_t document, const std::string& name) {
    if (document >= p.fields.size())
        return "<no document>";
    const auto it = p.fields[document].find(name);
    return it == p.fields[document].end() ? "<none>" : it->second;
}

std::string groupsText(const Groups& g) {
    std::ostringstream s;
    for (const auto& d : g) {
        s << "[";
        for (size_t i = 0; i < d.size(); ++i)
            s << (i ? "," : "") << d[i];
        s << "]";
    }
    return s.str();
}

void expectGroups(const std::string& file, const std::vector<std::string>& opts, const Groups& expected,
                  const std::vector<int>& dropped) {
    const auto& p = corpusPlan(file, opts);
    BOOST_TEST((p.groups == expected), file << options(opts) << ": got " << groupsText(p.groups)
                                            << ", expected " << groupsText(expected));
    BOOST_TEST((p.dropped == dropped), file << options(opts) << ": dropped pages differ");
}

} // namespace

// ---- separator sheets (PATCHT, dropped) ----------------------------------------------------

BOOST_AUTO_TEST_CASE(patch_t_separators_split_like_paperless, *utf::precondition(CorpusPresent())) {
    struct Case {
        const char* file;
        Groups groups;
        std::vector<int> dropped;
    };
    const std::vector<Case> cases = {
        // test_scan_file_for_separating_barcodes: {0: False}; a one-page file, so no document.
        {"patch-code-t.pdf", {}, {0}},
        // test_scan_file_for_separating_barcodes_middle_page: {1: False}; test_separate_pages: 2 documents.
        {"patch-code-t-middle.pdf", {{0}, {2}}, {1}},
        // test_scan_tiff_for_separating_barcodes / ..._with_alpha_...: {1: False}.
        {"patch-code-t-middle.tiff", {{0}, {2}}, {1}},
        {"patch-code-t-middle-alpha.tiff", {{0}, {2}}, {1}},
        // test_scan_file_for_separating_barcodes_multiple_pages: {2: False, 5: False}.
        {"several-patcht-codes.pdf", {{0, 1}, {3, 4}, {6}}, {2, 5}},
        // test_scan_file_for_separating_barcodes_hard_to_detect: {1: False} for all three.
        {"patch-code-t-middle-reverse.pdf", {{0}, {2}}, {1}},
        {"patch-code-t-middle-distorted.pdf", {{0}, {2}}, {1}},
        {"patch-code-t-middle-fuzzy.pdf", {{0}, {2}}, {1}},
        // test_scan_file_for_separating_barcodes_unreadable: {} (no split).
        {"patch-code-t-middle-unreadable.pdf", {{0, 1, 2}}, {}},
        // test_scan_file_for_separating_barcodes_fax_decode: {1: False}.
        {"barcode-fax-image.pdf", {{0}, {2}}, {1}},
        // test_scan_file_for_separating_qr_barcodes: {0: False}.
        {"patch-code-t-qr.pdf", {}, {0}},
        // test_separate_pages_double_code: {1: False, 2: False} gives exactly 2 documents.
        {"patch-code-t-double.pdf", {{0}, {3}}, {1, 2}},
        // test_scan_file_for_separating_wrong_qr_barcodes: a custom value is no separator by default.
        {"barcode-39-custom.pdf", {{0}}, {}},
    };
    for (const auto& c : cases)
        expectGroups(c.file, {}, c.groups, c.dropped);
}

BOOST_AUTO_TEST_CASE(custom_separator_values_split_like_paperless, *utf::precondition(CorpusPresent())) {
    // test_scan_file_for_separating_custom_barcodes / _custom_qr_barcodes / _custom_128_barcodes:
    // CONSUMER_BARCODE_STRING="CUSTOM BARCODE" gives {0: False}.
    for (const auto* file : {"barcode-39-custom.pdf", "barcode-qr-custom.pdf", "barcode-128-custom.pdf"})
        expectGroups(file, {"--separator", "CUSTOM BARCODE"}, {}, {0});
    // test_scan_file_qr_barcodes_was_problem: CONSUMER_BARCODE_STRING="ADAR-NEXTDOC" gives {1: False}.
    expectGroups("many-qr-codes.pdf", {"--separator", "ADAR-NEXTDOC"}, {{0}, {2}}, {1});
    // The same through a pattern.
    expectGroups("many-qr-codes.pdf", {"--separator-regex", "^ADAR-"}, {{0}, {2}}, {1});
}

// ---- ASN labels (kept, start a document, field "asn") ------------------------------------

BOOST_AUTO_TEST_CASE(asn_barcodes_split_like_paperless, *utf::precondition(CorpusPresent())) {
    // test_separate_pages_by_asn_barcodes: ASN on pages 0,2,3,6,8 -> {2,3,6,8: True}, 5 documents.
    expectGroups("split-by-asn-1.pdf", {}, {{0, 1}, {2}, {3, 4, 5}, {6, 7}, {8, 9}}, {});
    const auto& one = corpusPlan("split-by-asn-1.pdf");
    for (size_t d = 0; d < 5; ++d)
        BOOST_TEST(fieldOf(one, d, "asn") == std::to_string(123 + d));
    // test_separate_pages_by_asn_barcodes_and_patcht: {2: False, 4,5,8,10: True}, 6 documents.
    expectGroups("split-by-asn-2.pdf", {}, {{0, 1}, {3}, {4}, {5, 6, 7}, {8, 9}, {10, 11}}, {2});
    BOOST_TEST(fieldOf(corpusPlan("split-by-asn-2.pdf"), 1, "asn") == "<none>"); // the PATCHT document
    // test_separate_pages_by_asn_barcodes_and_patcht_retain_pages: {2: True, ...} (sheet kept).
    expectGroups("split-by-asn-2.pdf", {"--keep-separators"},
                 {{0, 1}, {2, 3}, {4}, {5, 6, 7}, {8, 9}, {10, 11}}, {});
    // ASN off: no splits on ASN labels, only the separator.
    expectGroups("split-by-asn-2.pdf", {"--no-asn"}, {{0, 1}, {3, 4, 5, 6, 7, 8, 9, 10, 11}}, {2});
}

BOOST_AUTO_TEST_CASE(asn_values_like_paperless, *utf::precondition(CorpusPresent())) {
    // test_scan_file_for_asn_barcode: 123.
    BOOST_TEST(fieldOf(corpusPlan("barcode-39-asn-123.pdf"), 0, "asn") == "123");
    // test_scan_file_for_qrcode_without_upscale: "ASN 000123" is 123.
    BOOST_TEST(fieldOf(corpusPlan("barcode-qr-asn-000123-upscale-dpi.pdf"), 0, "asn") == "123");
    // test_scan_file_for_asn_custom_prefix: CONSUMER_ASN_BARCODE_PREFIX="CUSTOM-PREFIX-" gives 123.
    BOOST_TEST(fieldOf(corpusPlan("barcode-39-asn-custom-prefix.pdf", {"--asn-prefix", "CUSTOM-PREFIX-"}), 0,
                       "asn") == "123");
    BOOST_TEST(fieldOf(corpusPlan("barcode-39-asn-custom-prefix.pdf"), 0, "asn") == "<none>");
    // test_scan_file_for_asn_barcode_invalid: "ASNXYZXYZ" gives no ASN (here also a warning).
    const auto& invalid = corpusPlan("barcode-39-asn-invalid.pdf");
    BOOST_TEST((invalid.groups == Groups{{0}}));
    BOOST_TEST(fieldOf(invalid, 0, "asn") == "<none>");
    BOOST_TEST(invalid.warnings.at(0).size() == 1u);
    // test_asn_too_large (older paperless-ngx): ASN 4294967296 is out of range [0, 4294967295].
    // paperless-ngx fails the consumption; docdesk keeps the document, without ASN, with a warning.
    const auto& large = corpusPlan("barcode-128-asn-too-large.pdf");
    BOOST_TEST((large.groups == Groups{{0}}));
    BOOST_TEST(fieldOf(large, 0, "asn") == "<none>");
    BOOST_TEST(large.warnings.at(0).size() == 1u);
}

// ---- tag barcodes ----------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(tag_barcodes_like_paperless, *utf::precondition(CorpusPresent())) {
    // test_no_split_when_tag_split_disabled: no separation, both tags assigned.
    expectGroups("split-by-tag-basic.pdf", {}, {{0, 1, 2, 3, 4, 5}}, {});
    BOOST_TEST(fieldOf(corpusPlan("split-by-tag-basic.pdf"), 0, "tags") == "invoice, receipt");
    // test_split_on_tag_barcodes: {1: True, 3: True}; test_consume_barcode_file_tag_split_and_assignment:
    // 3 documents, the first without tags, then "invoice", then "receipt".
    expectGroups("split-by-tag-basic.pdf", {"--split-on-tag"}, {{0}, {1, 2}, {3, 4, 5}}, {});
    const auto& tagged = corpusPlan("split-by-tag-basic.pdf", {"--split-on-tag"});
    BOOST_TEST(fieldOf(tagged, 0, "tags") == "<none>");
    BOOST_TEST(fieldOf(tagged, 1, "tags") == "invoice");
    BOOST_TEST(fieldOf(tagged, 2, "tags") == "receipt");
    // test_split_by_mixed_asn_tag_backwards_compat: {2, 4, 6: True}, 4 documents. (paperless-ngx
    // maps the ASN labels to tags there; docdesk's ASN rule splits on them by default.)
    expectGroups("split-by-tag-mixed-asn.pdf", {"--split-on-tag"}, {{0, 1}, {2, 3}, {4, 5}, {6, 7}}, {});
    const auto& mixed = corpusPlan("split-by-tag-mixed-asn.pdf", {"--split-on-tag"});
    BOOST_TEST(fieldOf(mixed, 0, "asn") == "12345");
    BOOST_TEST(fieldOf(mixed, 1, "tags") == "personal");
    BOOST_TEST(fieldOf(mixed, 2, "asn") == "13456");
    BOOST_TEST(fieldOf(mixed, 3, "tags") == "business");
    // test_split_by_tag_multiple_per_page: {1: True, 3: True}, 3 documents.
    expectGroups("split-by-tag-multiple-per-page.pdf", {"--split-on-tag"}, {{0}, {1, 2}, {3, 4}}, {});
    BOOST_TEST(fieldOf(corpusPlan("split-by-tag-multiple-per-page.pdf", {"--split-on-tag"}), 1, "tags") ==
               "invoice, expense");
    // test_scan_file_for_tag_custom_prefix: mapping "CUSTOM-PREFIX-(.*)" gives tag "00123".
    BOOST_TEST(fieldOf(corpusPlan("barcode-39-asn-custom-prefix.pdf", {"--tag-prefix", "CUSTOM-PREFIX-"}), 0,
                       "tags") == "00123");
    // test_scan_file_without_matching_barcodes: the default "TAG:" prefix finds nothing there.
    BOOST_TEST(fieldOf(corpusPlan("barcode-39-asn-custom-prefix.pdf"), 0, "tags") == "<none>");
    // test_scan_file_with_matching_barcode_but_function_disabled: tags off, no tags.
    BOOST_TEST(fieldOf(corpusPlan("barcode-39-asn-custom-prefix.pdf",
                                  {"--tag-prefix", "CUSTOM-PREFIX-", "--no-tags"}),
                       0, "tags") == "<none>");
    // test_scan_file_for_many_custom_tags: mapping "ASN(.*)" with ASN off gives 5 tags 00123..00127.
    const auto& many = corpusPlan("split-by-asn-1.pdf", {"--no-asn", "--tag-prefix", "ASN"});
    BOOST_TEST((many.groups == Groups{{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}}));
    BOOST_TEST(fieldOf(many, 0, "tags") == "00123, 00124, 00125, 00126, 00127");
}

// ---- docdesk's own rules on the corpus ------------------------------------------------------

BOOST_AUTO_TEST_CASE(more_rules_on_the_corpus, *utf::precondition(CorpusPresent())) {
    const auto asn1 = (corpusDir() / "split-by-asn-1.pdf").string();
    const auto middle = (corpusDir() / "patch-code-t-middle.pdf").string();
    // Several files in one plan: without --per-file documents run on across files; with it,
    // each file starts a new one.
    const auto tags = (corpusDir() / "split-by-tag-basic.pdf").string();
    const auto joined = split({}, {middle, tags});
    BOOST_TEST_MESSAGE("patch-code-t-middle.pdf + split-by-tag-basic.pdf:" << describePlan(joined.plan));
    BOOST_REQUIRE(joined.status.code == 0);
    BOOST_REQUIRE(joined.plan["documents"].size() == 2u);
    BOOST_TEST(joined.plan["documents"][1]["pages"].size() == 7u); // middle's page 3 + tag-basic's 6
    BOOST_TEST(split({"--per-file"}, {middle, tags}).plan["documents"].size() == 3u);
    const auto perFile = split({"--per-file", "--every", "3", "--field", "label=^ASN0*(\\d+)$", "--name",
                                "{field:asn|none}-{counter:02}"},
                               {middle, asn1});
    BOOST_TEST_MESSAGE("--per-file --every 3:" << describePlan(perFile.plan));
    BOOST_REQUIRE(perFile.status.code == 0);
    const auto& docs = perFile.plan["documents"];
    // split-by-asn-1: [0,1] [2] [3,4,5] [6,7] [8,9]; patch-code-t-middle: [0] [2].
    BOOST_REQUIRE(docs.size() == 7u);
    BOOST_TEST(docs[2]["starts_because"] == "asn");
    BOOST_TEST(docs[2]["fields"]["label"] == "123");
    BOOST_TEST(docs[2]["name"] == "123-03.pdf");
    BOOST_TEST(docs[0]["name"] == "none-01.pdf");
    // every 3 pages: split-by-asn-1 with --no-asn: [0,1,2] [3,4,5] [6,7,8] [9].
    expectGroups("split-by-asn-1.pdf", {"--no-asn", "--every", "3"}, {{0, 1, 2}, {3, 4, 5}, {6, 7, 8}, {9}},
                 {});
    // A value change: the ASN numbers as the changing value, ASN splitting off.
    expectGroups("split-by-asn-1.pdf", {"--no-asn", "--split-on-change", "^ASN(\\d+)$"},
                 {{0, 1}, {2}, {3, 4, 5}, {6, 7}, {8, 9}}, {});
}

// ---- the command's contract (generated files, no corpus needed) -----------------------------

BOOST_AUTO_TEST_CASE(unreadable_files_are_errors_and_the_rest_is_planned) {
    test::TempDir dir;
    test::writeFile(dir / "three.pdf", test::minimalPdf(3));
    const auto r = split({}, {(dir / "missing.pdf").string(), (dir / "three.pdf").string()});
    BOOST_TEST(r.status.code == 1);
    BOOST_REQUIRE(!r.plan.is_null());
    BOOST_REQUIRE(r.plan["errors"].size() == 1u);
    BOOST_TEST(r.plan["errors"][0]["source"] == (dir / "missing.pdf").string());
    BOOST_TEST(r.plan["errors"][0].contains("error"));
    BOOST_REQUIRE(r.plan["documents"].size() == 1u);
    const auto& d = r.plan["documents"][0];
    BOOST_TEST(d["pages"].size() == 3u);
    BOOST_TEST(d["starts_because"] == "first page");
    BOOST_TEST(d["name"] == "three_001.pdf");
    for (const char* key : {"pages", "fields", "starts_because", "warnings", "name"})
        BOOST_TEST(d.contains(key), key);
    BOOST_TEST(r.plan["dropped"].is_array());
    // All fine: exit 0, no errors.
    const auto ok = split({"--every", "2"}, {(dir / "three.pdf").string()});
    BOOST_TEST(ok.status.code == 0);
    BOOST_TEST(ok.plan["errors"].empty());
    BOOST_TEST(ok.plan["documents"].size() == 2u);
}

BOOST_AUTO_TEST_CASE(wrong_usage_and_bad_rules) {
    test::TempDir dir;
    test::writeTestImage(dir / "one.png", 400, 560, 0, 0, 255); // not blank
    const auto file = (dir / "one.png").string();
    BOOST_TEST(split({}, {}).status.code == 2);
    BOOST_TEST(split({"--every", "0"}, {file}).status.code == 2);
    BOOST_TEST(split({"--separator-regex", "(["}, {file}).status.code == 2);
    BOOST_TEST(split({"--field", "novalue"}, {file}).status.code == 2);
    BOOST_TEST(split({"--name", "a/b"}, {file}).status.code == 2);
    BOOST_TEST(split({"--rules-profile", "x"}, {file}).status.code == 2);
    BOOST_TEST(split({"--bogus"}, {file}).status.code == 2);
    test::writeFile(dir / "bad.jsonc",
                    "{\"profiles\": {\"p\": {\"fields\": [{\"name\": \"v\", \"patern\": \"x\"}]}}}");
    const auto bad = split({"--rules", (dir / "bad.jsonc").string()}, {file});
    BOOST_TEST(bad.status.code == 1);
    BOOST_TEST(bad.err.find("bad.jsonc: profiles.p.fields[0].patern: unknown key") != std::string::npos,
               bad.err);
    // The documented example works, profile by profile.
    const auto example = fs::path(DOCDESK_SOURCE_DIR) / "core" / "rules" / "rules.example.jsonc";
    const auto receipts = split({"--rules", example.string(), "--rules-profile", "receipts"}, {file, file});
    BOOST_TEST(receipts.status.code == 0, receipts.err);
    BOOST_TEST(receipts.plan["documents"].size() == 2u); // per_file
    BOOST_TEST(receipts.plan["documents"][0]["name"].get<std::string>().starts_with("receipts/"));
    BOOST_TEST(split({"--rules", example.string(), "--rules-profile", "nope"}, {file}).status.code == 1);
    // --help works and names the options.
    test::TempDir home;
    platform::ChildOptions opts;
    opts.pipeStdout = true;
    opts.discardStderr = true;
    opts.environment["LANGUAGE"] = "";
    platform::ChildProcess help({test::cliPath().string(), "split", "--help"}, opts);
    const auto text = help.readAll();
    BOOST_TEST(help.wait().success());
    for (const char* option :
         {"--rules", "--separator", "--keep-separators", "--asn-prefix", "--no-asn", "--split-on-blank",
          "--every", "--per-file", "--tag-prefix", "--split-on-tag", "--field"})
        BOOST_TEST(text.find(option) != std::string::npos, option);
    // `file` takes both profiles: the gateway profile (--profile, its outbox) and the rules
    // file's profile (--rules-profile); its help names each once, with its own meaning.
    platform::ChildProcess fileHelp({test::cliPath().string(), "file", "--help"}, opts);
    const auto fileText = fileHelp.readAll();
    BOOST_TEST(fileHelp.wait().success());
    const auto count = [&](const std::string& needle) {
        size_t n = 0;
        for (auto at = fileText.find(needle); at != std::string::npos; at = fileText.find(needle, at + 1))
            ++n;
        return n;
    };
    BOOST_TEST(count("--rules-profile NAME  the profile in FILE") == 1u, fileText);
    BOOST_TEST(count("With --profile NAME the documents go into the outbox") == 1u, fileText);
    const auto archive = dir / "archive";
    const auto filed = test::runCli(home.path(), {"file", "--target", archive.string(), "--rules",
                                                  example.string(), "--rules-profile", "receipts", file});
    BOOST_TEST(filed.status.code == 0, filed.out);
    BOOST_TEST(fs::exists(archive / "receipts"));
}
