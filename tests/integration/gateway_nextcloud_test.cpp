// The WebDAV connector's Nextcloud chunked upload (v2) against FakeNextcloudServer on loopback:
// a large file goes in numbered chunks and is assembled by MOVE, a small one stays one PUT, an
// interrupted upload resumes with the chunks already sent, and a lost MOVE answer does not make
// a second copy.
#define BOOST_TEST_MODULE gateway_nextcloud
#include "core/common/Sha256.h"
#include "core/gateway/WebDavConnector.h"
#include "tests/support/FakeNextcloudServer.h"
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

GatewayConnection connectionTo(const test::FakeNextcloudServer& server) {
    GatewayConnection c;
    c.baseUrl = server.filesUrl();
    c.user = "alice";
    c.password = std::make_shared<const vault::Secret>(std::string("pa55word"));
    c.connectTimeout = std::chrono::seconds(5);
    c.lowSpeedTime = std::chrono::seconds(5);
    return c;
}

ChunkedUploadOptions smallChunks() {
    ChunkedUploadOptions o;
    o.threshold = 1024 * 1024;
    o.chunkSize = 256 * 1024;
    return o;
}

size_t chunkPuts(const test::FakeNextcloudServer& server, const std::string& chunk = {}) {
    size_t n = 0;
    for (const auto& r : server.http().requests())
        if (r.method == "PUT" && r.path.find("/uploads/") != std::string::npos &&
            (chunk.empty() || r.path.ends_with("/" + chunk)))
            ++n;
    return n;
}

} // namespace

BOOST_AUTO_TEST_CASE(a_large_file_goes_in_chunks_and_a_small_one_in_one_put) {
    test::FakeNextcloudServer server;
    test::TempDir tmp;
    WebDavConnector dav(connectionTo(server), smallChunks());
    BOOST_TEST(dav.chunkedUploadsUrl() == server.http().url() + "remote.php/dav/uploads/alice/");
    const auto big =
        documentFrom(randomFile(tmp.path(), "big.pdf", 1'100'000, 1), "Scans/2026", "big scan.pdf");
    std::uint64_t lastSent = 0, lastTotal = 0;
    const auto d = dav.deliver(big, {}, [&](std::uint64_t sent, std::uint64_t total) {
        BOOST_TEST(sent >= lastSent); // progress over the whole file, never backwards
        lastSent = sent;
        lastTotal = total;
    });
    BOOST_TEST(d.bytes == big.bytes);
    BOOST_TEST(lastSent == big.bytes);
    BOOST_TEST(lastTotal == big.bytes);
    const auto stored = server.file("Scans/2026/big scan.pdf");
    BOOST_REQUIRE(stored.has_value());
    BOOST_TEST(sha256Of(*stored) == big.sha256);
    BOOST_TEST(chunkPuts(server) == 5u); // 4 x 256 KiB + the rest
    BOOST_TEST(server.http().countOf("MOVE", "/remote.php/dav/uploads/alice/") == 1u);
    BOOST_TEST(server.uploadFolders() == 0u);
    for (const auto& r : server.http().requests())
        if (r.method == "MOVE")
            BOOST_TEST(r.header("oc-total-length") == std::to_string(big.bytes));

    const auto small =
        documentFrom(randomFile(tmp.path(), "small.pdf", 100'000, 2), "Scans/2026", "small.pdf");
    dav.deliver(small, {}, {});
    BOOST_TEST(chunkPuts(server) == 5u);
    BOOST_TEST(server.http().countOf("PUT", "/remote.php/dav/files/alice/Scans/2026/small.pdf") == 1u);
    BOOST_TEST(sha256Of(*server.file("Scans/2026/small.pdf")) == small.sha256);
}

BOOST_AUTO_TEST_CASE(an_interrupted_chunked_upload_resumes_with_the_chunks_already_sent) {
    test::FakeNextcloudServer server;
    server.dropChunkPut(3);
    test::TempDir tmp;
    const auto doc = documentFrom(randomFile(tmp.path(), "big.pdf", 1'100'000, 3), "In", "big.pdf");
    {
        WebDavConnector dav(connectionTo(server), smallChunks());
        BOOST_CHECK_THROW(dav.deliver(doc, {}, {}), TransportError);
    }
    BOOST_TEST(!server.file("In/big.pdf").has_value());
    BOOST_TEST(server.uploadFolders() == 1u);
    WebDavConnector resumed(connectionTo(server), smallChunks());
    resumed.deliver(doc, {}, {});
    BOOST_TEST(sha256Of(*server.file("In/big.pdf")) == doc.sha256);
    BOOST_TEST(chunkPuts(server, "00001") == 1u); // not sent again
    BOOST_TEST(chunkPuts(server, "00002") == 1u);
    BOOST_TEST(chunkPuts(server, "00003") == 2u); // dropped once, then sent
    BOOST_TEST(server.uploadFolders() == 0u);
}

BOOST_AUTO_TEST_CASE(a_lost_move_answer_does_not_make_a_second_copy) {
    test::FakeNextcloudServer server;
    server.dropNextMoveAnswers(1);
    test::TempDir tmp;
    const auto doc = documentFrom(randomFile(tmp.path(), "big.pdf", 1'100'000, 4), "In", "big.pdf");
    WebDavConnector dav(connectionTo(server), smallChunks());
    BOOST_CHECK_THROW(dav.deliver(doc, {}, {}), TransportError);
    const auto d = dav.deliver(doc, {}, {});
    BOOST_TEST(d.bytes == doc.bytes);
    BOOST_TEST(sha256Of(*server.file("In/big.pdf")) == doc.sha256);
    BOOST_TEST(!server.file("In/big (2).pdf").has_value());
    BOOST_TEST(chunkPuts(server) == 5u);
}
