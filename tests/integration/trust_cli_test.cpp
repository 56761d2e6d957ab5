// Issue 18 through docdesk-cli: a saved password never follows a profile to another server
// (edit --url, or a bundle moving it), bundle dates (issued/expires) refuse replays and expired
// bundles, keygen/sign take bare file names, and managed stations (the system policy folder,
// put in place with a private mount namespace) keep their profiles whatever the user does.
#define BOOST_TEST_MODULE trust_cli
#include "platform/ChildProcess.h"
#include "tests/support/ApacheServer.h"
#include "tests/support/ProfileCli.h"
#include "tests/support/TestSupport.h"

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <thread>
#include <unistd.h>

using namespace docdesk;
using test::ProfileCliSecrets;
using test::runProfileCli;
namespace fs = std::filesystem;

namespace {

const std::string kPassphrase = "mail room passphrase 2026";
const std::string kPassword = "Gh7/q+Zx w%9=&?";

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

std::string jsonProfiles(const fs::path& home) {
    return runProfileCli(home, {"profile", "list", "--json"}, {{kPassphrase}, {}}).out;
}

} // namespace

BOOST_AUTO_TEST_CASE(editing_the_url_to_another_origin_forgets_the_password) {
    test::ApacheServer::Options options;
    options.user = "mailroom";
    options.password = kPassword;
    options.name = "trust-cli-apache";
    test::ApacheServer apache(options);
    test::TempDir home;
    const ProfileCliSecrets unlock{{kPassphrase}, {}};
    auto r = runProfileCli(home.path(),
                           {"profile", "add", "archive", "--url", apache.httpsUrl(), "--user", "mailroom",
                            "--ca-bundle", apache.certificate().string()},
                           unlock);
    BOOST_REQUIRE_MESSAGE(r.status.success(), r.err);
    r = runProfileCli(home.path(), {"profile", "test", "archive", "--remember-password"},
                      {{kPassphrase}, {kPassword}});
    BOOST_REQUIRE_MESSAGE(r.status.success(), r.err);
    BOOST_TEST(contains(jsonProfiles(home.path()), "\"passwordSaved\":true"));

    // Same origin, other path: the password stays, and no message.
    r = runProfileCli(home.path(), {"profile", "edit", "archive", "--url", apache.httpsUrl() + "sub/"},
                      unlock);
    BOOST_TEST(r.status.success(), r.err);
    BOOST_TEST(!contains(r.out, "forgotten"), r.out);
    BOOST_TEST(contains(jsonProfiles(home.path()), "\"passwordSaved\":true"));

    // Another origin (plain http, another port, on the same test server): forgotten, and said.
    r = runProfileCli(home.path(), {"profile", "edit", "archive", "--url", apache.httpUrl()}, unlock);
    BOOST_TEST(r.status.success(), r.err);
    BOOST_TEST(contains(r.out, "The saved password of 'archive' was forgotten"), r.out);
    BOOST_TEST(contains(r.out, "http://127.0.0.1:"), r.out);
    BOOST_TEST(contains(jsonProfiles(home.path()), "\"passwordSaved\":false"));
    BOOST_TEST(contains(jsonProfiles(home.path()), "\"rememberPassword\":true"));
    const std::string logBefore = apache.accessLog();
    // The next use asks: without a way to ask it fails before connecting...
    r = runProfileCli(home.path(), {"profile", "test", "archive"}, unlock);
    BOOST_TEST(r.status.code == 1);
    BOOST_TEST(contains(r.err, "DOCDESK_PASSWORD_FD"), r.err);
    BOOST_TEST(apache.accessLog() == logBefore, "nothing was sent to the new origin");
    // ... and with the password typed it works.
    r = runProfileCli(home.path(), {"profile", "test", "archive"}, {{kPassphrase}, {kPassword}});
    BOOST_TEST(r.status.success(), r.err);
    // Moving back does not bring the old password back.
    r = runProfileCli(home.path(), {"profile", "edit", "archive", "--url", apache.httpsUrl()}, unlock);
    BOOST_TEST(r.status.success(), r.err);
    BOOST_TEST(contains(jsonProfiles(home.path()), "\"passwordSaved\":false"));
}

