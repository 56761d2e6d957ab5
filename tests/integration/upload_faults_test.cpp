// Network and server faults during an upload, injected by a proxy on loopback in front of a
// real Apache with mod_dav. After each: every document is on the server exactly once, or
// still in the outbox with its reason.
#define BOOST_TEST_MODULE upload_faults
#include "app/common/GatewayUpload.h"
#include "core/common/Sha256.h"
#include "tests/support/ApacheServer.h"
#include "tests/support/FaultProxy.h"

#include <boost/test/unit_test.hpp>
#include <random>

using namespace docdesk;
using namespace docdesk::gateway;
using test::Fault;
namespace fs = std::filesystem;

namespace {

struct Scenario {
    test::ApacheServer server;
    test::TempDir data, src;
    Outbox outbox{data.path()};
    std::vector<OutboxItem> items;

    explicit Scenario(int documents, size_t bytes = 300'000) {
        for (int i = 1; i <= documents; ++i) {
            std::mt19937 rng{unsigned(i)};
            std::string content(bytes + size_t(i), '\0');
            for (auto& c : content)
                c = char(rng());
            const auto name = "doc" + std::to_string(i) + ".pdf";
            test::writeFile(src / name, content);
            items.push_back(outbox.enqueue(src / name, NewOutboxItem{"gw", "In", name, "", {}}, false));
        }
    }

    app::UploadRunResult upload(const test::FaultProxy& proxy, app::PasswordProvider ask = {}) {
        vault::Profile p;
        p.name = "gw";
        p.url = proxy.url();
        p.user = server.options().user;
        app::UploadOptions o;
        o.parallel = 2;
        o.retry.initialDelay = std::chrono::milliseconds(100);
        o.retry.maxAttempts = 4;
        o.lowSpeedTime = std::chrono::seconds(2);
        return app::runGatewayUpload(outbox, p, vault::Secret(server.options().password), ask, {}, {}, o);
    }

    // Every document delivered exactly once, byte for byte, and nothing left in the outbox.
    void checkAllDeliveredOnce() {
        std::vector<std::string> expected;
        for (const auto& i : items)
            expected.push_back("In/" + i.fileName);
        std::sort(expected.begin(), expected.end());
        BOOST_TEST(server.storedFiles() == expected);
        for (const auto& i : items)
            BOOST_TEST(sha256HexOfFile(server.davRoot() / "In" / i.fileName) == i.sha256);
        BOOST_TEST(outbox.items().empty());
        BOOST_TEST(outbox.ledger().size() == items.size());
    }
};

bool isPut(const std::string& method) {
    return method == "PUT";
}

} // namespace

BOOST_AUTO_TEST_CASE(a_connection_dropped_mid_body_is_retried) {
    Scenario s(4);
    test::FaultProxy proxy(s.server.httpPort(), [](const std::string& m, const std::string&, int n) {
        return isPut(m) && n < 2 ? Fault::dropMidBody() : Fault::none();
    });
    const auto r = s.upload(proxy);
    BOOST_TEST(r.ok());
    BOOST_TEST(proxy.faultsInjected() == 2);
    s.checkAllDeliveredOnce();
}

BOOST_AUTO_TEST_CASE(a_server_that_hangs_after_the_headers_is_given_up_and_retried) {
    Scenario s(3);
    test::FaultProxy proxy(s.server.httpPort(), [](const std::string& m, const std::string&, int n) {
        return isPut(m) && n == 0 ? Fault::hangAfterHeaders() : Fault::none();
    });
    const auto started = std::chrono::steady_clock::now();
    const auto r = s.upload(proxy);
    BOOST_TEST(r.ok());
    BOOST_CHECK(std::chrono::steady_clock::now() - started <
                std::chrono::seconds(30)); // low-speed, not forever
    s.checkAllDeliveredOnce();
}

BOOST_AUTO_TEST_CASE(service_unavailable_with_retry_after_is_waited_out) {
    Scenario s(3);
    test::FaultProxy proxy(s.server.httpPort(), [](const std::string& m, const std::string&, int n) {
        return isPut(m) && n < 2 ? Fault::answer(503, "Retry-After: 1\r\n") : Fault::none();
    });
    const auto started = std::chrono::steady_clock::now();
    const auto r = s.upload(proxy);
    BOOST_TEST(r.ok());
    BOOST_CHECK(std::chrono::steady_clock::now() - started >= std::chrono::seconds(1));
    s.checkAllDeliveredOnce();
}

BOOST_AUTO_TEST_CASE(insufficient_storage_on_document_2_of_5_pauses_and_loses_nothing) {
    Scenario s(5);
    test::FaultProxy proxy(s.server.httpPort(), [](const std::string& m, const std::string& path, int) {
        return isPut(m) && path.ends_with("/doc2.pdf") ? Fault::answer(507) : Fault::none();
    });
    const auto r = s.upload(proxy);
    BOOST_TEST(r.paused);
    const auto stored = s.server.storedFiles();
    const auto left = s.outbox.items();
    // Every document is either on the server exactly once or still queued/paused with its file.
    BOOST_TEST(stored.size() + left.size() == 5u);
    for (const auto& i : left) {
        BOOST_CHECK(std::find(stored.begin(), stored.end(), "In/" + i.fileName) == stored.end());
        BOOST_TEST(fs::exists(i.file));
        if (i.fileName == "doc2.pdf") {
            BOOST_TEST(int(i.state) == int(OutboxState::Paused));
            BOOST_TEST(i.reason.find("507") != std::string::npos);
        }
    }
    BOOST_CHECK(std::find(stored.begin(), stored.end(), "In/doc1.pdf") != stored.end());
    BOOST_TEST(s.outbox.ledger().size() == stored.size());
}

BOOST_AUTO_TEST_CASE(unauthorised_after_3_of_10_asks_once_and_goes_on_with_the_rest) {
    Scenario s(10, 20'000);
    test::FaultProxy proxy(s.server.httpPort(), [](const std::string& m, const std::string&, int n) {
        return isPut(m) && n == 3 ? Fault::answer(401, "WWW-Authenticate: Basic realm=\"docdesk\"\r\n")
                                  : Fault::none();
    });
    int asked = 0;
    const auto r = s.upload(proxy, [&](const std::string&) -> std::optional<vault::Secret> {
        ++asked;
        return vault::Secret(s.server.options().password);
    });
    BOOST_TEST(r.ok());
    BOOST_TEST(asked == 1);
    s.checkAllDeliveredOnce();
}
