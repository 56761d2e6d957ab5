// The upload run the GUI and docdesk-cli share (app/common/GatewayUpload) with the persistent
// outbox and ledger, against a real Apache httpd with mod_dav; and the CLI's side of it:
// `file --profile` into the outbox (no network) and `ledger`.
#define BOOST_TEST_MODULE upload_run
#include "app/common/GatewayUpload.h"
#include "core/common/Sha256.h"
#include "tests/support/ApacheServer.h"
#include "tests/support/FaultProxy.h"
#include "tests/support/GatewayFixtures.h"

#include <boost/test/unit_test.hpp>
#include <random>

using namespace docdesk;
using namespace docdesk::gateway;
namespace fs = std::filesystem;

namespace {

using test::randomFile;

vault::Profile profileFor(const test::ApacheServer& server, bool https, const std::string& name = "gw") {
    vault::Profile p;
    p.name = name;
    p.connector = vault::Connector::WebDav;
    p.url = https ? server.httpsUrl() : server.httpUrl();
    p.user = server.options().user;
    if (https) {
        p.caBundle = server.certificate().string();
        p.pinnedPublicKey = server.publicKeyPin();
    }
    return p;
}

vault::Secret passwordOf(const test::ApacheServer& server) {
    return vault::Secret(server.options().password);
}

// `count` documents doc1.pdf... queued for profile "gw".
std::vector<OutboxItem> queueDocuments(Outbox& outbox, const fs::path& dir, int count,
                                       size_t bytes = 40'000) {
    std::vector<OutboxItem> out;
    for (int i = 1; i <= count; ++i) {
        NewOutboxItem n;
        n.profile = "gw";
        n.remoteFolder = "In";
        n.fileName = "doc" + std::to_string(i) + ".pdf";
        n.fields = {{"number", std::to_string(i)}};
        out.push_back(outbox.enqueue(randomFile(dir, n.fileName, bytes + size_t(i), unsigned(i)), n, false));
    }
    return out;
}

app::UploadOptions quickOptions() {
    app::UploadOptions o;
    o.retry.initialDelay = std::chrono::milliseconds(100);
    o.retry.maxAttempts = 3;
    o.lowSpeedTime = std::chrono::seconds(3);
    return o;
}

} // namespace

BOOST_AUTO_TEST_CASE(the_outbox_is_delivered_verified_and_recorded_over_https) {
    test::ApacheServer server;
    test::TempDir data, src;
    Outbox outbox(data.path());
    auto items = queueDocuments(outbox, src.path(), 5);
    NewOutboxItem big{"gw", "In/Big", "big.pdf", "A big one", {}};
    items.push_back(outbox.enqueue(randomFile(src.path(), "big.pdf", 6'000'000, 99), big, true));
    BOOST_TEST(!fs::exists(src / "big.pdf")); // moved in
    BOOST_TEST(outbox.items("gw").size() == 6u);

    std::vector<app::UploadProgress> progress;
    std::mutex m;
    auto options = quickOptions();
    options.parallel = 3;
    const auto r = app::runGatewayUpload(
        outbox, profileFor(server, true), passwordOf(server), {},
        [&](const app::UploadProgress& p) {
            std::lock_guard l(m);
            progress.push_back(p);
        },
        {}, options);
    BOOST_TEST(r.ok());
    for (const auto& i : r.items)
        BOOST_TEST(i.delivered, i.document << ": " << i.error);
    BOOST_TEST(r.items.size() == 6u);
    BOOST_TEST(outbox.items().empty());
    BOOST_TEST(fs::is_empty(outbox.folder())); // local copies removed after verified delivery
    const auto ledger = outbox.ledger();
    BOOST_REQUIRE(ledger.size() == 6u);
    for (const auto& item : items) {
        const auto e =
            std::find_if(ledger.begin(), ledger.end(), [&](auto& l) { return l.itemId == item.id; });
        BOOST_REQUIRE(e != ledger.end());
        BOOST_TEST(e->sha256 == item.sha256);
        BOOST_TEST(e->bytes == item.bytes);
        BOOST_TEST(e->location.starts_with(server.httpsUrl()));
        BOOST_TEST(!e->deliveredAt.empty());
        const fs::path stored = server.davRoot() / item.remoteFolder / item.fileName;
        BOOST_TEST(sha256HexOfFile(stored) == item.sha256);
    }
    BOOST_TEST(server.storedFiles().size() == 6u);
    BOOST_REQUIRE(!progress.empty());
    BOOST_TEST(progress.back().totalBytes == progress.back().totalSent);
    BOOST_TEST(progress.back().itemsTotal == 6u);
    for (size_t i = 1; i < progress.size(); ++i)
        BOOST_TEST(progress[i].totalBytes == progress[0].totalBytes);
}

