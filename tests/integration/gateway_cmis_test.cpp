// The CMIS Browser Binding connector against FakeCmisServer on loopback: folders created by
// path, properties and secondary types, children read over several pages, Basic auth refused,
// repeat safety after a lost answer, Retry-After, a 50 MB document streamed from disk, and the
// user's path through the outbox and runGatewayUpload.
#define BOOST_TEST_MODULE gateway_cmis
#include "app/common/GatewayUpload.h"
#include "core/common/Sha256.h"
#include "core/gateway/CmisConnector.h"
#include "tests/support/FakeCmisServer.h"
#include "tests/support/GatewayFixtures.h"
#include "tests/support/TestSupport.h"

#include <boost/test/unit_test.hpp>
#include <random>

using namespace docdesk;
using namespace docdesk::gateway;
namespace fs = std::filesystem;

namespace {

using test::documentFrom;
using test::randomFile;
using test::sha256Of;

GatewayConnection connectionTo(const test::FakeCmisServer& server, const std::string& password = "pa55word") {
    GatewayConnection c;
    c.baseUrl = server.url();
    c.user = "alice";
    c.password = std::make_shared<const vault::Secret>(password);
    c.connectTimeout = std::chrono::seconds(5);
    c.lowSpeedTime = std::chrono::seconds(5);
    return c;
}

vault::Profile profileFor(const test::FakeCmisServer& server) {
    vault::Profile p;
    p.name = "gw";
    p.connector = vault::Connector::Cmis;
    p.url = server.url();
    p.user = "alice";
    return p;
}

} // namespace

