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
#include "core/vault/Profile.h"
#include "core/vault/Secret.h"

#include "core/common/Error.h"

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

// Signs `payload` (the operator's profiles file) after checking it: valid profiles, no
// password anywhere. Returns the bundle text. Throws BundleError.
std::string signBundle(const std::string& payload, const Secret& secretKeyText);

class VerifiedBundle {
public:
    [[nodiscard]] const std::vector<Profile>& profiles() const { return profiles_; }
    [[nodiscard]] const std::string& signer() const { return signer_; }

private:
    friend VerifiedBundle verifyBundle(const std::string& bundleText, const std::string& trustedPublicKeyText);
    VerifiedBundle() = default;
    std::vector<Profile> profiles_;
    std::string signer_;
};

// Checks the signature against the trusted key (never a key named in the bundle itself) and
// parses the profiles, each with signedBy set to the key's fingerprint. Throws BundleError.
VerifiedBundle verifyBundle(const std::string& bundleText, const std::string& trustedPublicKeyText);

} // namespace docdesk::vault
