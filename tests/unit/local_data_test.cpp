#define BOOST_TEST_MODULE local_data
// The Privacy page's inventory on a real folder layout in a temporary home: every item with its
// real size, deleting one item (keeping the open session), deleting everything, and refusing to
// delete anything outside docdesk's folders; with a real keyring, the vault's key goes with it.
#include "app/common/LocalData.h"
#include "core/common/Error.h"
#include "core/vault/ProfileStore.h"
#include "core/vault/VaultFile.h"
#include "platform/Keyring.h"
#include "tests/support/KeyringSession.h"
#include "tests/support/TestSupport.h"

#include <boost/test/unit_test.hpp>

using namespace docdesk;
namespace fs = std::filesystem;

namespace {

platform::AppDirs dirsIn(const test::TempDir& home) {
    return {home / "data/docdesk", home / "config/docdesk", home / "cache/docdesk", home / "state/docdesk"};
}

void writeBytes(const fs::path& f, size_t n, char c = 'x') {
    fs::create_directories(f.parent_path());
    test::writeFile(f, std::string(n, c));
}

// A layout as docdesk leaves it, with known sizes.
platform::AppDirs populate(const test::TempDir& home) {
    const auto d = dirsIn(home);
    writeBytes(d.config / "profiles.vault", 1000);
    writeBytes(d.config / "profiles.vault.bak", 900);
    writeBytes(d.config / "operator.pub", 57);
    writeBytes(d.config / "docdesk.conf", 120);
    writeBytes(d.data / "sessions/2026-11-01-a/session.sqlite", 4096);
    writeBytes(d.data / "sessions/2026-11-01-a/originals/p1.png", 20000);
    writeBytes(d.data / "sessions/2026-11-02-b/session.sqlite", 4096);
    writeBytes(d.data / "sessions/2026-11-02-b/originals/p1.jpg", 30000);
    writeBytes(d.data / "outbox/1.pdf", 5000);
    writeBytes(d.data / "outbox.sqlite", 8192);
    writeBytes(d.data / "outbox.sqlite-wal", 100);
    writeBytes(d.cache / "thumbs/a.png", 300);
    writeBytes(d.state / "crash-reports/docdesk-20261101T100000Z-42.txt", 700);
    writeBytes(d.state / "crash-reports/docdesk-cli-20261102T100000Z-43.txt", 800);
    return d;
}

const app::LocalDataItem& find(const std::vector<app::LocalDataItem>& items, app::LocalDataKind kind) {
    const auto it = std::find_if(items.begin(), items.end(), [&](const auto& i) { return i.kind == kind; });
    BOOST_REQUIRE_MESSAGE(it != items.end(), "item kind " << int(kind) << " missing");
    return *it;
}

} // namespace

BOOST_AUTO_TEST_CASE(lists_every_item_with_its_real_size) {
    test::TempDir home;
    const auto d = populate(home);
    writeBytes(d.data / "stray.txt", 11);
    const auto items = app::listLocalData(d);
    for (const auto& i : items)
        BOOST_TEST_MESSAGE(i.name << "  " << i.path << "  " << i.bytes);
    BOOST_TEST(find(items, app::LocalDataKind::Profiles).bytes == 1000u);
    BOOST_TEST(find(items, app::LocalDataKind::ProfileBackup).bytes == 900u);
    BOOST_TEST(find(items, app::LocalDataKind::OperatorKey).bytes == 57u);
    BOOST_TEST(find(items, app::LocalDataKind::Settings).bytes == 120u);
    BOOST_TEST(find(items, app::LocalDataKind::Sessions).bytes == 4096u * 2 + 20000 + 30000);
    BOOST_TEST(find(items, app::LocalDataKind::Sessions).files == 4u);
    BOOST_TEST(find(items, app::LocalDataKind::Outbox).bytes == 5000u);
    BOOST_TEST(find(items, app::LocalDataKind::OutboxDatabase).bytes == 8192u + 100);
    BOOST_TEST(find(items, app::LocalDataKind::OutboxDatabase).paths.size() == 2u);
    BOOST_TEST(find(items, app::LocalDataKind::Cache).bytes == 300u);
    BOOST_TEST(find(items, app::LocalDataKind::Other).path == d.data / "stray.txt");
    // Crash reports one by one, oldest first.
    const auto reports = app::listCrashReports(d);
    BOOST_REQUIRE_EQUAL(reports.size(), 2u);
    BOOST_TEST(reports[0].path.filename() == "docdesk-20261101T100000Z-42.txt");
    BOOST_TEST(reports[0].bytes == 700u);
    BOOST_TEST(reports[1].bytes == 800u);
    std::uint64_t total = 0;
    for (const auto& i : items)
        total += i.bytes;
    BOOST_TEST(total == 1000u + 900 + 57 + 120 + 4096 * 2 + 50000 + 5000 + 8292 + 300 + 1500 + 11);
    // Nothing was listed twice.
    for (size_t a = 0; a < items.size(); ++a)
        for (size_t b = a + 1; b < items.size(); ++b)
            BOOST_TEST(items[a].path != items[b].path);
}

