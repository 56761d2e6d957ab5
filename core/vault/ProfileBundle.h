#pragma once
// Operator bundles: profiles prepared by a mail-room operator (URL, CA, pin, rules, which
// settings are locked — never a password), signed with the operator's Ed25519 key. A station
// that has the operator's public key pinned (operator.pub in the config folder) imports only
// bundles whose signature verifies with exactly that key.
//
// Key files are one line of text: "docdesk-operator-public-1 BASE64" (32-byte Ed25519 key)
// and "docdesk-operator-secret-1 BASE64" (64-byte secret key; keep it off the stations).
// A bundle is JSON: {"docdesk_bundle": 1, "signer": FINGERPRINT, "payload": BASE64,
// "signature": BASE64}, where payload is the operator's profiles file byte for byte:
// {"profiles": [ {profile JSON with "lockedSettings": [...]}, ... ]}.
#include "core/common/Error.h"
#include "core/vault/Profile.h"
#include "core/vault/Secret.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace docdesk::vault {

// A bundle that is not signed by the pinned key, was changed after signing, or is malformed.
class BundleError : public Error {
  public:
    using Error::Error;
};

struct OperatorKeyFiles {
    std::string publicKeyText; // the line for operator.pub / stations
    Secret secretKeyText;      // the line for the operator's own safe place
};
OperatorKeyFiles generateOperatorKey();

// The raw 32-byte public key from a public key file's text; BundleError when malformed.
std::string parsePublicKey(const std::string& publicKeyText);
// A short fingerprint of the public key ("1a2b-3c4d-5e6f-7a8b") the user can compare by eye.
std::string keyFingerprint(const std::string& publicKeyText);

// Seconds since 1970 (UTC) as "2026-12-05T04:30:00Z", and back: parseUtc takes that form or
// a date alone ("2027-06-30" = its first second); BundleError when malformed.
std::string formatUtc(std::int64_t seconds);
std::int64_t parseUtc(const std::string& text);
std::int64_t nowUtc();

// When a bundle was signed and until when stations accept it (nullopt: no end). Both are
// signed with the profiles (in the payload: "issued", "expires").
struct BundleDates {
    std::int64_t issued = 0;
    std::optional<std::int64_t> expires;
};

// Signs `payload` (the operator's profiles file) after checking it: valid profiles, no
// password anywhere. The dates are added to the payload (issued: now by default). Returns the
// bundle text. Throws BundleError.
std::string signBundle(const std::string& payload, const Secret& secretKeyText,
                       std::optional<BundleDates> dates = std::nullopt);

class VerifiedBundle {
  public:
    [[nodiscard]] const std::vector<Profile>& profiles() const { return profiles_; }
    [[nodiscard]] const std::string& signer() const { return signer_; }
    // 0 for a bundle from before bundles carried dates.
    [[nodiscard]] std::int64_t issued() const { return dates_.issued; }
    [[nodiscard]] std::optional<std::int64_t> expires() const { return dates_.expires; }

  private:
    friend VerifiedBundle verifyBundle(const std::string& bundleText, const std::string& trustedPublicKeyText,
                                       std::int64_t now);
    VerifiedBundle() = default;
    std::vector<Profile> profiles_;
    std::string signer_;
    BundleDates dates_;
};

// Checks the signature against the trusted key (never a key named in the bundle itself) and
// parses the profiles, each with signedBy set to the key's fingerprint. An expired bundle
// (expires before `now`) is refused. Throws BundleError.
VerifiedBundle verifyBundle(const std::string& bundleText, const std::string& trustedPublicKeyText,
                            std::int64_t now = nowUtc());

} // namespace docdesk::vault
