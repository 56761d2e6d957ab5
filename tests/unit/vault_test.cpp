// The profile vault on the passphrase path and operator bundles: round trip, and every kind
// of damage (flipped byte anywhere, truncation, unknown version, wrong passphrase) failing
// closed with the file's bytes unchanged. The keyring path runs against a real Secret Service
// in integration/profile_keyring_test.cpp.
#define BOOST_TEST_MODULE vault
#include "core/vault/ProfileBundle.h"
#include "core/vault/ProfileJson.h"
#include "core/vault/ProfileStore.h"
#include "core/vault/VaultFile.h"
#include "platform/DurableFiles.h"
#include "tests/support/TestSupport.h"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <fstream>
#include <functional>

using namespace docdesk;
using namespace docdesk::vault;
namespace fs = std::filesystem;

namespace {

const std::string kPassphrase = "correct horse battery staple";
const std::string kPassword = "S3cr3t/Pa ss+word%";

// A store on the passphrase path with small Argon2id limits (the defaults are measured in
// vault_bench and exercised once below).
struct PassphraseVault {
    test::TempDir dir;
    std::string passphrase = kPassphrase;
    int asked = 0;

    std::unique_ptr<ProfileStore> open(std::optional<KdfLimits> limits = KdfLimits{1, 1u << 20}) {
        VaultUnlock unlock;
        unlock.askPassphrase = [this](bool) {
            ++asked;
            return Secret(passphrase);
        };
        unlock.kdfLimits = limits;
        unlock.files = &platform::durableFiles();
        return std::make_unique<ProfileStore>(dir.path(), std::move(unlock));
    }
    fs::path file() const { return dir.path() / "profiles.vault"; }
    std::vector<std::byte> bytes() const;
};

Profile sampleProfile(const std::string& name = "archive") {
    Profile p;
    p.name = name;
    p.connector = Connector::WebDav;
    p.url = "https://dms.example.org/dav/";
    p.user = "mailroom";
    p.role = "scanner";
    p.rememberPassword = true;
    p.defaultFolder = "/inbox";
    return p;
}

// Like test::readFile, also for an empty file (truncated to nothing).
std::vector<std::byte> readBytes(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::vector<std::byte> out;
    char c;
    while (in.get(c))
        out.push_back(static_cast<std::byte>(c));
    return out;
}

std::vector<std::byte> PassphraseVault::bytes() const {
    return readBytes(file());
}

void writeBytes(const fs::path& file, const std::vector<std::byte>& bytes) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    if (!bytes.empty())
        out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

// Opening fails with VaultError, and neither reading nor an attempted write changed the file.
void expectFailsClosed(PassphraseVault& v, const std::string& why) {
    BOOST_TEST_CONTEXT(why) {
        const auto before = v.bytes();
        auto store = v.open();
        BOOST_CHECK_THROW((void)store->list(), VaultError);
        BOOST_CHECK_THROW(store->put(sampleProfile("other")), VaultError);
        BOOST_CHECK_THROW(store->remove("archive"), VaultError);
        BOOST_CHECK(v.bytes() == before);
    }
}

bool contains(const std::vector<std::byte>& hay, const std::string& needle) {
    const auto* begin = reinterpret_cast<const char*>(hay.data());
    return std::search(begin, begin + hay.size(), needle.begin(), needle.end()) != begin + hay.size();
}

} // namespace

