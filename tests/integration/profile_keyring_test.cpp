// The profile vault with its key in a real Secret Service (gnome-keyring-daemon on a private
// session bus started by the test): round trip without any passphrase, and fail-closed with
// the file's bytes unchanged when the keyring entry is missing, the keyring is unreachable,
// or the file was changed or truncated.
#define BOOST_TEST_MODULE profile_keyring
#include "core/vault/ProfileStore.h"
#include "core/vault/VaultFile.h"
#include "platform/DurableFiles.h"
#include "platform/Keyring.h"
#include "tests/support/KeyringSession.h"
#include "tests/support/ProfileCli.h"

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <sodium.h>

using namespace docdesk;
using namespace docdesk::vault;
namespace fs = std::filesystem;

namespace {

const std::string kPassword = "p@ss w0rd/with+odd%chars";

struct SessionFixture {
    SessionFixture() { session = std::make_unique<test::KeyringSession>(); }
    ~SessionFixture() { session.reset(); }
    static inline std::unique_ptr<test::KeyringSession> session;
};

struct KeyringVault {
    test::TempDir dir;
    std::unique_ptr<ProfileStore> open(ports::Keyring* keyring = &platform::osKeyring()) {
        VaultUnlock unlock;
        unlock.keyring = keyring;
        unlock.askPassphrase = [](bool) -> Secret {
            throw std::logic_error("the keyring path must never ask for a passphrase");
        };
        unlock.files = &platform::durableFiles();
        return std::make_unique<ProfileStore>(dir.path(), std::move(unlock));
    }
    fs::path file() const { return dir.path() / "profiles.vault"; }
    std::vector<std::byte> bytes() const { return test::readFile(file()); }
    ports::KeyringAttributes attributes() const {
        const auto b = bytes();
        const auto h = decodeHeader(std::span(reinterpret_cast<const unsigned char*>(b.data()), b.size()));
        char hex[33];
        sodium_bin2hex(hex, sizeof hex, h.salt.data(), h.salt.size());
        return {{"application", "docdesk"}, {"docdesk-vault", hex}};
    }
};

Profile sampleProfile() {
    Profile p;
    p.name = "archive";
    p.url = "https://dms.example.org/dav/";
    p.user = "mailroom";
    p.rememberPassword = true;
    return p;
}

void writeBytes(const fs::path& file, const std::vector<std::byte>& bytes) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

std::string failureOf(KeyringVault& v, ports::Keyring* keyring = &platform::osKeyring()) {
    const auto before = v.bytes();
    auto store = v.open(keyring);
    std::string message;
    try {
        (void)store->list();
    } catch (const VaultError& e) {
        message = e.what();
    }
    BOOST_CHECK_THROW(store->put(sampleProfile()), VaultError);
    BOOST_TEST(v.bytes() == before);
    BOOST_TEST(message.find(kPassword) == std::string::npos);
    return message;
}

} // namespace

BOOST_TEST_GLOBAL_FIXTURE(SessionFixture);

BOOST_AUTO_TEST_CASE(keyring_is_found_on_the_test_bus) {
    BOOST_TEST(platform::osKeyring().available());
}

BOOST_AUTO_TEST_CASE(round_trip_with_the_key_in_the_keyring) {
    KeyringVault v;
    v.open()->put(sampleProfile(), Secret(kPassword));
    BOOST_TEST(v.open()->keySource() == "keyring");
    auto store = v.open();
    BOOST_TEST(store->find("archive")->user == "mailroom");
    BOOST_TEST(store->password("archive")->view() == kPassword);
    // The key is in gnome-keyring's own file, not beside the vault.
    BOOST_TEST(fs::exists(SessionFixture::session->keyringFolder() / "login.keyring"));
    for (const auto& entry : fs::directory_iterator(v.dir.path()))
        BOOST_TEST((entry.path().filename() == "profiles.vault" ||
                    entry.path().filename() == "profiles.vault.lock"));
}

BOOST_AUTO_TEST_CASE(missing_keyring_entry_fails_closed) {
    KeyringVault v;
    v.open()->put(sampleProfile(), Secret(kPassword));
    BOOST_TEST(platform::osKeyring().remove(v.attributes()));
    const std::string message = failureOf(v);
    BOOST_TEST(message.find("missing from the OS keyring") != std::string::npos, message);
}

BOOST_AUTO_TEST_CASE(unreachable_keyring_fails_closed) {
    KeyringVault v;
    v.open()->put(sampleProfile(), Secret(kPassword));
    const std::string message = failureOf(v, nullptr);
    BOOST_TEST(message.find("cannot be reached") != std::string::npos, message);
}

BOOST_AUTO_TEST_CASE(changed_or_truncated_file_fails_closed) {
    KeyringVault v;
    v.open()->put(sampleProfile(), Secret(kPassword));
    const auto good = v.bytes();
    for (std::size_t i :
         {std::size_t{9}, std::size_t{30}, std::size_t{50}, kVaultHeaderSize + 3, good.size() - 1}) {
        auto bad = good;
        bad[i] ^= std::byte{0x80};
        writeBytes(v.file(), bad);
        BOOST_TEST(!failureOf(v).empty(), "flipped byte " << i);
    }
    writeBytes(v.file(), std::vector<std::byte>(good.begin(), good.end() - 20));
    BOOST_TEST(!failureOf(v).empty());
    auto old = good;
    old[8] = std::byte{0};
    writeBytes(v.file(), old);
    BOOST_TEST(failureOf(v).find("old format") != std::string::npos);
    writeBytes(v.file(), good);
    BOOST_TEST(v.open()->password("archive")->view() == kPassword);
}

BOOST_AUTO_TEST_CASE(cli_uses_the_keyring_without_asking_for_a_passphrase) {
    test::TempDir home;
    auto environment = SessionFixture::session->environment();
    environment["DOCDESK_NO_KEYRING"] = "";
    // No passphrase descriptor and no terminal: this only works through the keyring.
    auto r = test::runProfileCli(home.path(),
                                 {"profile", "add", "archive", "--url", "https://dms.example.org/dav/",
                                  "--user", "mailroom", "--remember-password"},
                                 {{}, {kPassword}}, environment);
    BOOST_TEST(r.status.success(), r.err);
    r = test::runProfileCli(home.path(), {"profile", "list"}, {}, environment);
    BOOST_TEST(r.status.success(), r.err);
    BOOST_TEST(r.out.find("(password saved)") != std::string::npos, r.out);
    // Without the keyring the same vault fails closed and says why.
    const auto before = test::readFile(home / "config" / "docdesk" / "profiles.vault");
    r = test::runProfileCli(home.path(), {"profile", "edit", "archive", "--user", "x"});
    BOOST_TEST(r.status.code == 1);
    BOOST_TEST(r.err.find("OS keyring") != std::string::npos, r.err);
    BOOST_TEST(test::readFile(home / "config" / "docdesk" / "profiles.vault") == before);
}
