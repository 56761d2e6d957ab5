// The WebDAV connector and its libcurl transport against a real Apache httpd with mod_dav on
// loopback (HTTP, and HTTPS with a self-signed certificate the connection trusts explicitly).
#define BOOST_TEST_MODULE gateway_webdav
#include "core/common/Sha256.h"
#include "core/gateway/RetryPolicy.h"
#include "core/gateway/WebDavConnector.h"
#include "tests/support/ApacheServer.h"
#include "tests/support/GatewayFixtures.h"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <fstream>
#include <random>

using namespace docdesk;
using namespace docdesk::gateway;
namespace fs = std::filesystem;

namespace {

using test::documentFrom;
using test::writeRandomFile;

GatewayConnection connectionTo(const test::ApacheServer& server, bool https) {
    GatewayConnection c;
    c.baseUrl = https ? server.httpsUrl() : server.httpUrl();
    c.user = server.options().user;
    c.password = std::make_shared<const vault::Secret>(server.options().password);
    if (https)
        c.caBundle = server.certificate().string();
    c.connectTimeout = std::chrono::seconds(5);
    c.lowSpeedTime = std::chrono::seconds(5);
    return c;
}

} // namespace

BOOST_AUTO_TEST_CASE(uploads_verifies_and_stores_fields_over_http_and_https) {
    test::ApacheServer server;
    test::TempDir tmp;
    writeRandomFile(tmp / "a.pdf", 300'000, 1);
    for (const bool https : {false, true}) {
        std::vector<std::string> trace;
        auto c = connectionTo(server, https);
        c.debugLog = [&](const std::string& line) { trace.push_back(line); };
        WebDavConnector dav(c);
        auto doc = documentFrom(tmp / "a.pdf", https ? "Invoices/2026 Q1" : "Plain", "Invoice 17 & co.pdf");
        doc.title = "Invoice 17";
        doc.fields = {{"amount", "12.50 <EUR>"}, {"date", "2026-01-02"}};
        const auto d = dav.deliver(doc, {}, {});
        BOOST_TEST(d.bytes == doc.bytes);
        BOOST_TEST(!d.etag.empty());
        const fs::path stored =
            server.davRoot() / (https ? "Invoices/2026 Q1" : "Plain") / "Invoice 17 & co.pdf";
        BOOST_REQUIRE(fs::exists(stored));
        BOOST_TEST(sha256HexOfFile(stored) == doc.sha256);

        const auto fields = dav.fieldsOf(d.location, {});
        BOOST_TEST(fields.at("sha256") == doc.sha256);
        BOOST_TEST(fields.at("field.amount") == "12.50 <EUR>");
        BOOST_TEST(fields.at("title") == "Invoice 17");

        const auto entries = dav.listFolder(https ? "Invoices/2026 Q1" : "Plain", {});
        BOOST_REQUIRE(entries.size() == 1u);
        BOOST_TEST(entries[0].name == "Invoice 17 & co.pdf");
        BOOST_TEST(entries[0].bytes == doc.bytes);
        BOOST_TEST(!entries[0].isFolder);

        // The password never reaches the trace.
        bool sawAuthorization = false;
        for (const auto& line : trace) {
            BOOST_TEST(line.find(server.options().password) == std::string::npos);
            BOOST_TEST(line.find("YWxpY2") == std::string::npos, line); // base64 of "alice:"
            std::string lowerLine = line;
            std::transform(lowerLine.begin(), lowerLine.end(), lowerLine.begin(),
                           [](unsigned char ch) { return char(std::tolower(ch)); });
            if (lowerLine.starts_with("> authorization:")) {
                sawAuthorization = true;
                BOOST_TEST(lowerLine == "> authorization: [redacted]");
            }
        }
        BOOST_TEST(sawAuthorization);
    }
    BOOST_TEST(server.storedFiles() == (std::vector<std::string>{"Invoices/2026 Q1/Invoice 17 & co.pdf",
                                                                 "Plain/Invoice 17 & co.pdf"}));
    // Streaming PUT with If-None-Match: the server logged the body size.
    BOOST_TEST(server.accessLog().find("PUT /dav/Plain/Invoice%2017%20%26%20co.pdf HTTP/1.1\" 201") !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_repeated_delivery_finds_its_copy_and_never_overwrites_another) {
    test::ApacheServer server;
    test::TempDir tmp;
    writeRandomFile(tmp / "mine.pdf", 50'000, 2);
    writeRandomFile(tmp / "other.pdf", 50'000, 3);
    WebDavConnector dav(connectionTo(server, false));
    const auto mine = documentFrom(tmp / "mine.pdf", "", "scan.pdf");
    const auto first = dav.deliver(mine, {}, {});
    const auto again = dav.deliver(mine, {}, {}); // e.g. resumed after a crash before the ledger
    BOOST_TEST(first.location == again.location);
    const auto other = documentFrom(tmp / "other.pdf", "", "scan.pdf");
    const auto second = dav.deliver(other, {}, {});
    BOOST_TEST(second.location == server.httpUrl() + "scan%20%282%29.pdf");
    BOOST_TEST(server.storedFiles() == (std::vector<std::string>{"scan (2).pdf", "scan.pdf"}));
    BOOST_TEST(sha256HexOfFile(server.davRoot() / "scan.pdf") == mine.sha256);
    BOOST_TEST(sha256HexOfFile(server.davRoot() / "scan (2).pdf") == other.sha256);
}

BOOST_AUTO_TEST_CASE(tls_failures_fail_closed_before_any_request) {
    test::ApacheServer server;
    test::TempDir tmp;
    writeRandomFile(tmp / "a.pdf", 10'000, 4);
    const auto doc = documentFrom(tmp / "a.pdf", "", "a.pdf");

    auto pinned = connectionTo(server, true);
    pinned.pinnedPublicKey = server.publicKeyPin();
    BOOST_CHECK_NO_THROW(
        WebDavConnector(pinned).deliver(documentFrom(tmp / "a.pdf", "", "pinned.pdf"), {}, {}));

    auto wrongPin = connectionTo(server, true);
    wrongPin.pinnedPublicKey = "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    auto untrusted = connectionTo(server, true);
    untrusted.caBundle.clear(); // only the system's CAs, which never signed the test certificate
    auto wrongHost = connectionTo(server, true);
    wrongHost.baseUrl = "https://localhost:" + std::to_string(server.httpsPort()) + "/dav/";
    for (auto* c : {&wrongPin, &untrusted, &wrongHost}) {
        try {
            WebDavConnector(*c).deliver(doc, {}, {});
            BOOST_FAIL("delivered despite a TLS failure: " + c->baseUrl);
        } catch (const TransportError& e) {
            BOOST_TEST(!e.retryable(), e.what());
        }
    }
    BOOST_TEST(server.storedFiles() == std::vector<std::string>{"pinned.pdf"});
    // Only the pinned connection's requests reached the HTTP layer.
    const auto log = server.accessLog();
    BOOST_TEST(log.find("a.pdf") == std::string::npos, log);
}

BOOST_AUTO_TEST_CASE(statuses_become_typed_errors) {
    test::ApacheServer::Options o;
    o.extraConfig = "Redirect 507 /dav/full.pdf\n"
                    "<Location /dav/busy.pdf>\n  Header always set Retry-After 7\n</Location>\n"
                    "Redirect 503 /dav/busy.pdf\n"
                    "Redirect 302 /dav/moved.pdf http://127.0.0.1:9/elsewhere\n";
    test::ApacheServer server(o);
    test::TempDir tmp;
    writeRandomFile(tmp / "a.pdf", 10'000, 5);
    auto wrongPassword = connectionTo(server, false);
    wrongPassword.password = std::make_shared<const vault::Secret>("nope");
    const auto statusOf = [&](const GatewayConnection& c, const std::string& name) -> long {
        try {
            WebDavConnector(c).deliver(documentFrom(tmp / "a.pdf", "", name), {}, {});
        } catch (const GatewayRejected& e) {
            return e.status();
        }
        return 0;
    };
    BOOST_TEST(statusOf(wrongPassword, "a.pdf") == 401);
    BOOST_TEST(statusOf(connectionTo(server, false), "full.pdf") == 507);
    BOOST_TEST(statusOf(connectionTo(server, false), "moved.pdf") == 302); // never followed
    try {
        WebDavConnector(connectionTo(server, false))
            .deliver(documentFrom(tmp / "a.pdf", "", "busy.pdf"), {}, {});
        BOOST_FAIL("no 503");
    } catch (const GatewayRejected& e) {
        BOOST_TEST(e.status() == 503);
        BOOST_TEST(e.retryable());
        BOOST_REQUIRE(e.retryAfter().has_value());
        BOOST_TEST(e.retryAfter()->count() == 7);
    }
    BOOST_TEST(server.storedFiles().empty());
}

BOOST_AUTO_TEST_CASE(redaction_retry_after_and_backoff) {
    BOOST_TEST(redactHeaderLine("Authorization: Basic YWxpY2U6cw==") == "Authorization: [redacted]");
    BOOST_TEST(redactHeaderLine("set-cookie: session=abc; HttpOnly") == "set-cookie: [redacted]");
    BOOST_TEST(redactHeaderLine("X-Auth-Token: abc") == "X-Auth-Token: [redacted]");
    BOOST_TEST(redactHeaderLine("Content-Length: 12") == "Content-Length: 12");
    BOOST_TEST(parseRetryAfter(" 120 ")->count() == 120);
    BOOST_TEST(parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT")->count() == 0); // in the past
    BOOST_TEST(!parseRetryAfter("soon").has_value());
    RetryPolicy p;
    std::mt19937 rng(1);
    for (int retry = 1; retry <= 10; ++retry) {
        const auto d = backoffDelay(p, retry, std::nullopt, rng);
        const auto full =
            std::min<std::chrono::milliseconds>(p.initialDelay * (1 << (retry - 1)), p.maxDelay);
        BOOST_TEST(d.count() >= full.count() / 2);
        BOOST_TEST(d.count() <= full.count());
    }
    BOOST_TEST(backoffDelay(p, 1, std::chrono::seconds(9), rng).count() == 9000);
    BOOST_TEST(backoffDelay(p, 1, std::chrono::seconds(9999), rng).count() == 300'000); // capped
}

// trust (issue 18): a GS1 barcode's group separator (0x1D) and other control characters in a
// field do not make the PROPPATCH body invalid XML after the PUT succeeded; they are stored
// as their control pictures and read back as they were.
BOOST_AUTO_TEST_CASE(control_characters_in_fields_keep_the_proppatch_valid) {
    test::ApacheServer server;
    test::TempDir tmp;
    writeRandomFile(tmp / "gs1.pdf", 20'000, 7);
    WebDavConnector dav(connectionTo(server, false));
    auto doc = documentFrom(tmp / "gs1.pdf", "Plain", "gs1.pdf");
    const std::string gs1 = std::string("0104012345678901") + '\x1d' + "10ABC123" + '\x1d' + "17270630";
    doc.fields = {{"gs1", gs1}, {"odd", std::string("a\x01b\x1f\tc")}};
    const auto d = dav.deliver(doc, {}, {});
    const auto fields = dav.fieldsOf(d.location, {});
    BOOST_TEST(fields.at("field.gs1") == gs1);
    BOOST_TEST(fields.at("field.odd") == std::string("a\x01b\x1f\tc"));
    BOOST_TEST(server.accessLog().find("PROPPATCH /dav/Plain/gs1.pdf HTTP/1.1\" 207") != std::string::npos,
               server.accessLog());
}