BOOST_AUTO_TEST_CASE(round_trip_with_passphrase) {
    PassphraseVault v;
    {
        auto store = v.open();
        BOOST_TEST(store->list().empty()); // no file yet: nothing asked
        BOOST_TEST(v.asked == 0);
        store->put(sampleProfile(), Secret(kPassword));
        Profile second = sampleProfile("paperless");
        second.connector = Connector::HttpForm;
        second.url = "http://127.0.0.1:8000/api/documents/post_document/";
        second.rememberPassword = false;
        store->put(second, Secret("not kept"));
        store->setDefault("paperless");
        BOOST_TEST(v.asked == 1);
    }
    BOOST_TEST(fs::exists(v.file()));
    BOOST_TEST(!contains(v.bytes(), kPassword));
    BOOST_TEST(!contains(v.bytes(), "mailroom"));

    auto store = v.open();
    const auto profiles = store->list();
    BOOST_TEST(v.asked == 2);
    BOOST_REQUIRE_EQUAL(profiles.size(), 2u);
    BOOST_TEST(profiles[0].user == "mailroom");
    BOOST_TEST(profiles[0].defaultFolder == "/inbox");
    BOOST_TEST((profiles[1].connector == Connector::HttpForm));
    BOOST_TEST(store->defaultProfile()->name == "paperless");
    BOOST_REQUIRE(store->password("archive"));
    BOOST_TEST(store->password("archive")->view() == kPassword);
    BOOST_TEST(!store->password("paperless"));
    BOOST_TEST(store->keySource() == "passphrase");

    // Unticking "remember" forgets the password; the previous file becomes the backup.
    const auto beforeChange = v.bytes();
    Profile changed = *store->find("archive");
    changed.rememberPassword = false;
    store->put(changed);
    BOOST_TEST(!store->password("archive"));
    BOOST_TEST(readBytes(v.dir.path() / "profiles.vault.bak") == beforeChange);
    store->remove("paperless");
    BOOST_TEST(store->defaultProfile().has_value()); // the only one left is the default
    BOOST_TEST(v.open()->list().size() == 1u);
}

BOOST_AUTO_TEST_CASE(default_argon2id_limits_round_trip) {
    PassphraseVault v;
    v.open(std::nullopt)->put(sampleProfile(), Secret(kPassword));
    const auto bytes = v.bytes();
    const VaultHeader h =
        decodeHeader(std::span(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()));
    BOOST_TEST(h.opsLimit == defaultKdfLimits().opsLimit);
    BOOST_TEST(h.memLimit == defaultKdfLimits().memLimit);
    BOOST_TEST(v.open(std::nullopt)->password("archive")->view() == kPassword);
}

BOOST_AUTO_TEST_CASE(wrong_passphrase_fails_closed) {
    PassphraseVault v;
    v.open()->put(sampleProfile(), Secret(kPassword));
    v.passphrase = "correct horse battery stapler";
    expectFailsClosed(v, "wrong passphrase");
    try {
        (void)v.open()->list();
    } catch (const VaultError& e) {
        BOOST_TEST(std::string(e.what()).find("passphrase is wrong") != std::string::npos);
        BOOST_TEST(std::string(e.what()).find(kPassword) == std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(every_flipped_byte_fails_closed) {
    PassphraseVault v;
    v.open()->put(sampleProfile(), Secret(kPassword));
    const auto good = v.bytes();
    // Every header byte and every 5th byte of ciphertext and tag.
    for (std::size_t i = 0; i < good.size(); i += (i < kVaultHeaderSize || i + 16 >= good.size()) ? 1 : 5) {
        auto bad = good;
        bad[i] ^= std::byte{0x01};
        writeBytes(v.file(), bad);
        expectFailsClosed(v, "flipped byte " + std::to_string(i));
    }
}

BOOST_AUTO_TEST_CASE(truncation_fails_closed) {
    PassphraseVault v;
    v.open()->put(sampleProfile(), Secret(kPassword));
    const auto good = v.bytes();
    for (std::size_t length :
         {std::size_t{0}, std::size_t{7}, std::size_t{8}, kVaultHeaderSize - 1, kVaultHeaderSize,
          kVaultHeaderSize + 15, kVaultHeaderSize + 16, good.size() / 2, good.size() - 1}) {
        writeBytes(v.file(), std::vector<std::byte>(good.begin(), good.begin() + static_cast<long>(length)));
        expectFailsClosed(v, "truncated to " + std::to_string(length));
    }
    // Extra bytes appended are damage too.
    auto longer = good;
    longer.push_back(std::byte{0});
    writeBytes(v.file(), longer);
    expectFailsClosed(v, "one byte appended");
}

BOOST_AUTO_TEST_CASE(unknown_and_old_versions_fail_closed_with_their_reason) {
    PassphraseVault v;
    v.open()->put(sampleProfile(), Secret(kPassword));
    const auto good = v.bytes();
    for (unsigned char version : {0, 2, 255}) {
        auto bad = good;
        bad[8] = std::byte{version};
        writeBytes(v.file(), bad);
        expectFailsClosed(v, "version " + std::to_string(version));
        try {
            (void)v.open()->list();
            BOOST_FAIL("opened a vault of version " << int(version));
        } catch (const VaultError& e) {
            const std::string message = e.what();
            BOOST_TEST(message.find(version == 0 ? "old format" : "newer docdesk") != std::string::npos);
        }
    }
}

BOOST_AUTO_TEST_CASE(not_a_vault_and_short_passphrases_are_refused) {
    PassphraseVault v;
    test::writeFile(v.file(), "profiles: none\n");
    expectFailsClosed(v, "text file");

    PassphraseVault fresh;
    fresh.passphrase = "short";
    BOOST_CHECK_THROW(fresh.open()->put(sampleProfile()), VaultError);
    BOOST_TEST(!fs::exists(fresh.file()));
}

BOOST_AUTO_TEST_CASE(invalid_profiles_are_refused_and_nothing_written) {
    PassphraseVault v;
    auto store = v.open();
    Profile p = sampleProfile();
    p.url = "http://dms.example.org/";
    BOOST_CHECK_THROW(store->put(p), Error);
    p.url = "https://mailroom:hunter2@dms.example.org/";
    BOOST_CHECK_THROW(store->put(p), Error);
    p = sampleProfile();
    p.name = "";
    BOOST_CHECK_THROW(store->put(p), Error);
    p = sampleProfile();
    p.lockedSettings = {"url"}; // locks only come from a signed bundle
    BOOST_CHECK_THROW(store->put(p), VaultError);
    BOOST_TEST(!fs::exists(v.file()));
    BOOST_CHECK_THROW(parseConnector("ftp"), Error);
}

// --- operator bundles ---

namespace {
const std::string kPayload = R"({"profiles": [{"name": "archive", "connector": "webdav",
  "url": "https://dms.example.org/dav/", "caBundle": "/etc/docdesk/operator-ca.pem",
  "pinnedPublicKey": "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "defaultFolder": "/inbox",
  "lockedSettings": ["url", "caBundle", "pinnedPublicKey"]}]})";
}