BOOST_AUTO_TEST_CASE(a_full_server_pauses_the_batch_and_a_busy_one_is_retried_after_its_retry_after) {
    test::ApacheServer::Options o;
    o.name = "apache-faults";
    o.extraConfig = "Redirect 507 /dav/In/doc2.pdf\n"
                    "<Location /dav/In/doc4.pdf>\n  Header always set Retry-After 1\n</Location>\n"
                    "Redirect 503 /dav/In/doc4.pdf\n";
    test::ApacheServer server(o);
    test::TempDir data, src;
    Outbox outbox(data.path());
    const auto items = queueDocuments(outbox, src.path(), 5);
    auto options = quickOptions();
    options.parallel = 1;

    // 507 on document 2 of 5: document 1 arrives, 2 is paused with the reason, 3–5 wait.
    auto r =
        app::runGatewayUpload(outbox, profileFor(server, false), passwordOf(server), {}, {}, {}, options);
    BOOST_TEST(r.paused);
    BOOST_TEST(!r.ok());
    BOOST_TEST(server.storedFiles() == std::vector<std::string>{"In/doc1.pdf"});
    auto left = outbox.items("gw");
    BOOST_REQUIRE(left.size() == 4u);
    BOOST_TEST(left[0].fileName == "doc2.pdf");
    BOOST_TEST(int(left[0].state) == int(OutboxState::Paused));
    BOOST_TEST(left[0].reason.find("507") != std::string::npos, left[0].reason);
    for (size_t i = 1; i < left.size(); ++i) {
        BOOST_TEST(int(left[i].state) == int(OutboxState::Queued));
        BOOST_TEST(fs::exists(left[i].file));
    }

    // The rest: 503 + Retry-After on document 4 is retried (waiting at least Retry-After each
    // time), then left in the outbox as failed with the reason; 3 and 5 arrive.
    options.itemIds = {items[2].id, items[3].id, items[4].id};
    const auto started = std::chrono::steady_clock::now();
    r = app::runGatewayUpload(outbox, profileFor(server, false), passwordOf(server), {}, {}, {}, options);
    const auto elapsed = std::chrono::steady_clock::now() - started;
    BOOST_TEST(!r.paused);
    BOOST_TEST(elapsed >= std::chrono::seconds(2)); // two waits of Retry-After: 1
    BOOST_TEST(server.storedFiles() ==
               (std::vector<std::string>{"In/doc1.pdf", "In/doc3.pdf", "In/doc5.pdf"}));
    left = outbox.items("gw");
    BOOST_REQUIRE(left.size() == 2u);
    BOOST_TEST(left[1].fileName == "doc4.pdf");
    BOOST_TEST(int(left[1].state) == int(OutboxState::Failed));
    BOOST_TEST(left[1].attempts == 3);
    BOOST_TEST(left[1].reason.find("503") != std::string::npos, left[1].reason);
    BOOST_TEST(outbox.ledger().size() == 3u);
}