BOOST_AUTO_TEST_CASE(an_empty_home_lists_nothing) {
    test::TempDir home;
    BOOST_TEST(app::listLocalData(dirsIn(home)).empty());
}

BOOST_AUTO_TEST_CASE(deletes_one_item_and_keeps_the_open_session) {
    test::TempDir home;
    const auto d = populate(home);
    auto items = app::listLocalData(d);
    app::deleteLocalData(d, app::listCrashReports(d).front());
    BOOST_TEST(!fs::exists(d.state / "crash-reports/docdesk-20261101T100000Z-42.txt"));
    BOOST_TEST(app::listCrashReports(d).size() == 1u);

    app::deleteLocalData(d, find(items, app::LocalDataKind::OutboxDatabase));
    BOOST_TEST(!fs::exists(d.data / "outbox.sqlite"));
    BOOST_TEST(!fs::exists(d.data / "outbox.sqlite-wal"));
    BOOST_TEST(fs::exists(d.data / "outbox/1.pdf"));

    const fs::path open = d.data / "sessions/2026-11-02-b";
    app::deleteLocalData(d, find(items, app::LocalDataKind::Sessions), open);
    BOOST_TEST(!fs::exists(d.data / "sessions/2026-11-01-a"));
    BOOST_TEST(fs::exists(open / "originals/p1.jpg"));
    items = app::listLocalData(d);
    BOOST_TEST(find(items, app::LocalDataKind::Sessions).bytes == 4096u + 30000);

    app::deleteLocalData(d, find(items, app::LocalDataKind::Cache));
    BOOST_TEST(fs::exists(d.cache)); // emptied, not removed
    BOOST_TEST(fs::is_empty(d.cache));
}

BOOST_AUTO_TEST_CASE(deletes_everything) {
    test::TempDir home;
    const auto d = populate(home);
    writeBytes(home / "data/other-app/keep.txt", 5);
    app::deleteAllLocalData(d);
    for (const auto& root : {d.data, d.config, d.cache, d.state})
        BOOST_TEST(!fs::exists(root));
    BOOST_TEST(fs::exists(home / "data/other-app/keep.txt"));
    BOOST_TEST(app::listLocalData(d).empty());
}

BOOST_AUTO_TEST_CASE(refuses_paths_outside_the_docdesk_folders) {
    test::TempDir home;
    const auto d = populate(home);
    writeBytes(home / "precious/thesis.pdf", 10);
    fs::create_symlink(home / "precious", d.data / "link-to-precious");

    auto attempt = [&](const fs::path& p) {
        app::LocalDataItem item;
        item.path = p;
        item.paths = {d.data / "outbox", p}; // one good path does not make a bad one acceptable
        BOOST_CHECK_THROW(app::deleteLocalData(d, item), Error);
        BOOST_TEST(fs::exists(d.data / "outbox/1.pdf")); // nothing touched
    };
    attempt(home / "precious/thesis.pdf");
    attempt(home / "precious");
    attempt(d.data / ".." / ".." / "precious");
    attempt(d.data / "link-to-precious" / "thesis.pdf"); // through a link out of the folder
    attempt(d.data);                                     // the folder itself
    attempt(home.path());
    attempt("/");
    attempt("");
    BOOST_TEST(fs::exists(home / "precious/thesis.pdf"));

    // The link itself is inside and goes, but what it points to stays.
    app::LocalDataItem link;
    link.path = d.data / "link-to-precious";
    link.paths = {link.path};
    app::deleteLocalData(d, link);
    BOOST_TEST(!fs::exists(fs::symlink_status(d.data / "link-to-precious")));
    BOOST_TEST(fs::exists(home / "precious/thesis.pdf"));

    // Folders that are not docdesk's are never removed whole.
    platform::AppDirs wrong = d;
    wrong.cache = home / "precious";
    BOOST_CHECK_THROW(app::deleteAllLocalData(wrong), Error);
    BOOST_TEST(fs::exists(home / "precious/thesis.pdf"));
}

