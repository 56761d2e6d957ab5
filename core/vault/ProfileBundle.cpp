#include "core/vault/ProfileBundle.h"

#include "core/common/Translate.h"
#include "core/vault/ProfileJson.h"

#include <cstdio>
#include <cstring>
#include <ctime>
#include <new>
#include <nlohmann/json.hpp>
#include <sodium.h>

namespace docdesk::vault {
namespace {

constexpr const char* kPublicPrefix = "docdesk-operator-public-1 ";
constexpr const char* kSecretPrefix = "docdesk-operator-secret-1 ";

void ensureSodium() {
    if (sodium_init() < 0)
        throw std::bad_alloc();
}

std::string toBase64(const unsigned char* data, std::size_t size) {
    std::string out(sodium_base64_encoded_len(size, sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), data, size, sodium_base64_VARIANT_ORIGINAL);
    out.resize(std::strlen(out.c_str()));
    return out;
}

// Decodes into `out` (exactly out.size() bytes expected); false when malformed.
bool fromBase64(std::string_view text, unsigned char* out, std::size_t size, std::size_t* decoded = nullptr) {
    std::size_t length = 0;
    if (sodium_base642bin(out, size, text.data(), text.size(), " \r\n", &length, nullptr,
                          sodium_base64_VARIANT_ORIGINAL) != 0)
        return false;
    if (decoded)
        *decoded = length;
    return decoded ? true : length == size;
}

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' '))
        s.remove_suffix(1);
    while (!s.empty() && s.front() == ' ')
        s.remove_prefix(1);
    return s;
}

struct Payload {
    std::vector<Profile> profiles;
    BundleDates dates;
};

BundleDates parseDates(const nlohmann::json& json) {
    BundleDates dates;
    try {
        if (json.contains("issued"))
            dates.issued = parseUtc(json["issued"].get<std::string>());
        if (json.contains("expires"))
            dates.expires = parseUtc(json["expires"].get<std::string>());
    } catch (const nlohmann::json::exception&) {
        throw BundleError(
            tr("The bundle's \"issued\" and \"expires\" must be texts like 2026-12-05T04:30:00Z."));
    }
    return dates;
}

Payload parsePayload(const std::string& payload) {
    nlohmann::json json;
    try {
        json = nlohmann::json::parse(payload);
    } catch (const nlohmann::json::exception&) {
        throw BundleError(tr("The profiles file is not valid JSON."));
    }
    if (!json.is_object() || !json.contains("profiles") || !json["profiles"].is_array() ||
        json["profiles"].empty())
        throw BundleError(tr("The profiles file must be a JSON object with a non-empty \"profiles\" list."));
    for (const auto& [key, value] : json.items())
        if (key != "profiles" && key != "issued" && key != "expires")
            throw BundleError(tr("The profiles file may hold only the \"profiles\" list (and the dates "
                                 "\"issued\" and \"expires\")."));
    Payload parsed;
    parsed.dates = parseDates(json);
    for (const auto& entry : json["profiles"]) {
        try {
            Profile p = profileFromJson(entry);
            validateProfile(p);
            parsed.profiles.push_back(std::move(p));
        } catch (const BundleError&) {
            throw;
        } catch (const Error& e) {
            throw BundleError(trf("A profile in the bundle is not valid: {}", e.what()));
        }
    }
    return parsed;
}

} // namespace

OperatorKeyFiles generateOperatorKey() {
    ensureSodium();
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    Secret sk = Secret::ofSize(crypto_sign_SECRETKEYBYTES);
    crypto_sign_keypair(pk, sk.data());
    OperatorKeyFiles files;
    files.publicKeyText = kPublicPrefix + toBase64(pk, sizeof pk) + "\n";
    // The text form of the secret key is built in guarded memory too.
    const std::string prefix = kSecretPrefix;
    const std::size_t b64 = sodium_base64_encoded_len(sk.size(), sodium_base64_VARIANT_ORIGINAL);
    Secret text = Secret::ofSize(prefix.size() + b64);
    std::memcpy(text.data(), prefix.data(), prefix.size());
    sodium_bin2base64(reinterpret_cast<char*>(text.data() + prefix.size()), b64, sk.data(), sk.size(),
                      sodium_base64_VARIANT_ORIGINAL);
    text.data()[text.size() - 1] = '\n'; // replaces the terminating NUL
    files.secretKeyText = std::move(text);
    return files;
}

std::string parsePublicKey(const std::string& publicKeyText) {
    const std::string_view text = trimmed(publicKeyText);
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    if (!text.starts_with(kPublicPrefix) ||
        !fromBase64(text.substr(std::strlen(kPublicPrefix)), pk, sizeof pk))
        throw BundleError(tr("This is not a docdesk operator public key (expected one line starting with "
                             "\"docdesk-operator-public-1\")."));
    return std::string(reinterpret_cast<const char*>(pk), sizeof pk);
}

std::string keyFingerprint(const std::string& publicKeyText) {
    const std::string pk = parsePublicKey(publicKeyText);
    unsigned char hash[8];
    crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(pk.data()), pk.size(),
                       nullptr, 0);
    std::string out;
    for (std::size_t i = 0; i < sizeof hash; ++i) {
        if (i > 0 && i % 2 == 0)
            out += '-';
        static const char* digits = "0123456789abcdef";
        out += digits[hash[i] >> 4];
        out += digits[hash[i] & 15];
    }
    return out;
}

std::string formatUtc(std::int64_t seconds) {
    const std::time_t t = static_cast<std::time_t>(seconds);
    std::tm tm{};
    if (gmtime_r(&t, &tm) == nullptr)
        return std::to_string(seconds);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}