BOOST_AUTO_TEST_CASE(a_refused_password_is_asked_for_again_and_the_rest_goes_on) {
    test::ApacheServer server;
    test::TempDir data, src;
    Outbox outbox(data.path());
    queueDocuments(outbox, src.path(), 6);
    std::atomic<int> asked = 0;
    auto options = quickOptions();
    options.parallel = 3;
    const auto r = app::runGatewayUpload(
        outbox, profileFor(server, true), vault::Secret("wrong"),
        [&](const std::string& why) -> std::optional<vault::Secret> {
            ++asked;
            BOOST_TEST(why.find("did not accept") != std::string::npos);
            return passwordOf(server);
        },
        {}, {}, options);
    BOOST_TEST(r.ok());
    for (const auto& i : r.items)
        BOOST_TEST(i.delivered, i.document << ": " << i.error);
    BOOST_TEST(asked == 1); // once for the batch, not per document
    BOOST_TEST(server.storedFiles().size() == 6u);

    // Declining leaves everything in the outbox, with the reason.
    NewOutboxItem n{"gw", "", "late.pdf", "", {}};
    outbox.enqueue(randomFile(src.path(), "late.pdf", 1000, 7), n, false);
    const auto declined = app::runGatewayUpload(
        outbox, profileFor(server, true), vault::Secret("wrong"),
        [](const std::string&) -> std::optional<vault::Secret> { return std::nullopt; }, {}, {}, options);
    BOOST_TEST(!declined.ok());
    const auto left = outbox.items("gw");
    BOOST_REQUIRE(left.size() == 1u);
    BOOST_TEST(left[0].reason.find("401") != std::string::npos, left[0].reason);
    BOOST_TEST(fs::exists(left[0].file));
}

BOOST_AUTO_TEST_CASE(cancelling_puts_the_document_back_and_a_later_run_delivers_it_once) {
    test::ApacheServer server;
    // Loopback would finish 30 MB before the stop is seen: the proxy slows the body to 4 MB/s,
    // so the stop always lands mid-transfer.
    test::FaultProxy proxy(server.httpPort(),
                           [](const std::string&, const std::string&, int) { return test::Fault::none(); });
    proxy.throttle(4'000'000);
    vault::Profile slow = profileFor(server, false);
    slow.url = proxy.url();
    test::TempDir data, src;
    Outbox outbox(data.path());
    NewOutboxItem n{"gw", "", "large.pdf", "", {}};
    const auto item = outbox.enqueue(randomFile(src.path(), "large.pdf", 30'000'000, 11), n, false);
    std::stop_source stop;
    auto options = quickOptions();
    const auto r = app::runGatewayUpload(
        outbox, slow, passwordOf(server), {},
        [&](const app::UploadProgress& p) {
            if (p.itemSent > 0)
                stop.request_stop();
        },
        stop.get_token(), options);
    BOOST_TEST(r.cancelled);
    const auto left = outbox.item(item.id);
    BOOST_REQUIRE(left.has_value());
    BOOST_TEST(int(left->state) == int(OutboxState::Queued));
    BOOST_TEST(outbox.ledger().empty());

    const auto again =
        app::runGatewayUpload(outbox, profileFor(server, false), passwordOf(server), {}, {}, {}, options);
    BOOST_TEST(again.ok());
    const auto stored = server.storedFiles();
    BOOST_TEST(
        stored == std::vector<std::string>{"large.pdf"}, "on the server: " << [&] {
            std::string all;
            for (const auto& f : stored)
                all += f + " ";
            return all;
        }());
    BOOST_TEST(sha256HexOfFile(server.davRoot() / "large.pdf") == item.sha256);
}

