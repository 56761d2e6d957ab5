// Issue 18, managed stations: the system policy folder (DOCDESK_POLICY_DIR, compiled in) is
// put in place for the CLI alone with a private mount namespace (unshare -m as root, -rm
// otherwise; the test's own folder bind-mounted onto that path, through an overlay when the
// path does not exist). Its profiles cannot be removed, edited where locked, or replaced by a
// bundle the user signed and trusted; a vault without them gets them back; the same commands
// without the namespace show the folder was what made the difference. Skips when no mount
// namespace can be made here.
#define BOOST_TEST_MODULE managed_station
#include "tests/support/ProfileCli.h"
#include "tests/support/TestSupport.h"

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <unistd.h>

using namespace docdesk;
using test::ProfileCliSecrets;
using test::runProfileCli;
namespace fs = std::filesystem;

namespace {

const std::string kPassphrase = "mail room passphrase 2026";

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// Enters a mount namespace, shows $1 at $2 (overlaying the parent when $2 is missing, the
// overlay's scratch under $3), then runs the rest.
const char* kEnterScript = R"(set -e
src=$1; target=$2; scratch=$(mktemp -d -p "$3"); shift 3
mount --make-rprivate /
if [ ! -d "$target" ]; then
  parent=$(dirname "$target")
  mkdir "$scratch/upper" "$scratch/work"
  mount -t overlay overlay -o "lowerdir=$parent,upperdir=$scratch/upper,workdir=$scratch/work" "$parent"
  mkdir "$target"
fi
mount --bind "$src" "$target"
exec "$@"
)";

struct ManagedStation {
    test::TempDir op, policy, station, scratch;
    test::ProfileCliLaunch managed;
    ProfileCliSecrets unlock{{kPassphrase}, {}};

    ManagedStation() {
        test::writeFile(op / "enter.sh", kEnterScript);
        managed.prefix = {"unshare",
                          ::geteuid() == 0 ? "-m" : "-rm",
                          "sh",
                          (op / "enter.sh").string(),
                          policy.path().string(),
                          DOCDESK_TEST_POLICY_DIR,
                          scratch.path().string()};
        BOOST_REQUIRE(runProfileCli(op.path(), {"profile", "keygen", "--out", (op / "admin").string()})
                          .status.success());
        BOOST_REQUIRE(runProfileCli(op.path(), {"profile", "keygen", "--out", (op / "self").string()})
                          .status.success());
        fs::copy_file(op / "admin.pub", policy / "operator.pub");
        test::writeFile(op / "p.json",
                        R"({"profiles": [{"name": "mailroom", "url": "https://dms.example.org/dav/",
            "user": "clerk", "lockedSettings": ["url", "caBundle"]}]})");
        BOOST_REQUIRE(runProfileCli(op.path(), {"profile", "sign", "--key", (op / "admin.key").string(),
                                                (op / "p.json").string(), "--out",
                                                (policy / "mailroom.docdesk-bundle").string()})
                          .status.success());
        fs::permissions(policy.path(), fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                           fs::perms::others_read | fs::perms::others_exec);
        for (const char* file : {"operator.pub", "mailroom.docdesk-bundle"})
            fs::permissions(policy / file, fs::perms::owner_read | fs::perms::owner_write |
                                               fs::perms::group_read | fs::perms::others_read);
    }
    bool namespaceWorks() {
        const auto r = runProfileCli(station.path(), {"--help"}, {}, {}, managed);
        if (!r.status.success())
            BOOST_TEST_MESSAGE("skipped: no mount namespace here (" << r.err << ")");
        return r.status.success();
    }
    test::ProfileCliRun run(const std::vector<std::string>& args) {
        return runProfileCli(station.path(), args, unlock, {}, managed);
    }
};

} // namespace