BOOST_AUTO_TEST_CASE(good_bundle_imports_and_its_locked_settings_cannot_change) {
    const auto key = generateOperatorKey();
    const std::string bundle = signBundle(kPayload, key.secretKeyText);
    const VerifiedBundle verified = verifyBundle(bundle, key.publicKeyText);
    BOOST_REQUIRE_EQUAL(verified.profiles().size(), 1u);
    BOOST_TEST(verified.profiles()[0].signedBy == keyFingerprint(key.publicKeyText));

    PassphraseVault v;
    auto store = v.open();
    Profile mine = sampleProfile();
    mine.url = "https://old.example.org/";
    store->put(mine, Secret(kPassword));
    // The bundle moves the profile to another server: the password saved for the old one goes.
    const auto forgotten = store->importBundle(verified);
    BOOST_TEST(forgotten == std::vector<std::string>{"archive"});

    Profile p = *store->find("archive");
    BOOST_TEST(p.url == "https://dms.example.org/dav/");
    BOOST_TEST(p.user == "mailroom"); // not locked: the user's value stays
    BOOST_TEST(p.isLocked("url"));
    BOOST_TEST(!store->password("archive"));
    // Saved again (after a login): kept through a re-import of the same bundle.
    store->put(p, Secret(kPassword));
    BOOST_TEST(store->importBundle(verified).empty());
    BOOST_TEST(store->password("archive")->view() == kPassword);

    const auto before = v.bytes();
    Profile edited = p;
    edited.url = "https://evil.example.org/";
    BOOST_CHECK_THROW(store->put(edited), VaultError);
    edited = p;
    edited.lockedSettings.clear(); // lifting the lock by hand
    BOOST_CHECK_THROW(store->put(edited), VaultError);
    BOOST_TEST(v.bytes() == before);
    edited = p;
    edited.user = "someone-else"; // not locked
    store->put(edited);
    BOOST_TEST(v.open()->find("archive")->user == "someone-else");
    BOOST_TEST(v.open()->find("archive")->isLocked("pinnedPublicKey"));
}