BOOST_AUTO_TEST_CASE(cli_files_into_the_outbox_and_lists_the_ledger) {
    test::ApacheServer server;
    test::TempDir home;
    const fs::path in = home / "in";
    fs::create_directories(in);
    test::writeBatchPage(in / "01.jpg", 1, "ASN000042");
    test::writeBatchPage(in / "02.jpg", 2);
    test::writeFile(in / "03-notes.txt", "filed as it is\n");
    const auto filed = test::runCli(
        home.path(), {"file", "--json", "--profile", "gw", "--name", "{field:asn|no-asn}", in.string()});
    BOOST_TEST(filed.status.code == 0, filed.out);
    BOOST_TEST(test::jsonLines(filed.out).size() == 2u);

    Outbox outbox(home / "data" / "docdesk");
    const auto items = outbox.items("gw");
    BOOST_REQUIRE(items.size() == 2u);
    BOOST_TEST(items[0].fileName == "42.pdf");
    BOOST_TEST(items[0].fields.at("asn") == "42");
    BOOST_TEST(items[1].fileName == "03-notes.txt");
    BOOST_TEST(sha256HexOfFile(items[1].file) == sha256HexOfFile(in / "03-notes.txt"));
    BOOST_TEST(!fs::exists(home / "data" / "docdesk" / "outbox-staging" / "x")); // staging cleaned
    BOOST_TEST(test::runCli(home.path(), {"ledger", "--json"}).out.empty());

    const auto listed = test::jsonLines(test::runCli(home.path(), {"upload", "--list", "--json"}).out);
    BOOST_REQUIRE(listed.size() == 2u);
    BOOST_TEST(listed[0]["status"] == "queued");

    const auto r = app::runGatewayUpload(outbox, profileFor(server, false), passwordOf(server), {}, {}, {});
    BOOST_TEST(r.ok());
    auto ledger = test::jsonLines(test::runCli(home.path(), {"ledger", "--json"}).out);
    BOOST_REQUIRE(ledger.size() == 2u);
    // Parallel transfers finish in any order; the ledger lists them as they finished.
    std::sort(ledger.begin(), ledger.end(), [](auto& x, auto& y) { return x["document"] > y["document"]; });
    BOOST_TEST(ledger[0]["document"] == "42.pdf");
    BOOST_TEST(ledger[0]["sha256"] == items[0].sha256);
    BOOST_TEST(ledger[1]["location"] == server.httpUrl() + "03-notes.txt");
    BOOST_TEST(server.storedFiles() == (std::vector<std::string>{"03-notes.txt", "42.pdf"}));
}

BOOST_AUTO_TEST_CASE(the_outbox_survives_interruptions_and_cleans_up_after_a_crash) {
    test::TempDir data, src;
    OutboxItem delivered, interrupted;
    {
        Outbox outbox(data.path());
        const auto items = queueDocuments(outbox, src.path(), 3);
        outbox.setState(items[0].id, OutboxState::Uploading);
        outbox.setState(items[1].id, OutboxState::Verifying);
        outbox.setState(items[2].id, OutboxState::Failed, "because");
        interrupted = items[0];
        delivered = items[2];
        // Unreadable input is refused and queues nothing.
        BOOST_CHECK_THROW(
            outbox.enqueue(src / "missing.pdf", NewOutboxItem{"gw", "", "m.pdf", "", {}}, false),
            std::exception);
        BOOST_TEST(outbox.items().size() == 3u);
        outbox.recordDelivery(delivered.id, Delivery{"http://x/doc3.pdf", "\"e\"", delivered.bytes});
        BOOST_TEST(!fs::exists(delivered.file));
        // As if the process died between the ledger commit and removing the file.
        test::writeFile(delivered.file, "left behind");
    }
    const auto reopened = app::openOutbox(data.path()); // what the next start does
    const auto items = reopened->items("gw");
    BOOST_REQUIRE(items.size() == 2u);
    BOOST_TEST(int(items[0].state) == int(OutboxState::Queued)); // was uploading when "killed"
    BOOST_TEST(int(items[1].state) == int(OutboxState::Queued)); // was verifying
    BOOST_TEST(fs::exists(items[0].file));
    BOOST_TEST(!fs::exists(delivered.file)); // the delivered item's leftover is gone
    BOOST_TEST(reopened->ledger().size() == 1u);
    BOOST_TEST(reopened->items("other").empty());
}
