// The HTTP form connector (paperless-ngx's post_document API) against FakePaperlessServer on
// loopback: fields, task polling, the token, repeat safety after a lost answer, Retry-After,
// task failures, a 50 MB document streamed from disk, and the user's path through the outbox
// and runGatewayUpload.
#define BOOST_TEST_MODULE gateway_form
#include "app/common/GatewayUpload.h"
#include "core/common/Md5.h"
#include "core/common/Sha256.h"
#include "core/gateway/Connector.h"
#include "core/gateway/HttpFormConnector.h"
#include "tests/support/FakePaperlessServer.h"
#include "tests/support/GatewayFixtures.h"
#include "tests/support/TestSupport.h"

#include <boost/test/unit_test.hpp>
#include <random>

using namespace docdesk;
using namespace docdesk::gateway;
namespace fs = std::filesystem;

namespace {

using test::randomFile;

const std::string kToken = "0123456789abcdef-token";

GatewayConnection connectionTo(const test::FakePaperlessServer& server, const std::string& token = kToken) {
    GatewayConnection c;
    c.baseUrl = server.url();
    c.user = "ignored-user"; // paperless takes the token only; no Basic auth may be sent
    c.password = std::make_shared<const vault::Secret>(token);
    c.connectTimeout = std::chrono::seconds(5);
    c.lowSpeedTime = std::chrono::seconds(5);
    return c;
}

TaskPolling quickPolling() {
    TaskPolling p;
    p.firstDelay = std::chrono::milliseconds(10);
    p.maxDelay = std::chrono::milliseconds(50);
    p.maxPolls = 20;
    return p;
}

DocumentToDeliver documentFrom(const fs::path& file, const std::string& name) {
    return test::documentFrom(file, "", name);
}

std::span<const std::byte> bytesOf(const std::string& s) {
    return std::as_bytes(std::span(s));
}

} // namespace

BOOST_AUTO_TEST_CASE(md5_matches_the_rfc_1321_test_suite) {
    BOOST_TEST(md5Hex(bytesOf("")) == "d41d8cd98f00b204e9800998ecf8427e");
    BOOST_TEST(md5Hex(bytesOf("abc")) == "900150983cd24fb0d6963f7d28e17f72");
    BOOST_TEST(md5Hex(bytesOf("message digest")) == "f96b697d7cb7938d525a2f31aaf161d0");
    BOOST_TEST(
        md5Hex(bytesOf("12345678901234567890123456789012345678901234567890123456789012345678901234567890")) ==
        "57edf4a22be3c955ac49da2e2107b67a");
}

