// The upload run SIGKILLed at random moments, 20 times, and resumed each time: at the end every
// document is on the server exactly once, byte for byte, the outbox is empty and the ledger
// has one entry per document.
#define BOOST_TEST_MODULE upload_kill
#include "app/common/GatewayUpload.h"
#include "core/common/Sha256.h"
#include "core/gateway/Outbox.h"
#include "tests/support/ApacheServer.h"
#include "tests/support/FaultProxy.h"

#include <boost/test/unit_test.hpp>
#include <csignal>
#include <random>
#include <set>
#include <thread>

using namespace docdesk;
namespace fs = std::filesystem;

BOOST_AUTO_TEST_CASE(killed_twenty_times_and_resumed_delivers_each_document_exactly_once) {
    test::ApacheServer::Options options;
    options.name = "apache-kill";
    test::ApacheServer server(options);
    // Loopback is so fast that a run would be over before most kills; the proxy slows each
    // transfer to a few MB/s so the kills land mid-body, between requests and mid-ledger.
    test::FaultProxy proxy(server.httpPort(),
                           [](const std::string&, const std::string&, int) { return test::Fault::none(); });
    proxy.throttle(4'000'000);
    test::TempDir data, src;
    std::vector<gateway::OutboxItem> items;
    {
        gateway::Outbox outbox(data.path());
        for (int i = 1; i <= 40; ++i) {
            std::mt19937 rng{unsigned(i)};
            std::string content(2'000'000 + size_t(i) * 1000, '\0');
            for (auto& c : content)
                c = char(rng());
            const auto name = "doc" + std::to_string(i) + ".pdf";
            test::writeFile(src / name, content);
            items.push_back(
                outbox.enqueue(src / name, gateway::NewOutboxItem{"gw", "Kill", name, "", {}}, false));
        }
    }
    const std::vector<std::string> argv{DOCDESK_UPLOAD_CHILD, data.path().string(), proxy.url(),
                                        server.options().user};
    const auto start = [&] {
        platform::ChildOptions o;
        o.pipeStdin = true;
        o.discardStdout = true;
        auto child = std::make_unique<platform::ChildProcess>(argv, o);
        child->writeStdin(server.options().password + "\n");
        child->closeStdin();
        return child;
    };
    std::mt19937 rng(std::random_device{}());
    std::uniform_int_distribution<int> delayMs(20, 350);
    int killedMidRun = 0;
    for (int k = 0; k < 20; ++k) {
        auto child = start();
        std::this_thread::sleep_for(std::chrono::milliseconds(delayMs(rng)));
        if (child->running())
            ++killedMidRun;
        child->signal(SIGKILL);
        child->wait();
    }
    BOOST_TEST_MESSAGE("killed mid-run " << killedMidRun << " of 20 times");
    BOOST_TEST(killedMidRun >= 10); // the kills landed while uploading, not after
    auto last = start();
    const auto status = last->waitFor(std::chrono::seconds(120));
    BOOST_REQUIRE(status.has_value());
    BOOST_TEST(status->success());

    gateway::Outbox outbox(data.path());
    BOOST_TEST(outbox.items().empty());
    const auto ledger = outbox.ledger();
    BOOST_TEST(ledger.size() == items.size());
    std::set<std::int64_t> delivered;
    for (const auto& e : ledger)
        delivered.insert(e.itemId);
    BOOST_TEST(delivered.size() == items.size());
    std::vector<std::string> expected;
    for (const auto& i : items) {
        expected.push_back("Kill/" + i.fileName);
        BOOST_TEST(sha256HexOfFile(server.davRoot() / "Kill" / i.fileName) == i.sha256);
    }
    std::sort(expected.begin(), expected.end());
    BOOST_TEST(server.storedFiles() == expected); // no "doc1 (2).pdf", no leftovers
    BOOST_TEST(fs::is_empty(outbox.folder()));
}

// Two upload runs from one outbox at once (the window's Upload while `docdesk-cli upload`
// runs): the second is refused and names the process that is uploading, opening the outbox
// meanwhile (the Outbox tab's refresh) leaves the items in flight alone, and the first run
// delivers every document exactly once.
BOOST_AUTO_TEST_CASE(a_second_upload_run_is_refused_while_one_is_running) {
    test::ApacheServer::Options options;
    options.name = "apache-second-run";
    test::ApacheServer server(options);
    test::FaultProxy proxy(server.httpPort(),
                           [](const std::string&, const std::string&, int) { return test::Fault::none(); });
    proxy.throttle(2'000'000); // 12 MB over 3 connections: about 2 s of uploading
    test::TempDir data, src;
    std::vector<gateway::OutboxItem> items;
    {
        gateway::Outbox outbox(data.path());
        for (int i = 1; i <= 6; ++i) {
            const auto name = "run" + std::to_string(i) + ".pdf";
            test::writeFile(src / name, std::string(2'000'000, char('a' + i)));
            items.push_back(
                outbox.enqueue(src / name, gateway::NewOutboxItem{"gw", "Runs", name, "", {}}, false));
        }
    }
    platform::ChildOptions o;
    o.pipeStdin = true;
    o.discardStdout = true;
    platform::ChildProcess first(
        {DOCDESK_UPLOAD_CHILD, data.path().string(), proxy.url(), server.options().user}, o);
    first.writeStdin(server.options().password + "\n");
    first.closeStdin();

    // Wait (bounded) until the first run is sending.
    bool sending = false;
    for (int i = 0; i < 200 && !sending; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
        for (const auto& item : app::openOutbox(data.path())->items())
            sending = sending || item.state == gateway::OutboxState::Uploading;
    }
    BOOST_REQUIRE(sending);
    // Opening the outbox while the run goes on does not put its items back in the queue.
    size_t inFlight = 0;
    for (const auto& item : app::openOutbox(data.path())->items())
        inFlight +=
            item.state == gateway::OutboxState::Uploading || item.state == gateway::OutboxState::Verifying;
    BOOST_TEST(inFlight >= 1u);

    vault::Profile profile;
    profile.name = "gw";
    profile.url = proxy.url();
    profile.user = server.options().user;
    auto outbox = app::openOutbox(data.path());
    try {
        app::runGatewayUpload(*outbox, profile, vault::Secret(server.options().password), {}, {}, {});
        BOOST_ERROR("a second upload run started while the first was running");
    } catch (const app::UploadInProgress& e) {
        const std::string message = e.what();
        BOOST_TEST(message.find("process " + std::to_string(first.pid())) != std::string::npos, message);
    }

    const auto status = first.waitFor(std::chrono::seconds(120));
    BOOST_REQUIRE(status.has_value());
    BOOST_TEST(status->success());
    BOOST_TEST(outbox->items().empty());
    BOOST_TEST(outbox->ledger().size() == items.size());
    std::vector<std::string> expected;
    for (const auto& i : items)
        expected.push_back("Runs/" + i.fileName);
    std::sort(expected.begin(), expected.end());
    BOOST_TEST(server.storedFiles() == expected);
    // With the first run over, the lock is free again: a new run starts (nothing left to send).
    const auto again =
        app::runGatewayUpload(*outbox, profile, vault::Secret(server.options().password), {}, {}, {});
    BOOST_TEST(again.items.empty());
}
