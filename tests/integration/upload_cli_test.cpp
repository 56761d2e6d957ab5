// docdesk-cli end to end against a real Apache with mod_dav over HTTPS: a profile made with
// `profile add` (vault unlocked by a passphrase on a descriptor, as scripts do), documents filed
// into its outbox with `file --profile`, a refused password that leaves everything in the
// outbox with the reason, then `upload --all` and `ledger --json`.
#define BOOST_TEST_MODULE upload_cli
#include "core/common/Sha256.h"
#include "tests/support/ApacheServer.h"
#include "tests/support/ProfileCli.h"

#include <boost/test/unit_test.hpp>

using namespace docdesk;
namespace fs = std::filesystem;

namespace {

using Run = test::CliInputRun;

Run cli(const fs::path& home, const std::vector<std::string>& args, const std::string& input = {}) {
    return test::runCliWithInput(home, args, input);
}

} // namespace

BOOST_AUTO_TEST_CASE(file_into_the_outbox_upload_and_ledger_through_the_cli) {
    test::ApacheServer::Options options;
    options.name = "apache-cli";
    test::ApacheServer server(options);
    test::TempDir home;
    const std::string passphrase = "test passphrase 123\n";
    const auto added = cli(home.path(),
                           {"profile", "add", "gw", "--url", server.httpsUrl(), "--user",
                            server.options().user, "--ca-bundle", server.certificate().string(), "--pin",
                            server.publicKeyPin(), "--folder", "Mailroom"},
                           passphrase);
    const auto errors = [&] {
        const auto bytes = test::readFile(home / "stderr.log");
        return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    };
    BOOST_REQUIRE_MESSAGE(added.code == 0, "profile add failed: " + errors());

    const fs::path in = home / "in";
    fs::create_directories(in);
    test::writeBatchPage(in / "01.jpg", 1, "ASN000042");
    test::writeBatchPage(in / "02.jpg", 2, "ASN000043");
    test::writeFile(in / "03-notes.txt", "filed as it is\n");
    const auto filed =
        cli(home.path(), {"file", "--profile", "gw", "--name", "{field:asn|no-asn}", in.string()});
    BOOST_TEST(filed.code == 0, filed.out);
    auto listed = test::jsonLines(cli(home.path(), {"upload", "--list", "--json"}).out);
    BOOST_REQUIRE(listed.size() == 3u);
    BOOST_TEST(server.storedFiles().empty()); // filing sent nothing

    // A wrong password, and no second one on offer: nothing is lost, the reason is kept.
    const auto refused =
        cli(home.path(), {"upload", "--profile", "gw", "--all", "--json"}, passphrase + "wrong\n");
    BOOST_TEST(refused.code == 1);
    listed = test::jsonLines(cli(home.path(), {"upload", "--list", "--json"}).out);
    BOOST_REQUIRE(listed.size() == 3u);
    bool sawReason = false;
    for (const auto& l : listed)
        sawReason = sawReason || l["reason"].get<std::string>().find("401") != std::string::npos;
    BOOST_TEST(sawReason);
    BOOST_TEST(server.storedFiles().empty());

    // The right password, with the explicit choice to remember it once it worked.
    const auto uploaded =
        cli(home.path(), {"upload", "--profile", "gw", "--all", "--json", "--remember-password"},
            passphrase + server.options().password + "\n");
    BOOST_TEST(uploaded.code == 0, uploaded.out << errors());
    const auto results = test::jsonLines(uploaded.out);
    BOOST_REQUIRE(results.size() == 3u);
    for (const auto& r : results)
        BOOST_TEST(r["status"] == "delivered", r.dump());
    BOOST_TEST(server.storedFiles() ==
               (std::vector<std::string>{"Mailroom/03-notes.txt", "Mailroom/42.pdf", "Mailroom/43.pdf"}));
    BOOST_TEST(cli(home.path(), {"upload", "--list", "--json"}).out.empty());

    // Remembered: the next upload needs only the vault's passphrase, no password line.
    test::writeBatchPage(in / "04.jpg", 4, "ASN000044");
    BOOST_TEST(cli(home.path(),
                   {"file", "--profile", "gw", "--name", "{field:asn|no-asn}", (in / "04.jpg").string()})
                   .code == 0);
    const auto again = cli(home.path(), {"upload", "--profile", "gw", "--all", "--json"}, passphrase);
    BOOST_TEST(again.code == 0, again.out << errors());
    BOOST_TEST(server.storedFiles().size() == 4u);

    const auto ledger = test::jsonLines(cli(home.path(), {"ledger", "--json"}).out);
    BOOST_REQUIRE(ledger.size() == 4u);
    for (const auto& e : ledger) {
        const fs::path stored = server.davRoot() / "Mailroom" / e["document"].get<std::string>();
        BOOST_TEST(e["sha256"] == sha256HexOfFile(stored));
        BOOST_TEST(e["location"].get<std::string>().starts_with(server.httpsUrl() + "Mailroom/"));
    }
}
