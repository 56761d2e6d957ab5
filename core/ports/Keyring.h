#pragma once
// The OS keyring as core sees it (Secret Service on Linux; Windows Credential Manager and the
// macOS Keychain planned behind the same interface). A secret is found by a set of attributes.
// Secrets cross this interface as byte spans handed to a callback, so core can copy them
// straight into guarded memory (vault::Secret) and the platform can wipe its own copy; the
// port itself depends on nothing in core.
#include <functional>
#include <map>
#include <span>
#include <stdexcept>
#include <string>

namespace docdesk::ports {

// The keyring service answered with an error (locked and cannot be unlocked, refused, ...).
// The message is technical (from the OS); core wraps it in a message for the user.
class KeyringError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

using KeyringAttributes = std::map<std::string, std::string>;

class Keyring {
  public:
    virtual ~Keyring() = default;

    // Whether a keyring service is reachable at all (false, quickly, when there is no session
    // bus or no Secret Service on it). Callers take the passphrase path then.
    [[nodiscard]] virtual bool available() = 0;

    // Stores (or replaces) the secret with exactly these attributes. `label` is what the
    // user sees in the OS's keyring manager. Throws KeyringError.
    virtual void store(const std::string& label, const KeyringAttributes& attributes,
                       std::span<const unsigned char> secret) = 0;

    // Finds the secret with these attributes and hands its bytes to `receive` (valid only
    // during the call). Returns false when there is no such entry. Throws KeyringError.
    virtual bool lookup(const KeyringAttributes& attributes,
                        const std::function<void(std::span<const unsigned char>)>& receive) = 0;

    // Removes the entry; false when there was none. Throws KeyringError.
    virtual bool remove(const KeyringAttributes& attributes) = 0;
};

} // namespace docdesk::ports