BOOST_AUTO_TEST_CASE(creates_the_folders_and_a_document_with_properties_and_verifies_its_length) {
    test::FakeCmisServer server;
    test::TempDir tmp;
    CmisConnector cmis(connectionTo(server));
    auto doc =
        documentFrom(randomFile(tmp.path(), "a.pdf", 300'000, 1), "Invoices/2026 Q1", "Invoice 17 & co.pdf");
    doc.title = "Invoice 17";
    doc.fields = {
        {"cmis:secondaryObjectTypeIds", "P:cm:titled"}, {"cm:title", "Invoice 17"}, {"amount", "12.50"}};
    const auto d = cmis.deliver(doc, {}, {});
    BOOST_TEST(d.bytes == doc.bytes);

    const auto stored = server.objectAt("Invoices/2026 Q1/Invoice 17 & co.pdf");
    BOOST_REQUIRE(stored.has_value());
    BOOST_TEST(d.location == stored->id);
    BOOST_TEST(sha256Of(stored->content) == doc.sha256);
    BOOST_TEST(stored->description.find(cmisContentMarker(doc.sha256)) != std::string::npos);
    BOOST_TEST(stored->properties.at("cm:title") == "Invoice 17");
    BOOST_TEST(stored->secondaryTypes == (std::vector<std::string>{"P:cm:titled"}));
    BOOST_TEST(!stored->properties.contains("amount")); // a field without a namespace is not a property
    BOOST_TEST(server.objectAt("Invoices")->isFolder);

    // Again: the earlier copy is found, nothing new is created.
    const auto again = cmis.deliver(doc, {}, {});
    BOOST_TEST(again.location == d.location);
    BOOST_TEST(server.createDocumentCount() == 1);
    BOOST_TEST(server.documents().size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_property_no_type_defines_is_refused_with_the_servers_reason) {
    test::FakeCmisServer server;
    test::TempDir tmp;
    CmisConnector cmis(connectionTo(server));
    auto doc = documentFrom(randomFile(tmp.path(), "a.pdf", 1000, 2), "", "a.pdf");
    doc.fields = {{"cm:title", "no aspect"}};
    try {
        cmis.deliver(doc, {}, {});
        BOOST_FAIL("an undefined property was accepted");
    } catch (const GatewayRejected& e) {
        BOOST_TEST(e.status() == 400);
        BOOST_TEST(std::string(e.what()).find("cm:title is not defined") != std::string::npos, e.what());
    }
}

BOOST_AUTO_TEST_CASE(children_are_read_over_several_pages_and_a_taken_name_moves_on) {
    test::FakeCmisServer server;
    server.addFolder("", "Many");
    for (int i = 0; i < 7; ++i)
        server.addDocument("Many", "a" + std::to_string(i) + ".pdf", "colleague " + std::to_string(i));
    server.addDocument("Many", "doc.pdf", "someone else's doc.pdf");
    test::TempDir tmp;
    CmisConnector cmis(connectionTo(server), 3); // 8 children: pages of 3, 3, 2
    const auto doc = documentFrom(randomFile(tmp.path(), "doc.pdf", 4000, 3), "Many", "doc.pdf");
    cmis.deliver(doc, {}, {});
    const auto ours = server.objectAt("Many/doc (2).pdf");
    BOOST_REQUIRE(ours.has_value());
    BOOST_TEST(sha256Of(ours->content) == doc.sha256);
    BOOST_TEST(server.objectAt("Many/doc.pdf")->content == "someone else's doc.pdf");

    std::vector<std::string> skips;
    for (const auto& r : server.http().requests())
        if (r.queryValue("cmisselector") == "children") {
            BOOST_TEST(r.queryValue("maxItems") == "3");
            skips.push_back(r.queryValue("skipCount"));
        }
    BOOST_TEST(skips == (std::vector<std::string>{"0", "3", "6"}));
    BOOST_TEST(cmis.children("Many", {}).size() == 9u);

    // Our copy sits on the last page now; a repeat finds it there.
    CmisConnector resumed(connectionTo(server), 3);
    const auto d = resumed.deliver(doc, {}, {});
    BOOST_TEST(d.location == ours->id);
    BOOST_TEST(server.createDocumentCount() == 1);
}

BOOST_AUTO_TEST_CASE(a_wrong_password_is_refused_with_401_and_not_retried) {
    test::FakeCmisServer server;
    test::TempDir tmp;
    CmisConnector cmis(connectionTo(server, "wrong"));
    const auto doc = documentFrom(randomFile(tmp.path(), "a.pdf", 1000, 4), "In", "a.pdf");
    try {
        cmis.deliver(doc, {}, {});
        BOOST_FAIL("a wrong password was accepted");
    } catch (const GatewayRejected& e) {
        BOOST_TEST(e.status() == 401);
        BOOST_TEST(std::string(e.what()).find("password") != std::string::npos, e.what());
    }

    test::TempDir data;
    Outbox outbox(data.path());
    outbox.enqueue(randomFile(tmp.path(), "b.pdf", 1000, 5), NewOutboxItem{"gw", "In", "b.pdf", "B", {}},
                   false);
    int asked = 0;
    const auto before = server.http().requestCount();
    const auto r = app::runGatewayUpload(outbox, profileFor(server), vault::Secret(std::string("wrong")),
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
    test::FakeCmisServer server;
    server.dropNextCreateAnswers(1);
    test::TempDir tmp;
    const auto doc = documentFrom(randomFile(tmp.path(), "a.pdf", 300'000, 6), "In", "a.pdf");
    {
        CmisConnector cmis(connectionTo(server));
        BOOST_CHECK_THROW(cmis.deliver(doc, {}, {}), TransportError);
    }
    BOOST_TEST(server.documents().size() == 1u); // stored, but the client never heard
    CmisConnector resumed(connectionTo(server));
    const auto d = resumed.deliver(doc, {}, {});
    BOOST_TEST(d.bytes == doc.bytes);
    BOOST_TEST(server.documents().size() == 1u);
    BOOST_TEST(server.createDocumentCount() == 1);
    BOOST_TEST(!server.objectAt("In/a (2).pdf").has_value());
}

BOOST_AUTO_TEST_CASE(the_outbox_is_delivered_through_the_upload_run_and_a_busy_server_is_retried) {
    test::FakeCmisServer server;
    server.answerNextCreates(1, 503, "1");
    test::TempDir tmp, data;
    Outbox outbox(data.path());
    for (int i = 1; i <= 4; ++i) {
        NewOutboxItem n{"gw", "In/2026", "doc" + std::to_string(i) + ".pdf", "Doc " + std::to_string(i), {}};
        outbox.enqueue(randomFile(tmp.path(), n.fileName, 20'000 + size_t(i), unsigned(10 + i)), n, false);
    }
    app::UploadOptions o;
    o.retry.initialDelay = std::chrono::milliseconds(100);
    o.retry.maxAttempts = 3;
    o.parallel = 2; // two connectors racing to create In/2026
    const auto started = std::chrono::steady_clock::now();
    const auto r = app::runGatewayUpload(outbox, profileFor(server), vault::Secret(std::string("pa55word")),
                                         {}, {}, {}, o);
    BOOST_TEST(r.ok());
    for (const auto& i : r.items)
        BOOST_TEST(i.delivered, i.document << ": " << i.error);
    BOOST_TEST((std::chrono::steady_clock::now() - started >= std::chrono::milliseconds(900)));
    BOOST_TEST(server.createDocumentCount() == 5); // one 503, then each once
    BOOST_TEST(server.documents().size() == 4u);
    const auto ledger = outbox.ledger();
    BOOST_REQUIRE(ledger.size() == 4u);
    for (const auto& e : ledger)
        BOOST_TEST(e.location.starts_with("obj-"));
    BOOST_TEST(outbox.items().empty());

    // Test connection reads the service document with the login.
    BOOST_TEST(app::testGatewayConnection(profileFor(server), vault::Secret(std::string("pa55word")), {}) ==
               200);
    BOOST_CHECK_THROW(app::testGatewayConnection(profileFor(server), vault::Secret(std::string("nope")), {}),
                      Error);

    // Browse folders (the profiles dialog's button): folders only, sorted, documents left out.
    server.addFolder("In", "2025");
    server.addFolder("", "Archive");
    const vault::Secret password(std::string("pa55word"));
    BOOST_TEST(app::listGatewayFolders(profileFor(server), password, "", {}) ==
               (std::vector<std::string>{"Archive", "In"}));
    BOOST_TEST(app::listGatewayFolders(profileFor(server), password, "In", {}) ==
               (std::vector<std::string>{"2025", "2026"}));
    BOOST_TEST(app::listGatewayFolders(profileFor(server), password, "In/2026", {}).empty()); // 4 documents
    BOOST_CHECK_THROW(app::listGatewayFolders(profileFor(server), vault::Secret(std::string("nope")), "", {}),
                      Error);
}

BOOST_AUTO_TEST_CASE(a_50_mb_document_is_streamed_and_arrives_byte_for_byte) {
    test::FakeCmisServer server;
    test::TempDir tmp;
    CmisConnector cmis(connectionTo(server));
    const auto doc = documentFrom(randomFile(tmp.path(), "big.pdf", 50u * 1024 * 1024, 7), "Big", "big.pdf");
    std::uint64_t lastSent = 0, lastTotal = 0;
    const auto d = cmis.deliver(doc, {}, [&](std::uint64_t sent, std::uint64_t total) {
        lastSent = sent;
        lastTotal = total;
    });
    BOOST_TEST(d.bytes == doc.bytes);
    const auto stored = server.objectAt("Big/big.pdf");
    BOOST_REQUIRE(stored.has_value());
    BOOST_TEST(sha256Of(stored->content) == doc.sha256);
    BOOST_TEST(lastTotal == doc.bytes); // in the file's bytes, though the form body is larger
    BOOST_TEST(lastSent == lastTotal);
}