BOOST_AUTO_TEST_CASE(foreign_or_changed_bundles_are_refused) {
    const auto operatorKey = generateOperatorKey();
    const auto otherKey = generateOperatorKey();
    const std::string foreign = signBundle(kPayload, otherKey.secretKeyText);
    BOOST_CHECK_THROW(verifyBundle(foreign, operatorKey.publicKeyText), BundleError);

    const std::string good = signBundle(kPayload, operatorKey.secretKeyText);
    auto json = nlohmann::json::parse(good);
    // Changed after signing: the payload re-encoded with another URL, old signature kept.
    std::string payload = kPayload;
    payload.replace(payload.find("dms.example.org"), 15, "evil.example.co");
    const std::string b64 = nlohmann::json::parse(signBundle(payload, operatorKey.secretKeyText))["payload"];
    json["payload"] = b64;
    BOOST_CHECK_THROW(verifyBundle(json.dump(), operatorKey.publicKeyText), BundleError);
    // The signer field is informational: naming the trusted key does not help a foreign bundle.
    auto relabelled = nlohmann::json::parse(foreign);
    relabelled["signer"] = keyFingerprint(operatorKey.publicKeyText);
    BOOST_CHECK_THROW(verifyBundle(relabelled.dump(), operatorKey.publicKeyText), BundleError);
    // Flipping any character of the good bundle never yields a bundle that verifies differently.
    for (std::size_t i = 0; i < good.size(); i += 3) {
        std::string bad = good;
        bad[i] = bad[i] == 'A' ? 'B' : 'A';
        try {
            const auto v = verifyBundle(bad, operatorKey.publicKeyText);
            BOOST_TEST(v.profiles()[0].url ==
                       "https://dms.example.org/dav/"); // only whitespace/format changed
        } catch (const BundleError&) {
        }
    }
    BOOST_CHECK_THROW(verifyBundle("not json", operatorKey.publicKeyText), BundleError);
    BOOST_CHECK_THROW(verifyBundle(good, "docdesk-operator-public-1 short"), BundleError);
    // A version that is no whole number, or one beyond any integer (found by fuzzing: its
    // conversion to int was undefined behaviour), is refused as an unknown version.
    for (const char* version : {"7.77778e+55", "1.5", "-1e300", "18446744073709551615", "\"1\""}) {
        auto odd = nlohmann::json::parse(good);
        odd["docdesk_bundle"] = nlohmann::json::parse(version);
        BOOST_CHECK_THROW(verifyBundle(odd.dump(), operatorKey.publicKeyText), BundleError);
    }
}

BOOST_AUTO_TEST_CASE(bundles_never_carry_passwords) {
    const auto key = generateOperatorKey();
    const std::string withPassword =
        R"({"profiles": [{"name": "a", "url": "https://x.example/", "password": "hunter2"}]})";
    BOOST_CHECK_THROW(signBundle(withPassword, key.secretKeyText), BundleError);
    BOOST_CHECK_THROW(signBundle(R"({"profiles": []})", key.secretKeyText), BundleError);
    BOOST_CHECK_THROW(signBundle(kPayload, Secret("docdesk-operator-secret-1 AAAA")), BundleError);
}

// --- issue 18: trust boundaries ---

BOOST_AUTO_TEST_CASE(origin_of_a_url) {
    BOOST_TEST(originOf("https://DMS.example.org/dav/") == "https://dms.example.org:443");
    BOOST_TEST(originOf("https://dms.example.org:443") == "https://dms.example.org:443");
    BOOST_TEST(originOf("https://dms.example.org:8443/x?y") == "https://dms.example.org:8443");
    BOOST_TEST(originOf("http://127.0.0.1/") == "http://127.0.0.1:80");
    BOOST_TEST(originOf("http://[::1]:8080/a") == "http://[::1]:8080");
    BOOST_TEST(originOf("HTTP://[::1]/a") == "http://[::1]:80");
}

