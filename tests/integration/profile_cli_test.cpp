// docdesk-cli profile end to end on the passphrase path: everything the CLI prints (stdout and
// stderr are its whole log) while creating, listing, editing and failing to unlock holds the
// password and passphrase in no form (plain, base64, URL-encoded); operator bundles: a foreign
// or changed bundle is refused with the vault unchanged, a good one imports and its locked
// settings cannot be changed from the command line.
#define BOOST_TEST_MODULE profile_cli
#include "tests/support/ApacheServer.h"
#include "tests/support/ProfileCli.h"
#include "tests/support/TestSupport.h"

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sodium.h>

using namespace docdesk;
using test::ProfileCliSecrets;
using test::runProfileCli;
namespace fs = std::filesystem;

namespace {

const std::string kPassphrase = "mail room passphrase 2026";
const std::string kPassword = "Gh7/q+Zx w%9=&?";

std::string base64(const std::string& s) {
    std::string out(sodium_base64_encoded_len(s.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(s.data()), s.size(),
                      sodium_base64_VARIANT_ORIGINAL);
    out.resize(out.size() - 1);
    return out;
}

std::string urlEncoded(const std::string& s) {
    static const char* digits = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += digits[c >> 4];
            out += digits[c & 15];
        }
    }
    return out;
}

// Every form a secret could leak in: plain, base64 (also of user:password as in Basic auth),
// URL-encoded (also with + for spaces).
std::vector<std::string> leakForms(const std::string& secret) {
    std::string plus = urlEncoded(secret);
    for (auto pos = plus.find("%20"); pos != std::string::npos; pos = plus.find("%20"))
        plus.replace(pos, 3, "+");
    return {secret, base64(secret), base64("mailroom:" + secret), urlEncoded(secret), plus};
}

std::string vaultBytes(const fs::path& home) {
    const auto b = test::readFile(home / "config" / "docdesk" / "profiles.vault");
    return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

} // namespace

BOOST_AUTO_TEST_CASE(no_secret_appears_in_any_output) {
    BOOST_REQUIRE(sodium_init() >= 0);
    test::TempDir home;
    std::string everything;
    const auto run = [&](const std::vector<std::string>& args, const ProfileCliSecrets& secrets) {
        auto r = runProfileCli(home.path(), args, secrets);
        everything += r.out + r.err;
        return r;
    };
    const ProfileCliSecrets unlock{{kPassphrase}, {}};

    test::ApacheServer::Options options;
    options.user = "mailroom";
    options.password = kPassword;
    options.name = "profile-cli-apache";
    test::ApacheServer apache(options);
    const std::string url = apache.httpsUrl();

    auto r = run({"profile", "add", "archive", "--url", url, "--user", "mailroom", "--ca-bundle",
                  apache.certificate().string(), "--default"},
                 unlock);
    BOOST_TEST(r.status.success(), r.err);
    // A failed login (wrong password typed at the prompt), with the HTTP trace on.
    r = run({"profile", "test", "archive", "--verbose", "--remember-password"},
            {{kPassphrase}, {kPassword + "x"}});
    BOOST_TEST(r.status.code == 1);
    BOOST_TEST(r.err.find("refused the login") != std::string::npos, r.err);
    // A good login, remembered because the user chose so.
    r = run({"profile", "test", "archive", "--verbose", "--remember-password"}, {{kPassphrase}, {kPassword}});
    BOOST_TEST(r.status.success(), r.err);
    BOOST_TEST(r.out.find("works") != std::string::npos, r.out);
    BOOST_TEST(apache.accessLog().find("PROPFIND") != std::string::npos);
    // Now saved: no password asked (none given), login works again.
    r = run({"profile", "test", "archive", "--verbose"}, unlock);
    BOOST_TEST(r.status.success(), r.err);
    r = run({"profile", "list"}, unlock);
    BOOST_TEST(r.status.success(), r.err);
    BOOST_TEST(r.out.find("* archive  webdav  " + url + "  mailroom  (password saved)") != std::string::npos,
               r.out);
    r = run({"profile", "list", "--json"}, unlock);
    BOOST_TEST(r.status.success(), r.err);
    const auto lines = test::jsonLines(r.out);
    BOOST_REQUIRE_EQUAL(lines.size(), 1u);
    BOOST_TEST(lines[0]["name"] == "archive");
    BOOST_TEST(lines[0]["passwordSaved"] == true);
    BOOST_TEST(lines[0]["default"] == true);
    BOOST_TEST(!lines[0].contains("password"));

    // Browse folders (explicit, like test): the folders at the top and inside one, sorted,
    // files left out; a folder that is not there is a clear error.
    fs::create_directories(apache.davRoot() / "Invoices" / "2026");
    fs::create_directories(apache.davRoot() / "Invoices" / "2025");
    fs::create_directories(apache.davRoot() / "Contracts");
    test::writeFile(apache.davRoot() / "Invoices" / "readme.txt", "not a folder");
    r = run({"profile", "browse", "archive"}, unlock);
    BOOST_TEST(r.status.success(), r.err);
    BOOST_TEST(r.out == "Contracts\nInvoices\n", r.out);
    r = run({"profile", "browse", "archive", "Invoices", "--json"}, unlock);
    BOOST_TEST(r.status.success(), r.err);
    BOOST_TEST(r.out == "{\"folder\":\"Invoices\",\"folders\":[\"2025\",\"2026\"]}\n", r.out);
    r = run({"profile", "browse", "archive", "Nowhere"}, unlock);
    BOOST_TEST(r.status.code == 1);
    BOOST_TEST(r.err.find("Nowhere") != std::string::npos, r.err);

    r = run({"profile", "edit", "archive", "--role", "scanner"}, unlock);
    BOOST_TEST(r.status.success(), r.err);
    // A failed unlock (wrong passphrase) says so and changes nothing.
    const std::string before = vaultBytes(home.path());
    r = run({"profile", "test", "archive"}, {{kPassphrase + "x"}, {}});
    BOOST_TEST(r.status.code == 1);
    BOOST_TEST(r.err.find("passphrase is wrong") != std::string::npos, r.err);
    BOOST_TEST(vaultBytes(home.path()) == before);
    // A password given as an argument is refused outright (exit 2) and not echoed.
    r = run({"profile", "edit", "archive", "--password", kPassword}, unlock);
    BOOST_TEST(r.status.code == 2);
    r = run({"profile", "remove", "archive"}, unlock);
    BOOST_TEST(r.status.success(), r.err);

    // Including the refused --password run: the usage error must not echo its value. The
    // server's own logs hold no password either.
    everything += apache.accessLog() + apache.errorLog();
    BOOST_TEST(everything.find("[redacted]") != std::string::npos, "the HTTP trace was captured");
    for (const auto& secret : {kPassword, kPassphrase})
        for (const auto& form : leakForms(secret)) {
            BOOST_TEST(everything.find(form) == std::string::npos, "leaked: " << form);
            BOOST_TEST(vaultBytes(home.path()).find(form) == std::string::npos);
        }
}