BOOST_AUTO_TEST_CASE(sizes_read_well) {
    BOOST_TEST(app::formatSize(0) == "0 bytes");
    BOOST_TEST(app::formatSize(1) == "1 byte");
    BOOST_TEST(app::formatSize(999) == "999 bytes");
    BOOST_TEST(app::formatSize(1000) == "1.0 KB");
    BOOST_TEST(app::formatSize(1250) == "1.2 KB"); // 1.25 is exact in binary and rounds to even
    BOOST_TEST(app::formatSize(23'000'000) == "23.0 MB");
    BOOST_TEST(app::formatSize(999'990) == "1.0 MB");
    BOOST_TEST(app::formatSize(1'200'000'000) == "1.2 GB");
}

// With a real Secret Service (private D-Bus and gnome-keyring): deleting the profile vault also
// removes its key from the keyring, and only that key.
BOOST_AUTO_TEST_CASE(deleting_the_profiles_forgets_the_vault_key_in_the_keyring) {
    test::KeyringSession session;
    test::TempDir home;
    const auto d = dirsIn(home);
    auto openStore = [&](const fs::path& dir) {
        vault::VaultUnlock unlock;
        unlock.keyring = &platform::osKeyring();
        unlock.askPassphrase = [](bool) -> vault::Secret { throw std::logic_error("the keyring is there"); };
        return std::make_unique<vault::ProfileStore>(dir, std::move(unlock));
    };
    vault::Profile p;
    p.name = "gw";
    p.url = "https://dms.example.org/dav/";
    openStore(d.config)->put(p);
    const fs::path otherVault = home / "other-config/docdesk";
    openStore(otherVault)->put(p); // another vault's key must stay

    auto keyIn = [](const fs::path& vaultFile) {
        const auto bytes = test::readFile(vaultFile);
        const auto header = vault::decodeHeader(
            std::span(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()));
        std::string salt;
        for (unsigned char b : header.salt) {
            static const char digits[] = "0123456789abcdef";
            salt += digits[b >> 4];
            salt += digits[b & 15];
        }
        return platform::osKeyring().lookup({{"application", "docdesk"}, {"docdesk-vault", salt}},
                                            [](std::span<const unsigned char>) {});
    };
    BOOST_REQUIRE(keyIn(d.config / "profiles.vault"));
    BOOST_REQUIRE(keyIn(otherVault / "profiles.vault"));
    const auto vaultBytes = test::readFile(d.config / "profiles.vault");

    app::deleteLocalData(d, find(app::listLocalData(d), app::LocalDataKind::Profiles), {},
                         &platform::osKeyring());
    BOOST_TEST(!fs::exists(d.config / "profiles.vault"));
    // The entry is gone: check with the deleted vault's header, written back for the lookup only.
    fs::create_directories(home / "check");
    test::writeFile(home / "check/profiles.vault",
                    std::string(reinterpret_cast<const char*>(vaultBytes.data()), vaultBytes.size()));
    BOOST_TEST(!keyIn(home / "check/profiles.vault"));
    BOOST_TEST(keyIn(otherVault / "profiles.vault"));
    BOOST_TEST(!app::forgetVaultKey(home / "check/profiles.vault", platform::osKeyring())); // nothing left
}