BOOST_AUTO_TEST_CASE(a_saved_password_stays_with_its_origin) {
    PassphraseVault v;
    auto store = v.open();
    Profile p = sampleProfile();
    BOOST_TEST(!store->put(p, Secret(kPassword)));
    // Same origin (path, default port spelled out, other case, other role): kept.
    for (const std::string url : {"https://dms.example.org/other/", "https://DMS.example.org:443/dav/"}) {
        p.url = url;
        BOOST_TEST(!store->put(p));
        BOOST_REQUIRE(store->password("archive"));
    }
    p.role = "clerk";
    BOOST_TEST(!store->put(p));
    BOOST_TEST(store->password("archive")->view() == kPassword);
    // Another host, port, scheme or CA: forgotten, also after reopening.
    for (const auto& change : std::vector<std::function<void(Profile&)>>{
             [](Profile& q) { q.url = "https://other.example.org/dav/"; },
             [](Profile& q) { q.url = "https://dms.example.org:8443/dav/"; },
             [](Profile& q) { q.url = "http://127.0.0.1/dav/"; },
             [](Profile& q) { q.caBundle = "/tmp/another-ca.pem"; },
             [](Profile& q) { q.pinnedPublicKey = "sha256//BBBB"; }}) {
        Profile saved = sampleProfile();
        store->put(saved, Secret(kPassword));
        BOOST_REQUIRE(store->password("archive"));
        Profile moved = saved;
        change(moved);
        BOOST_TEST(store->put(moved));
        BOOST_TEST(!store->password("archive"));
        BOOST_TEST(!v.open()->password("archive"));
        BOOST_TEST(store->find("archive")->rememberPassword); // asked again, then remembered again
        // Moving back does not bring it back either: it is gone.
        BOOST_TEST(!store->put(saved));
        BOOST_TEST(!store->password("archive"));
    }
    // A new password given with the move is bound to the new server.
    p.url = "https://new.example.org/";
    BOOST_TEST(!store->put(p, Secret("new one")));
    BOOST_TEST(v.open()->password("archive")->view() == "new one");
}

BOOST_AUTO_TEST_CASE(a_bundle_changing_only_the_ca_forgets_the_password) {
    const auto key = generateOperatorKey();
    PassphraseVault v;
    auto store = v.open();
    const auto bundle = [&](const std::string& ca) {
        return verifyBundle(
            signBundle(R"({"profiles": [{"name": "archive", "url": "https://dms.example.org/dav/",
            "user": "mailroom", "rememberPassword": true, "caBundle": ")" +
                           ca + R"(",
            "lockedSettings": ["url", "caBundle"]}]})",
                       key.secretKeyText),
            key.publicKeyText);
    };
    store->importBundle(bundle("/etc/ssl/company-ca.pem"));
    store->put(*store->find("archive"), Secret(kPassword));
    BOOST_TEST(store->importBundle(bundle("/etc/ssl/company-ca.pem")).empty());
    BOOST_TEST(store->password("archive").has_value());
    BOOST_TEST(store->importBundle(bundle("/etc/ssl/attacker-ca.pem")) ==
               std::vector<std::string>{"archive"});
    BOOST_TEST(!store->password("archive"));
}

BOOST_AUTO_TEST_CASE(bundle_dates_refuse_replays_and_expired_bundles) {
    const auto key = generateOperatorKey();
    const std::string older = R"({"profiles": [{"name": "archive", "url": "https://old.example.org/",
        "lockedSettings": ["url"]}]})";
    const std::string newer = R"({"profiles": [{"name": "archive", "url": "https://new.example.org/",
        "lockedSettings": ["url"]}]})";
    const std::int64_t t0 = parseUtc("2026-12-01T08:00:00Z");
    BOOST_TEST(formatUtc(t0) == "2026-12-01T08:00:00Z");
    BOOST_TEST(parseUtc("2027-06-30") == parseUtc("2027-06-30T00:00:00Z"));
    BOOST_CHECK_THROW(parseUtc("2027-13-01"), BundleError);
    BOOST_CHECK_THROW(parseUtc("yesterday"), BundleError);
    BOOST_CHECK_THROW(parseUtc("2027-01-01T00:00:00Zjunk"), BundleError);

    const std::string oldBundle = signBundle(older, key.secretKeyText, BundleDates{t0, std::nullopt});
    const std::string newBundle = signBundle(newer, key.secretKeyText, BundleDates{t0 + 3600, t0 + 86400});
    BOOST_TEST(verifyBundle(newBundle, key.publicKeyText, t0).issued() == t0 + 3600);
    BOOST_TEST(*verifyBundle(newBundle, key.publicKeyText, t0).expires() == t0 + 86400);
    // Expired: refused, with the date in the message.
    try {
        (void)verifyBundle(newBundle, key.publicKeyText, t0 + 86401);
        BOOST_FAIL("an expired bundle verified");
    } catch (const BundleError& e) {
        BOOST_TEST(std::string(e.what()).find("expired on 2026-12-02T08:00:00Z") != std::string::npos,
                   e.what());
    }
    // The dates are signed: changing them breaks the signature.
    auto json = nlohmann::json::parse(newBundle);
    std::string payload = nlohmann::json::parse(
        signBundle(newer, key.secretKeyText, BundleDates{t0 + 3600, t0 + 99 * 86400}))["payload"];
    json["payload"] = payload;
    BOOST_CHECK_THROW(verifyBundle(json.dump(), key.publicKeyText, t0), BundleError);

    PassphraseVault v;
    auto store = v.open();
    store->importBundle(verifyBundle(newBundle, key.publicKeyText, t0));
    const auto before = v.bytes();
    try {
        store->importBundle(verifyBundle(oldBundle, key.publicKeyText, t0));
        BOOST_FAIL("an older bundle replaced a newer one");
    } catch (const VaultError& e) {
        BOOST_TEST(std::string(e.what()).find("issued 2026-12-01T08:00:00Z") != std::string::npos, e.what());
    }
    BOOST_TEST(v.bytes() == before);
    BOOST_TEST(v.open()->find("archive")->url == "https://new.example.org/");
    // The same bundle again is fine; the newest issue time is remembered across reopening.
    v.open()->importBundle(verifyBundle(newBundle, key.publicKeyText, t0));
    BOOST_CHECK_THROW(v.open()->importBundle(verifyBundle(oldBundle, key.publicKeyText, t0)), VaultError);
    // Another operator's bundles are counted separately.
    const auto other = generateOperatorKey();
    v.open()->importBundle(verifyBundle(signBundle(older, other.secretKeyText, BundleDates{t0, std::nullopt}),
                                        other.publicKeyText, t0));
}