BOOST_AUTO_TEST_CASE(keygen_and_sign_take_bare_file_names) {
    test::TempDir op;
    const test::ProfileCliLaunch here{op.path(), {}};
    auto r = runProfileCli(op.path(), {"profile", "keygen", "--out", "desk"}, {}, {}, here);
    BOOST_REQUIRE_MESSAGE(r.status.success(), r.err);
    BOOST_TEST(fs::exists(op / "desk.key"));
    BOOST_TEST(fs::exists(op / "desk.pub"));
    r = runProfileCli(op.path(), {"profile", "keygen"}, {}, {}, here); // default name "operator"
    BOOST_REQUIRE_MESSAGE(r.status.success(), r.err);
    BOOST_TEST(fs::exists(op / "operator.key"));
    test::writeFile(op / "profiles.json",
                    R"({"profiles": [{"name": "m", "url": "https://dms.example.org/"}]})");
    r = runProfileCli(op.path(),
                      {"profile", "sign", "--key", "desk.key", "profiles.json", "--out", "m.bundle"}, {}, {},
                      here);
    BOOST_REQUIRE_MESSAGE(r.status.success(), r.err);
    BOOST_TEST(fs::exists(op / "m.bundle"));
    r = runProfileCli(op.path(), {"profile", "sign", "--key", "desk.key", "profiles.json"}, {}, {}, here);
    BOOST_REQUIRE_MESSAGE(r.status.success(), r.err);
    BOOST_TEST(fs::exists(op / "profiles.docdesk-bundle"));
}

namespace {

// An operator desk with a key, and a station trusting it.
struct OperatorAndStation {
    test::TempDir op, station;
    ProfileCliSecrets unlock{{kPassphrase}, {}};
    OperatorAndStation() {
        BOOST_REQUIRE(runProfileCli(op.path(), {"profile", "keygen", "--out", (op / "operator").string()})
                          .status.success());
        BOOST_REQUIRE(
            runProfileCli(station.path(), {"profile", "trust-operator", (op / "operator.pub").string()})
                .status.success());
    }
    test::ProfileCliRun sign(const std::string& url, const std::string& bundle,
                             const std::vector<std::string>& extra = {},
                             const std::string& lockedExtra = "") {
        test::writeFile(op / "p.json",
                        R"({"profiles": [{"name": "mailroom", "url": ")" + url +
                            R"(", "user": "clerk", "rememberPassword": true, "lockedSettings": ["url")" +
                            lockedExtra + "]}]}");
        std::vector<std::string> args{"profile",
                                      "sign",
                                      "--key",
                                      (op / "operator.key").string(),
                                      (op / "p.json").string(),
                                      "--out",
                                      (op / bundle).string()};
        args.insert(args.end(), extra.begin(), extra.end());
        return runProfileCli(op.path(), args);
    }
    test::ProfileCliRun import(const std::string& bundle, const ProfileCliSecrets& secrets) {
        return runProfileCli(station.path(), {"profile", "import", (op / bundle).string()}, secrets);
    }
};

} // namespace

BOOST_AUTO_TEST_CASE(a_bundle_moving_the_profile_forgets_the_password_and_old_bundles_are_refused) {
    OperatorAndStation s;
    auto r = s.sign("https://dms.example.org/dav/", "first.bundle");
    BOOST_REQUIRE_MESSAGE(r.status.success(), r.err);
    BOOST_TEST(contains(r.out, "issued 20"), r.out);
    std::this_thread::sleep_for(std::chrono::milliseconds(1100)); // issue times have whole seconds
    r = s.sign("https://dms2.example.org/dav/", "second.bundle");
    BOOST_REQUIRE_MESSAGE(r.status.success(), r.err);

    r = s.import("first.bundle", s.unlock);
    BOOST_REQUIRE_MESSAGE(r.status.success(), r.err);
    // A password saved for the first server.
    r = runProfileCli(s.station.path(), {"profile", "edit", "mailroom", "--remember-password"},
                      {{kPassphrase}, {kPassword}});
    BOOST_REQUIRE_MESSAGE(r.status.success(), r.err);
    BOOST_TEST(contains(jsonProfiles(s.station.path()), "\"passwordSaved\":true"));
    r = s.import("second.bundle", s.unlock);
    BOOST_TEST(r.status.success(), r.err);
    BOOST_TEST(contains(r.out, "The saved password of 'mailroom' was forgotten"), r.out);
    BOOST_TEST(contains(jsonProfiles(s.station.path()), "\"passwordSaved\":false"));

    // Replaying the first (older) bundle is refused and changes nothing.
    r = s.import("first.bundle", s.unlock);
    BOOST_TEST(r.status.code == 1);
    BOOST_TEST(contains(r.err, "before the bundle of the same operator"), r.err);
    BOOST_TEST(contains(jsonProfiles(s.station.path()), "dms2.example.org"));
    // The current one again is fine.
    BOOST_TEST(s.import("second.bundle", s.unlock).status.success());
}

BOOST_AUTO_TEST_CASE(an_expired_bundle_is_refused) {
    OperatorAndStation s;
    auto r = s.sign("https://dms.example.org/dav/", "old.bundle", {"--expires", "2020-01-31"});
    BOOST_REQUIRE_MESSAGE(r.status.success(), r.err);
    BOOST_TEST(contains(r.err, "stations will refuse it"), r.err);
    r = s.import("old.bundle", s.unlock);
    BOOST_TEST(r.status.code == 1);
    BOOST_TEST(contains(r.err, "expired on 2020-01-31T00:00:00Z"), r.err);
    BOOST_TEST(!fs::exists(s.station / "config" / "docdesk" / "profiles.vault"));
    r = s.sign("https://dms.example.org/dav/", "bad.bundle", {"--expires", "next week"});
    BOOST_TEST(r.status.code == 1);
    BOOST_TEST(contains(r.err, "not a UTC time"), r.err);
    r = s.sign("https://dms.example.org/dav/", "good.bundle", {"--expires", "2999-12-31"});
    BOOST_REQUIRE_MESSAGE(r.status.success(), r.err);
    r = s.import("good.bundle", s.unlock);
    BOOST_TEST(r.status.success(), r.err);
}

BOOST_AUTO_TEST_CASE(proxy_and_url_with_line_breaks_are_refused) {
    test::TempDir home;
    const ProfileCliSecrets unlock{{kPassphrase}, {}};
    auto r = runProfileCli(home.path(),
                           {"profile", "add", "a", "--url", "https://x.example.org/\r\nHost: evil"}, unlock);
    BOOST_TEST(r.status.code == 1);
    BOOST_TEST(contains(r.err, "'url' contains a line break"), r.err);
    r = runProfileCli(
        home.path(),
        {"profile", "add", "a", "--url", "https://x.example.org/", "--proxy", "http://proxy:3128\nX: y"},
        unlock);
    BOOST_TEST(r.status.code == 1);
    BOOST_TEST(contains(r.err, "'proxy' contains a line break"), r.err);
    BOOST_TEST(!fs::exists(home / "config" / "docdesk" / "profiles.vault"));
}
