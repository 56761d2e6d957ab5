#define BOOST_TEST_MODULE worker_protocol
// The docdesk-worker line protocol as both sides read it (app/common/WorkerProtocol): every
// field checked, a clear error for anything else (fuzz_worker_protocol fuzzes the same code).
#include "app/common/WorkerProtocol.h"
#include "core/common/Error.h"

#include <boost/test/unit_test.hpp>

using namespace docdesk;
using app::parseWorkerAnswer;
using app::parseWorkerRequest;

namespace {

// The message of the Error parsing `line` gives ("" when it parses).
std::string refusal(const std::string& line) {
    try {
        parseWorkerRequest(line);
    } catch (const Error& e) {
        return e.what();
    }
    return {};
}

} // namespace

BOOST_AUTO_TEST_CASE(a_request_reads_back_as_it_was_written) {
    app::WorkerRequest r;
    r.op = "ocr";
    r.file = "/tmp/a b\n.pdf";
    r.mediaType = "application/pdf";
    r.page = 7;
    r.dpi = 212.5;
    r.transforms = R"({"rotation":90})";
    r.languages = "deu+eng";
    const auto back = parseWorkerRequest(app::workerRequestLine(r));
    BOOST_TEST(back.op == r.op);
    BOOST_TEST(back.file == r.file);
    BOOST_TEST(back.mediaType == r.mediaType);
    BOOST_TEST(back.page == 7);
    BOOST_TEST(back.dpi == 212.5);
    BOOST_TEST(back.transforms == r.transforms);
    BOOST_TEST(back.languages == "deu+eng");
    const auto count = parseWorkerRequest(R"({"op": "count", "file": "x.tif"})");
    BOOST_TEST(count.page == 1);
    BOOST_TEST(count.dpi == 300);
}

BOOST_AUTO_TEST_CASE(requests_out_of_range_or_of_the_wrong_type_are_refused_with_the_field_named) {
    BOOST_TEST(refusal("not json").find("not a JSON object") != std::string::npos);
    BOOST_TEST(refusal("[1]").find("not a JSON object") != std::string::npos);
    BOOST_TEST(refusal(R"({"op": "rm", "file": "a"})").find("unknown operation") != std::string::npos);
    BOOST_TEST(refusal(R"({"op": 5, "file": "a"})").find("\"op\"") != std::string::npos);
    BOOST_TEST(refusal(R"({"op": "count"})").find("\"file\"") != std::string::npos);
    BOOST_TEST(refusal(R"({"op": "count", "file": ["a"]})").find("\"file\"") != std::string::npos);
    // The worker used to compute page - 1 on any integer (signed overflow at INT_MIN) and to
    // hand any double to the PDF renderer as its resolution.
    BOOST_TEST(refusal(R"({"op": "analyse", "file": "a", "page": -2147483648})").find("\"page\"") !=
               std::string::npos);
    BOOST_TEST(refusal(R"({"op": "analyse", "file": "a", "page": 0})").find("\"page\"") != std::string::npos);
    BOOST_TEST(refusal(R"({"op": "analyse", "file": "a", "page": 1.5})").find("\"page\"") !=
               std::string::npos);
    BOOST_TEST(refusal(R"({"op": "analyse", "file": "a", "dpi": 1e308})").find("\"dpi\"") !=
               std::string::npos);
    BOOST_TEST(refusal(R"({"op": "analyse", "file": "a", "dpi": "300"})").find("\"dpi\"") !=
               std::string::npos);
    BOOST_TEST(refusal(R"({"op": "crop", "file": "a", "mode": "color"})").find("\"out\"") !=
               std::string::npos);
    BOOST_TEST(refusal(R"({"op": "crop", "file": "a", "out": "o", "mode": "sepia"})").find("\"mode\"") !=
               std::string::npos);
    BOOST_TEST(refusal(R"({"op": "ocr", "file": "a", "languages": ""})").find("\"languages\"") !=
               std::string::npos);
    BOOST_TEST(refusal(R"({"op": "analyse", "file": "a", "page": 3, "dpi": 72})").empty());
}

BOOST_AUTO_TEST_CASE(answers_that_are_not_what_the_operation_answers_are_failures_that_say_so) {
    const auto analysed = parseWorkerAnswer(R"({"ok": true, "analysis": {"width": 3}})", "analyse");
    BOOST_TEST(analysed.ok);
    BOOST_TEST(analysed.analysis["width"] == 3);
    const auto counted =
        parseWorkerAnswer(R"({"ok": true, "pages": 2, "media_type": "image/tiff"})", "count");
    BOOST_TEST(counted.ok);
    BOOST_TEST(counted.analysis["pages"] == 2);
    const auto failed = parseWorkerAnswer(R"({"ok": false, "error": "the file is damaged"})", "analyse");
    BOOST_TEST(!failed.ok);
    BOOST_TEST(failed.error == "the file is damaged");

    // These used to escape AnalysisWorker as nlohmann::json exceptions.
    for (const auto& [line, op] : std::vector<std::pair<std::string, std::string>>{
             {R"({"ok": "yes"})", "analyse"},
             {R"({"ok": true})", "analyse"},
             {R"({"ok": true, "analysis": 5})", "analyse"},
             {R"({"ok": true, "pages": "2", "media_type": "image/png"})", "count"},
             {R"({"ok": true, "pages": 0, "media_type": "image/png"})", "count"},
             {R"({"ok": true, "pages": 2, "media_type": 7})", "count"},
             {R"({"ok": true, "documents": [{"file": 1}]})", "crop"},
             {R"({"ok": true, "documents": {}})", "crop"},
             {"", "ocr"},
             {"[true]", "ocr"}}) {
        const auto outcome = parseWorkerAnswer(line, op);
        BOOST_TEST(!outcome.ok, line);
        BOOST_TEST(outcome.error.find("unreadable answer") != std::string::npos, line);
    }
    const auto noReason = parseWorkerAnswer(R"({"ok": false, "error": 5})", "analyse");
    BOOST_TEST(!noReason.ok);
    BOOST_TEST(noReason.error == "analysis failed");
}

// branch pipe (issue 16): "keep_decoded" asks the worker to keep an analysed page decoded for
// the encode that follows; it is written for "analyse" only and must be a boolean.
BOOST_AUTO_TEST_CASE(keep_decoded_travels_with_an_analysis_and_must_be_true_or_false) {
    app::WorkerRequest r;
    r.op = "analyse";
    r.file = "page.jpg";
    BOOST_TEST(!parseWorkerRequest(app::workerRequestLine(r)).keepDecoded);
    r.keepDecoded = true;
    BOOST_TEST(parseWorkerRequest(app::workerRequestLine(r)).keepDecoded);
    r.op = "count";
    BOOST_TEST(app::workerRequestLine(r).find("keep_decoded") == std::string::npos);
    BOOST_TEST(refusal(R"({"op": "analyse", "file": "a", "keep_decoded": 1})").find("\"keep_decoded\"") !=
               std::string::npos);
    BOOST_TEST(refusal(R"({"op": "analyse", "file": "a", "keep_decoded": false})").empty());
}