BOOST_AUTO_TEST_CASE(policy_profiles_stay_whatever_the_user_does) {
    ManagedStation s;
    if (!s.namespaceWorks())
        return;
    auto r = s.run({"profile", "list"});
    BOOST_REQUIRE_MESSAGE(r.status.success(), r.err);
    BOOST_TEST(contains(r.out, "mailroom  webdav  https://dms.example.org/dav/"), r.out);
    BOOST_TEST(contains(r.out, "locked by the operator"), r.out);
    r = s.run({"profile", "add", "own", "--url", "https://own.example.org/"});
    BOOST_REQUIRE_MESSAGE(r.status.success(), r.err);

    r = s.run({"profile", "remove", "mailroom"});
    BOOST_TEST(r.status.code == 1);
    BOOST_TEST(contains(r.err, "set up by the administrator"), r.err);
    r = s.run({"profile", "edit", "mailroom", "--url", "https://evil.example.org/"});
    BOOST_TEST(r.status.code == 1);
    BOOST_TEST(contains(r.err, "managed by the operator"), r.err);
    // The user trusts their own key instead and signs a bundle without locks: refused.
    test::writeFile(s.op / "mine.json",
                    R"({"profiles": [{"name": "mailroom", "url": "https://evil.example.org/"}]})");
    BOOST_REQUIRE(
        runProfileCli(s.op.path(), {"profile", "sign", "--key", (s.op / "self.key").string(),
                                    (s.op / "mine.json").string(), "--out", (s.op / "mine.bundle").string()})
            .status.success());
    r = s.run({"profile", "trust-operator", (s.op / "self.pub").string(), "--replace"});
    BOOST_TEST(r.status.success(), r.err);
    r = s.run({"profile", "import", (s.op / "mine.bundle").string()});
    BOOST_TEST(r.status.code == 1);
    BOOST_TEST(contains(r.err, "set up by the administrator"), r.err);
    r = s.run({"profile", "list", "--json"});
    BOOST_TEST(contains(r.out, "https://dms.example.org/dav/"), r.out);
    BOOST_TEST(!contains(r.out, "evil"), r.out);

    // Without the policy folder (no namespace) the same vault is an ordinary one: removable.
    r = runProfileCli(s.station.path(), {"profile", "remove", "mailroom"}, s.unlock);
    BOOST_TEST(r.status.success(), r.err);
    BOOST_TEST(!contains(runProfileCli(s.station.path(), {"profile", "list"}, s.unlock).out, "mailroom"));
    // Back on the managed station it is there again, written into the vault, locks and all.
    r = s.run({"profile", "list", "--json"});
    BOOST_TEST(contains(r.out, "\"name\":\"mailroom\""), r.out);
    BOOST_TEST(contains(r.out, "\"lockedSettings\":[\"url\",\"caBundle\"]"), r.out);
    BOOST_TEST(contains(runProfileCli(s.station.path(), {"profile", "list"}, s.unlock).out, "mailroom"));
    // A vault deleted altogether: the profile comes back too.
    fs::remove(s.station / "config" / "docdesk" / "profiles.vault");
    r = s.run({"profile", "list"});
    BOOST_TEST(contains(r.out, "mailroom"), r.out);
}

BOOST_AUTO_TEST_CASE(a_policy_folder_others_can_write_is_ignored) {
    ManagedStation s;
    if (!s.namespaceWorks())
        return;
    fs::permissions(s.policy / "operator.pub", fs::perms::others_write, fs::perm_options::add);
    auto r = s.run({"profile", "list"});
    BOOST_TEST(r.status.success(), r.err);
    BOOST_TEST(contains(r.err, "is ignored"), r.err);
    BOOST_TEST(!contains(r.out, "mailroom"), r.out);
    // A bundle in the folder signed with another key is ignored, with the reason.
    fs::permissions(s.policy / "operator.pub", fs::perms::others_write, fs::perm_options::remove);
    fs::copy_file(s.op / "self.pub", s.policy / "operator.pub", fs::copy_options::overwrite_existing);
    r = s.run({"profile", "list"});
    BOOST_TEST(contains(r.err, "mailroom.docdesk-bundle is ignored"), r.err);
    BOOST_TEST(!contains(r.out, "mailroom"), r.out);
}