BOOST_AUTO_TEST_CASE(delivers_with_fields_waits_for_the_task_and_verifies_by_checksum) {
    test::FakePaperlessServer server(kToken);
    server.setPollsUntilDone(2);
    test::TempDir tmp;
    std::vector<std::string> trace;
    auto c = connectionTo(server);
    c.debugLog = [&](const std::string& line) { trace.push_back(line); };
    HttpFormConnector form(c, quickPolling());
    auto doc = documentFrom(randomFile(tmp.path(), "a.pdf", 200'000, 1), "Invoice 17.pdf");
    doc.title = "Invoice 17";
    doc.fields = {{"created", "2026-01-02"}, {"tags", "3, 7"},       {"asn", "42"},
                  {"correspondent", "5"},    {"document_type", "2"}, {"amount", "12.50"}};
    const auto d = form.deliver(doc, {}, {});
    BOOST_TEST(d.location == "documents/1");
    BOOST_TEST(d.bytes == doc.bytes);

    const auto docs = server.documents();
    BOOST_REQUIRE(docs.size() == 1u);
    BOOST_TEST(docs[0].sha256 == doc.sha256);
    BOOST_TEST(docs[0].title == "Invoice 17");
    BOOST_TEST(docs[0].created == "2026-01-02");
    BOOST_TEST(docs[0].tags == (std::vector<std::string>{"3", "7"}));
    BOOST_TEST(docs[0].asn == "42");
    BOOST_TEST(docs[0].correspondent == "5");
    BOOST_TEST(docs[0].documentType == "2");
    BOOST_TEST(docs[0].originalFileName == "Invoice 17.pdf");
    BOOST_TEST(server.http().countOf("GET", "/api/tasks/") == 3u); // STARTED twice, then SUCCESS

    // The token is sent as paperless wants it, never as Basic auth, and never logged.
    for (const auto& r : server.http().requests())
        BOOST_TEST(r.header("authorization") == "Token " + kToken);
    bool sawRedacted = false;
    for (const auto& line : trace) {
        BOOST_TEST(line.find(kToken) == std::string::npos, line);
        sawRedacted = sawRedacted || line.find("Authorization: [redacted]") != std::string::npos;
    }
    BOOST_TEST(sawRedacted);
    BOOST_TEST(redactHeaderLine("Authorization: Token abc") == "Authorization: [redacted]");

    // Delivering again finds the document by its MD5 and posts nothing.
    const auto again = form.deliver(doc, {}, {});
    BOOST_TEST(again.location == "documents/1");
    BOOST_TEST(server.postCount() == 1);
}

BOOST_AUTO_TEST_CASE(a_field_that_is_not_an_id_is_named_before_anything_is_sent) {
    test::FakePaperlessServer server(kToken);
    test::TempDir tmp;
    HttpFormConnector form(connectionTo(server), quickPolling());
    auto doc = documentFrom(randomFile(tmp.path(), "a.pdf", 1000, 2), "a.pdf");
    doc.fields = {{"tags", "3,invoices"}};
    try {
        form.deliver(doc, {}, {});
        BOOST_FAIL("a tag name instead of an id was sent");
    } catch (const GatewayRejected& e) {
        BOOST_TEST(std::string(e.what()).find("invoices") != std::string::npos, e.what());
        BOOST_TEST(!e.retryable());
    }
    BOOST_TEST(server.postCount() == 0);
}

BOOST_AUTO_TEST_CASE(a_wrong_token_is_refused_with_401_and_not_retried) {
    test::FakePaperlessServer server(kToken);
    test::TempDir tmp;
    HttpFormConnector form(connectionTo(server, "wrong"), quickPolling());
    const auto doc = documentFrom(randomFile(tmp.path(), "a.pdf", 1000, 3), "a.pdf");
    try {
        form.deliver(doc, {}, {});
        BOOST_FAIL("a wrong token was accepted");
    } catch (const GatewayRejected& e) {
        BOOST_TEST(e.status() == 401);
        BOOST_TEST(std::string(e.what()).find("token") != std::string::npos, e.what());
    }

    // Through the upload run: the user declines to type a new token; the item fails, the run
    // ends, and the server saw only a handful of requests.
    test::TempDir data;
    Outbox outbox(data.path());
    outbox.enqueue(randomFile(tmp.path(), "b.pdf", 1000, 4), NewOutboxItem{"gw", "", "b.pdf", "B", {}},
                   false);
    vault::Profile p;
    p.name = "gw";
    p.connector = vault::Connector::HttpForm;
    p.url = server.url();
    int asked = 0;
    const auto before = server.http().requestCount();
    const auto r = app::runGatewayUpload(outbox, p, vault::Secret(std::string("wrong")),
                                         [&](const std::string&) -> std::optional<vault::Secret> {
                                             ++asked;
                                             return std::nullopt;
                                         },
                                         {}, {});
    BOOST_TEST(!r.ok());
    BOOST_REQUIRE(r.items.size() == 1u);
    BOOST_TEST(!r.items[0].delivered);
    BOOST_TEST(asked == 1);
    BOOST_TEST(server.http().requestCount() - before <= 2u);
    BOOST_TEST(server.documents().empty());
}

BOOST_AUTO_TEST_CASE(a_lost_answer_after_the_document_was_stored_does_not_make_a_second_one) {
    test::FakePaperlessServer server(kToken);
    server.dropNextPostAnswers(1);
    test::TempDir tmp;
    HttpFormConnector form(connectionTo(server), quickPolling());
    const auto doc = documentFrom(randomFile(tmp.path(), "a.pdf", 300'000, 5), "a.pdf");
    BOOST_CHECK_THROW(form.deliver(doc, {}, {}), TransportError);
    BOOST_TEST(server.documents().size() == 1u); // stored, but the client never heard

    // The retry (a fresh connector, as after a crash) finds it by checksum.
    HttpFormConnector resumed(connectionTo(server), quickPolling());
    const auto d = resumed.deliver(doc, {}, {});
    BOOST_TEST(d.location == "documents/1");
    BOOST_TEST(server.documents().size() == 1u);
    BOOST_TEST(server.postCount() == 1);
}

BOOST_AUTO_TEST_CASE(a_task_refused_as_a_duplicate_of_our_own_copy_counts_as_delivered) {
    test::FakePaperlessServer server(kToken);
    test::TempDir tmp;
    const auto doc = documentFrom(randomFile(tmp.path(), "a.pdf", 8000, 9), "a.pdf");
    HttpFormConnector(connectionTo(server), quickPolling()).deliver(doc, {}, {});
    // The copy is not listed yet (still being consumed), so the retry posts; paperless refuses
    // the post as a duplicate, and the later lookup finds the copy.
    server.hideFromChecksumLookups(1);
    HttpFormConnector resumed(connectionTo(server), quickPolling());
    const auto d = resumed.deliver(doc, {}, {});
    BOOST_TEST(d.location == "documents/1");
    BOOST_TEST(server.postCount() == 2);
    BOOST_TEST(server.documents().size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_task_still_running_is_followed_on_the_retry_instead_of_posting_again) {
    test::FakePaperlessServer server(kToken);
    server.setPollsUntilDone(3);
    test::TempDir tmp;
    auto polling = quickPolling();
    polling.maxPolls = 2;
    HttpFormConnector form(connectionTo(server), polling);
    const auto doc = documentFrom(randomFile(tmp.path(), "a.pdf", 5000, 6), "a.pdf");
    try {
        form.deliver(doc, {}, {});
        BOOST_FAIL("a task still running was taken as done");
    } catch (const GatewayRejected& e) {
        BOOST_TEST(e.retryable(), e.what());
    }
    const auto d = form.deliver(doc, {}, {});
    BOOST_TEST(d.location == "documents/1");
    BOOST_TEST(server.postCount() == 1);
}

BOOST_AUTO_TEST_CASE(the_reason_of_a_failed_task_reaches_the_user) {
    test::FakePaperlessServer server(kToken);
    server.failNextTasks(1, "Unsupported mime type application/x-docdesk-test");
    test::TempDir tmp;
    HttpFormConnector form(connectionTo(server), quickPolling());
    const auto doc = documentFrom(randomFile(tmp.path(), "a.pdf", 5000, 7), "a.pdf");
    try {
        form.deliver(doc, {}, {});
        BOOST_FAIL("a failed task was taken as delivered");
    } catch (const GatewayRejected& e) {
        BOOST_TEST(std::string(e.what()).find("Unsupported mime type application/x-docdesk-test") !=
                       std::string::npos,
                   e.what());
        BOOST_TEST(!e.retryable());
    }
}

BOOST_AUTO_TEST_CASE(a_busy_server_is_retried_after_its_retry_after_through_the_upload_run) {
    test::FakePaperlessServer server(kToken);
    server.answerNextPosts(1, 503, "Retry-After: 1");
    test::TempDir tmp, data;
    Outbox outbox(data.path());
    for (int i = 1; i <= 3; ++i) {
        NewOutboxItem n{
            "gw", "", "doc" + std::to_string(i) + ".pdf", "Doc " + std::to_string(i), {{"tags", "1"}}};
        outbox.enqueue(randomFile(tmp.path(), n.fileName, 20'000 + size_t(i), unsigned(10 + i)), n, false);
    }
    vault::Profile p;
    p.name = "gw";
    p.connector = vault::Connector::HttpForm;
    p.url = server.url();
    app::UploadOptions o;
    o.retry.initialDelay = std::chrono::milliseconds(100);
    o.retry.maxAttempts = 3;
    o.parallel = 2;
    const auto started = std::chrono::steady_clock::now();
    const auto r = app::runGatewayUpload(outbox, p, vault::Secret(kToken), {}, {}, {}, o);
    BOOST_TEST(r.ok());
    for (const auto& i : r.items)
        BOOST_TEST(i.delivered, i.document << ": " << i.error);
    BOOST_TEST((std::chrono::steady_clock::now() - started >= std::chrono::milliseconds(900)));
    BOOST_TEST(server.postCount() == 4); // one 503, then each once
    BOOST_TEST(server.documents().size() == 3u);
    const auto ledger = outbox.ledger();
    BOOST_REQUIRE(ledger.size() == 3u);
    for (const auto& e : ledger)
        BOOST_TEST(e.location.starts_with("documents/"));
    BOOST_TEST(outbox.items().empty());
}

BOOST_AUTO_TEST_CASE(a_50_mb_document_is_streamed_and_arrives_byte_for_byte) {
    test::FakePaperlessServer server(kToken);
    test::TempDir tmp;
    HttpFormConnector form(connectionTo(server), quickPolling());
    const auto doc = documentFrom(randomFile(tmp.path(), "big.pdf", 50u * 1024 * 1024, 8), "big.pdf");
    std::uint64_t lastSent = 0, lastTotal = 0;
    int calls = 0;
    const auto d = form.deliver(doc, {}, [&](std::uint64_t sent, std::uint64_t total) {
        lastSent = sent;
        lastTotal = total;
        ++calls;
    });
    BOOST_TEST(d.bytes == doc.bytes);
    const auto docs = server.documents();
    BOOST_REQUIRE(docs.size() == 1u);
    BOOST_TEST(docs[0].sha256 == doc.sha256);
    BOOST_TEST(docs[0].bytes == doc.bytes);
    BOOST_TEST(calls > 1);
    BOOST_TEST(lastTotal == doc.bytes); // in the file's bytes, though the form body is larger
    BOOST_TEST(lastSent == lastTotal);
}