BOOST_AUTO_TEST_CASE(no_keyring_and_no_passphrase_source_fails_clearly) {
    test::TempDir home;
    auto r = runProfileCli(home.path(), {"profile", "add", "a", "--url", "https://x.example.org/"});
    BOOST_TEST(r.status.code == 1);
    BOOST_TEST(r.err.find("DOCDESK_PASSPHRASE_FD") != std::string::npos, r.err);
    BOOST_TEST(!fs::exists(home / "config" / "docdesk" / "profiles.vault"));
}

BOOST_AUTO_TEST_CASE(operator_bundles_and_locked_settings) {
    test::TempDir op;      // the operator's desk
    test::TempDir station; // a scanning station
    const ProfileCliSecrets unlock{{kPassphrase}, {}};
    BOOST_REQUIRE(runProfileCli(op.path(), {"profile", "keygen", "--out", (op / "operator").string()})
                      .status.success());
    BOOST_REQUIRE(runProfileCli(op.path(), {"profile", "keygen", "--out", (op / "intruder").string()})
                      .status.success());
    test::writeFile(op / "profiles.json", R"({"profiles": [{"name": "mailroom", "connector": "webdav",
        "url": "https://dms.example.org/dav/", "pinnedPublicKey": "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        "defaultFolder": "/inbox", "lockedSettings": ["url", "pinnedPublicKey"]}]})");
    auto r =
        runProfileCli(op.path(), {"profile", "sign", "--key", (op / "operator.key").string(),
                                  (op / "profiles.json").string(), "--out", (op / "good.bundle").string()});
    BOOST_REQUIRE_MESSAGE(r.status.success(), r.err);
    r = runProfileCli(op.path(),
                      {"profile", "sign", "--key", (op / "intruder.key").string(),
                       (op / "profiles.json").string(), "--out", (op / "foreign.bundle").string()});
    BOOST_REQUIRE_MESSAGE(r.status.success(), r.err);
    BOOST_TEST(((fs::status(op / "operator.key").permissions() & fs::perms::group_read) == fs::perms::none));

    // A station without a pinned key imports nothing.
    r = runProfileCli(station.path(), {"profile", "import", (op / "good.bundle").string()}, unlock);
    BOOST_TEST(r.status.code == 1);
    BOOST_TEST(r.err.find("trust-operator") != std::string::npos, r.err);

    // The user's own profile first, so there is a vault whose bytes can be compared.
    r = runProfileCli(station.path(), {"profile", "add", "own", "--url", "https://own.example.org/"}, unlock);
    BOOST_REQUIRE_MESSAGE(r.status.success(), r.err);
    BOOST_REQUIRE(runProfileCli(station.path(), {"profile", "trust-operator", (op / "operator.pub").string()})
                      .status.success());
    const std::string before = vaultBytes(station.path());
    r = runProfileCli(station.path(), {"profile", "import", (op / "foreign.bundle").string()}, unlock);
    BOOST_TEST(r.status.code == 1);
    BOOST_TEST(r.err.find("signed with another key") != std::string::npos, r.err);
    // Changed after signing: another URL in the payload, the signature kept.
    auto bundle = nlohmann::json::parse(
        std::string(reinterpret_cast<const char*>(test::readFile(op / "good.bundle").data()),
                    test::readFile(op / "good.bundle").size()));
    std::string payload = R"({"profiles": [{"name": "mailroom", "url": "https://evil.example.org/"}]})";
    bundle["payload"] = base64(payload);
    test::writeFile(op / "changed.bundle", bundle.dump());
    r = runProfileCli(station.path(), {"profile", "import", (op / "changed.bundle").string()}, unlock);
    BOOST_TEST(r.status.code == 1);
    BOOST_TEST(vaultBytes(station.path()) == before);
    // Another key cannot replace the pinned one silently.
    r = runProfileCli(station.path(), {"profile", "trust-operator", (op / "intruder.pub").string()});
    BOOST_TEST(r.status.code == 1);

    r = runProfileCli(station.path(), {"profile", "import", (op / "good.bundle").string()}, unlock);
    BOOST_TEST(r.status.success(), r.err);
    BOOST_TEST(r.out.find("locked: url, pinnedPublicKey") != std::string::npos, r.out);
    r = runProfileCli(station.path(), {"profile", "list"}, unlock);
    BOOST_TEST(r.out.find("locked by the operator") != std::string::npos, r.out);

    const std::string imported = vaultBytes(station.path());
    r = runProfileCli(station.path(), {"profile", "edit", "mailroom", "--url", "https://evil.example.org/"},
                      unlock);
    BOOST_TEST(r.status.code == 1);
    BOOST_TEST(r.err.find("managed by the operator") != std::string::npos, r.err);
    r = runProfileCli(station.path(), {"profile", "edit", "mailroom", "--pin", "sha256//BBBB"}, unlock);
    BOOST_TEST(r.status.code == 1);
    BOOST_TEST(vaultBytes(station.path()) == imported);
    r = runProfileCli(station.path(), {"profile", "edit", "mailroom", "--user", "clerk"}, unlock);
    BOOST_TEST(r.status.success(), r.err);
    r = runProfileCli(station.path(), {"profile", "list", "--json"}, unlock);
    const auto lines = test::jsonLines(r.out);
    BOOST_REQUIRE_EQUAL(lines.size(), 2u);
    BOOST_TEST(lines[1]["user"] == "clerk");
    BOOST_TEST(lines[1]["url"] == "https://dms.example.org/dav/");
    BOOST_TEST(lines[1]["lockedSettings"].size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_bundle_carries_its_ca_certificate_so_the_station_needs_no_file) {
    test::ApacheServer::Options options;
    options.user = "mailroom";
    options.password = kPassword;
    options.name = "profile-bundle-apache";
    test::ApacheServer apache(options);
    test::TempDir op, station;
    const ProfileCliSecrets unlock{{kPassphrase}, {}};
    BOOST_REQUIRE(runProfileCli(op.path(), {"profile", "keygen", "--out", (op / "operator").string()})
                      .status.success());
    // The operator's CA file sits beside the profiles file and is named relative to it.
    fs::copy_file(apache.certificate(), op / "company-ca.pem");
    test::writeFile(op / "profiles.json",
                    R"({"profiles": [{"name": "mailroom", "connector": "webdav", "url": ")" +
                        apache.httpsUrl() + R"(", "user": "mailroom", "caBundle": "company-ca.pem",
        "lockedSettings": ["url", "caBundle"]}]})");
    auto r =
        runProfileCli(op.path(), {"profile", "sign", "--key", (op / "operator.key").string(),
                                  (op / "profiles.json").string(), "--out", (op / "ca.bundle").string()});
    BOOST_REQUIRE_MESSAGE(r.status.success(), r.err);
    fs::remove(op / "company-ca.pem"); // the station never sees the file

    BOOST_REQUIRE(runProfileCli(station.path(), {"profile", "trust-operator", (op / "operator.pub").string()})
                      .status.success());
    r = runProfileCli(station.path(), {"profile", "import", (op / "ca.bundle").string()}, unlock);
    BOOST_REQUIRE_MESSAGE(r.status.success(), r.err);
    // TLS verified with the certificate from the bundle: the login works.
    r = runProfileCli(station.path(), {"profile", "test", "mailroom"}, {{kPassphrase}, {kPassword}});
    BOOST_TEST(r.status.success(), r.err);
    BOOST_TEST(r.out.find("works") != std::string::npos, r.out);
}