BOOST_AUTO_TEST_CASE(policy_profiles_cannot_be_removed_or_replaced_and_come_back) {
    const auto admin = generateOperatorKey();
    const auto self = generateOperatorKey();
    const std::string payload = R"({"profiles": [{"name": "mailroom", "url": "https://dms.example.org/dav/",
        "lockedSettings": ["url"]}]})";
    auto policy = std::make_shared<std::vector<VerifiedBundle>>();
    policy->push_back(verifyBundle(signBundle(payload, admin.secretKeyText), admin.publicKeyText));
    PassphraseVault v;
    const auto open = [&] {
        VaultUnlock unlock;
        unlock.askPassphrase = [&](bool) { return Secret(kPassphrase); };
        unlock.kdfLimits = KdfLimits{1, 1u << 20};
        unlock.policy = policy;
        return std::make_unique<ProfileStore>(v.dir.path(), std::move(unlock));
    };
    auto store = open();
    BOOST_REQUIRE(store->find("mailroom")); // there without a vault file
    BOOST_TEST(store->isManaged("mailroom"));
    BOOST_TEST(!fs::exists(v.file()));
    store->put(sampleProfile("own"));
    BOOST_CHECK_THROW(store->remove("mailroom"), VaultError);
    // A self-signed bundle (the user trusted their own key) cannot replace it.
    const std::string evil = R"({"profiles": [{"name": "mailroom", "url": "https://evil.example.org/"}]})";
    BOOST_CHECK_THROW(
        store->importBundle(verifyBundle(signBundle(evil, self.secretKeyText), self.publicKeyText)),
        VaultError);
    Profile p = *store->find("mailroom");
    p.url = "https://evil.example.org/";
    BOOST_CHECK_THROW(store->put(p), VaultError);
    // A vault written without the policy (e.g. an older docdesk) gets it back at the next start.
    auto unmanaged = v.open();
    unmanaged->remove("mailroom");
    BOOST_TEST(!v.open()->find("mailroom"));
    auto again = open();
    BOOST_REQUIRE(again->find("mailroom"));
    BOOST_TEST(again->find("mailroom")->url == "https://dms.example.org/dav/");
    BOOST_TEST(v.open()->find("mailroom").has_value()); // written back to the vault
    BOOST_TEST(again->find("own").has_value());
}

BOOST_AUTO_TEST_CASE(settings_with_line_breaks_are_refused) {
    for (const std::string setting : {"url", "proxy", "user", "role"}) {
        Profile p = sampleProfile();
        if (setting == "proxy")
            p.proxy = "http://proxy.example.org:3128\r\nX-Injected: 1";
        else
            setSetting(p, setting, settingValue(p, setting) + "\r\nX-Injected: 1");
        try {
            validateProfile(p);
            BOOST_FAIL("accepted a line break in " << setting);
        } catch (const Error& e) {
            BOOST_TEST(std::string(e.what()).find("'" + setting + "' contains a line break") !=
                           std::string::npos,
                       e.what());
        }
    }
}