std::int64_t parseUtc(const std::string& text) {
    std::tm tm{};
    int consumed = 0;
    const bool full = std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &tm.tm_year, &tm.tm_mon,
                                  &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &consumed) == 6 &&
                      static_cast<std::size_t>(consumed) == text.size();
    if (!full) {
        tm = std::tm{};
        consumed = 0;
        if (std::sscanf(text.c_str(), "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &consumed) !=
                3 ||
            static_cast<std::size_t>(consumed) != text.size())
            throw BundleError(
                trf("'{}' is not a UTC time like 2026-12-05T04:30:00Z or a date like 2027-06-30.", text));
    }
    if (tm.tm_year < 1970 || tm.tm_year > 9999 || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 ||
        tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
        throw BundleError(trf("'{}' is not a valid UTC time.", text));
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return static_cast<std::int64_t>(timegm(&tm));
}

std::int64_t nowUtc() {
    return static_cast<std::int64_t>(std::time(nullptr));
}

std::string signBundle(const std::string& profilesText, const Secret& secretKeyText,
                       std::optional<BundleDates> dates) {
    ensureSodium();
    parsePayload(profilesText); // refuses passwords and invalid profiles before anything is signed
    const BundleDates when = dates.value_or(BundleDates{nowUtc(), std::nullopt});
    nlohmann::ordered_json doc = nlohmann::ordered_json::parse(profilesText);
    doc["issued"] = formatUtc(when.issued);
    if (when.expires)
        doc["expires"] = formatUtc(*when.expires);
    else
        doc.erase("expires");
    const std::string payload = doc.dump(2);
    const std::string_view text = trimmed(secretKeyText.view());
    Secret sk = Secret::ofSize(crypto_sign_SECRETKEYBYTES);
    if (!text.starts_with(kSecretPrefix) ||
        !fromBase64(text.substr(std::strlen(kSecretPrefix)), sk.data(), sk.size()))
        throw BundleError(tr("This is not a docdesk operator secret key (expected one line starting with "
                             "\"docdesk-operator-secret-1\")."));
    unsigned char sig[crypto_sign_BYTES];
    crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(payload.data()), payload.size(),
                         sk.data());
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    crypto_sign_ed25519_sk_to_pk(pk, sk.data());
    const std::string publicText = kPublicPrefix + toBase64(pk, sizeof pk);
    nlohmann::ordered_json bundle;
    bundle["docdesk_bundle"] = 1;
    bundle["signer"] = keyFingerprint(publicText);
    bundle["payload"] = toBase64(reinterpret_cast<const unsigned char*>(payload.data()), payload.size());
    bundle["signature"] = toBase64(sig, sizeof sig);
    return bundle.dump(2) + "\n";
}

VerifiedBundle verifyBundle(const std::string& bundleText, const std::string& trustedPublicKeyText,
                            std::int64_t now) {
    ensureSodium();
    const std::string trusted = parsePublicKey(trustedPublicKeyText);
    nlohmann::json bundle;
    try {
        bundle = nlohmann::json::parse(bundleText);
    } catch (const nlohmann::json::exception&) {
        throw BundleError(tr("The bundle is not a docdesk profile bundle (not valid JSON)."));
    }
    std::string payloadB64, signatureB64;
    try {
        // Only the whole number 1 is a version this docdesk knows; a fraction or a number
        // beyond any integer type is not converted (that would be undefined behaviour).
        const nlohmann::json& version = bundle.at("docdesk_bundle");
        if (!version.is_number_integer() || version.get<std::int64_t>() != 1)
            throw BundleError(tr("The bundle has a format version this docdesk does not know."));
        payloadB64 = bundle.at("payload").get<std::string>();
        signatureB64 = bundle.at("signature").get<std::string>();
    } catch (const nlohmann::json::exception&) {
        throw BundleError(tr("The bundle is not a docdesk profile bundle (fields missing)."));
    }
    unsigned char sig[crypto_sign_BYTES];
    std::string payload(payloadB64.size(), '\0');
    std::size_t payloadSize = 0;
    if (!fromBase64(signatureB64, sig, sizeof sig) ||
        !fromBase64(payloadB64, reinterpret_cast<unsigned char*>(payload.data()), payload.size(),
                    &payloadSize))
        throw BundleError(tr("The bundle is damaged (its payload or signature is not valid base64)."));
    payload.resize(payloadSize);
    if (crypto_sign_verify_detached(sig, reinterpret_cast<const unsigned char*>(payload.data()),
                                    payload.size(),
                                    reinterpret_cast<const unsigned char*>(trusted.data())) != 0)
        throw BundleError(
            trf("The bundle's signature does not match the operator key trusted on this station "
                "({}): it was signed with another key or changed after signing. Nothing was "
                "imported.",
                keyFingerprint(trustedPublicKeyText)));
    VerifiedBundle verified;
    verified.signer_ = keyFingerprint(trustedPublicKeyText);
    Payload parsed = parsePayload(payload);
    if (parsed.dates.expires && *parsed.dates.expires < now)
        throw BundleError(
            trf("The bundle expired on {} (it was issued {}). Nothing was imported; ask the operator "
                "for a current bundle.",
                formatUtc(*parsed.dates.expires), formatUtc(parsed.dates.issued)));
    verified.profiles_ = std::move(parsed.profiles);
    verified.dates_ = parsed.dates;
    for (auto& p : verified.profiles_)
        p.signedBy = verified.signer_;
    return verified;
}

} // namespace docdesk::vault
