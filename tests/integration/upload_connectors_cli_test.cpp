// The user's path for the CMIS and paperless-ngx (http-form) connectors through docdesk-cli,
// against the loopback fakes: `profile add --connector ...`, `profile test`, `file --profile`
// into the outbox, `upload --all` (the token or password on a descriptor, as scripts do) and
// `ledger --json`.
#define BOOST_TEST_MODULE upload_connectors_cli
#include "core/common/Sha256.h"
#include "tests/support/FakeCmisServer.h"
#include "tests/support/FakePaperlessServer.h"
#include "tests/support/ProfileCli.h"
#include "tests/support/TestSupport.h"

#include <boost/test/unit_test.hpp>

using namespace docdesk;
namespace fs = std::filesystem;

namespace {

using Run = test::CliInputRun;

Run cli(const fs::path& home, const std::vector<std::string>& args, const std::string& input = {}) {
    return test::runCliWithInput(home, args, input);
}

std::string errorsOf(const fs::path& home) {
    return test::cliErrors(home);
}

const std::string kPassphrase = "test passphrase 123\n";

// Two plain documents filed into `profile`'s outbox (filed as they are, no analysis needed).
void fileTwoDocuments(const fs::path& home, const std::string& profile) {
    const fs::path in = home / ("in-" + profile);
    fs::create_directories(in);
    test::writeFile(in / "letter.txt", "a letter for " + profile + "\n");
    test::writeFile(in / "notes.txt", "notes for " + profile + "\n");
    const auto filed = cli(home, {"file", "--profile", profile, in.string()});
    BOOST_TEST(filed.code == 0, filed.out << errorsOf(home));
    BOOST_TEST(test::jsonLines(cli(home, {"upload", "--list", "--json"}).out).size() == 2u);
}

} // namespace

BOOST_AUTO_TEST_CASE(paperless_profile_test_file_upload_and_ledger) {
    const std::string token = "cli-token-0123456789";
    test::FakePaperlessServer server(token);
    test::TempDir home;
    const auto added =
        cli(home.path(), {"profile", "add", "pl", "--connector", "http-form", "--url", server.url()},
            kPassphrase);
    BOOST_REQUIRE_MESSAGE(added.code == 0, "profile add failed: " + errorsOf(home.path()));
    const auto tested = cli(home.path(), {"profile", "test", "pl"}, kPassphrase + token + "\n");
    BOOST_TEST(tested.code == 0, tested.out << errorsOf(home.path()));
    const auto refused = cli(home.path(), {"profile", "test", "pl"}, kPassphrase + "wrong\n");
    BOOST_TEST(refused.code == 1);
    BOOST_TEST(errorsOf(home.path()).find("token") != std::string::npos, errorsOf(home.path()));

    fileTwoDocuments(home.path(), "pl");
    BOOST_TEST(server.postCount() == 0); // filing sent nothing
    const auto uploaded =
        cli(home.path(), {"upload", "--profile", "pl", "--all", "--json"}, kPassphrase + token + "\n");
    BOOST_TEST(uploaded.code == 0, uploaded.out << errorsOf(home.path()));
    const auto results = test::jsonLines(uploaded.out);
    BOOST_REQUIRE(results.size() == 2u);
    for (const auto& r : results)
        BOOST_TEST(r["status"] == "delivered", r.dump());
    BOOST_TEST(server.documents().size() == 2u);
    BOOST_TEST(cli(home.path(), {"upload", "--list", "--json"}).out.empty());

    const auto ledger = test::jsonLines(cli(home.path(), {"ledger", "--json"}).out);
    BOOST_REQUIRE(ledger.size() == 2u);
    for (const auto& e : ledger) {
        BOOST_TEST(e["location"].get<std::string>().starts_with("documents/"), e.dump());
        const auto docs = server.documents();
        BOOST_TEST(std::any_of(docs.begin(), docs.end(), [&](auto& d) { return d.sha256 == e["sha256"]; }),
                   e.dump());
    }
}

BOOST_AUTO_TEST_CASE(cmis_profile_test_file_upload_and_ledger) {
    test::FakeCmisServer server("alice", "pa55word");
    test::TempDir home;
    const auto added = cli(home.path(),
                           {"profile", "add", "cm", "--connector", "cmis", "--url", server.url(), "--user",
                            "alice", "--folder", "Mailroom/2026"},
                           kPassphrase);
    BOOST_REQUIRE_MESSAGE(added.code == 0, "profile add failed: " + errorsOf(home.path()));
    const auto tested = cli(home.path(), {"profile", "test", "cm"}, kPassphrase + "pa55word\n");
    BOOST_TEST(tested.code == 0, tested.out << errorsOf(home.path()));

    fileTwoDocuments(home.path(), "cm");
    const auto uploaded =
        cli(home.path(), {"upload", "--profile", "cm", "--all", "--json"}, kPassphrase + "pa55word\n");
    BOOST_TEST(uploaded.code == 0, uploaded.out << errorsOf(home.path()));
    const auto results = test::jsonLines(uploaded.out);
    BOOST_REQUIRE(results.size() == 2u);
    for (const auto& r : results)
        BOOST_TEST(r["status"] == "delivered", r.dump());
    const auto docs = server.documents();
    BOOST_TEST(docs.size() == 2u);
    BOOST_TEST(server.objectAt("Mailroom/2026/letter.txt").has_value());
    BOOST_TEST(server.objectAt("Mailroom/2026/notes.txt").has_value());

    const auto ledger = test::jsonLines(cli(home.path(), {"ledger", "--json"}).out);
    BOOST_REQUIRE(ledger.size() == 2u);
    for (const auto& e : ledger) {
        const auto stored = server.objectAt("Mailroom/2026/" + e["document"].get<std::string>());
        BOOST_REQUIRE(stored.has_value());
        BOOST_TEST(e["location"] == stored->id);
        BOOST_TEST(e["sha256"] == sha256Hex(std::as_bytes(std::span(stored->content))));
    }
}
