// Profile access for the CLI (and the wiring the GUI shares): the vault in the config folder,
// unlocked through the OS keyring or the master passphrase.
#include "app/common/ProfileAccess.h"

#include "app/common/ManagedPolicy.h"
#include "core/common/Translate.h"
#include "platform/AppDirs.h"
#include "platform/DurableFiles.h"
#include "platform/Keyring.h"
#include "platform/TerminalSecret.h"

#include <charconv>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace docdesk::app {
namespace {

constexpr std::size_t kMaxSecret = 4096;

std::optional<int> descriptorFromEnvironment(const char* name) {
    const char* text = std::getenv(name);
    if (text == nullptr || *text == '\0')
        return std::nullopt;
    int fd = -1;
    const auto [end, ec] = std::from_chars(text, text + std::strlen(text), fd);
    if (ec != std::errc() || *end != '\0' || fd < 0)
        throw Error(trf("{} must name an open file descriptor (a number), not '{}'.", name, text));
    return fd;
}

// Reads into guarded memory and returns exactly the typed bytes.
vault::Secret readSecret(const std::string& prompt, const char* descriptorVariable) {
    vault::Secret buffer = vault::Secret::ofSize(kMaxSecret);
    std::size_t length = 0;
    try {
        if (const auto fd = descriptorFromEnvironment(descriptorVariable))
            length = platform::readSecretFromDescriptor(*fd, std::span(buffer.data(), buffer.size()));
        else
            length = platform::readSecretFromTerminal(prompt, std::span(buffer.data(), buffer.size()));
    } catch (const std::runtime_error& e) {
        throw Error(
            trf("Cannot ask for the secret ({}): run docdesk-cli in a terminal, or pass it on the file "
                "descriptor named in {}.",
                e.what(), descriptorVariable));
    }
    return vault::Secret(std::string_view(reinterpret_cast<const char*>(buffer.data()), length));
}

vault::Secret askPassphrase(bool newVault) {
    if (!newVault)
        return readSecret(tr("Master passphrase of the profile vault: "), "DOCDESK_PASSPHRASE_FD");
    vault::Secret first = readSecret(tr("New master passphrase for the profile vault (there is no OS keyring "
                                        "here; at least 8 characters): "),
                                     "DOCDESK_PASSPHRASE_FD");
    if (descriptorFromEnvironment("DOCDESK_PASSPHRASE_FD"))
        return first; // a script gives it once
    vault::Secret again = readSecret(tr("Repeat the passphrase: "), "DOCDESK_PASSPHRASE_FD");
    if (!first.equals(again))
        throw vault::VaultError(tr("The two passphrases differ. Nothing was saved."));
    return first;
}

} // namespace

std::unique_ptr<vault::ProfileStore> openProfileStoreForCli() {
    vault::VaultUnlock unlock;
    unlock.keyring = &platform::osKeyring();
    unlock.askPassphrase = askPassphrase;
    unlock.files = &platform::durableFiles();
    unlock.policy = managedPolicy().bundles;
    return std::make_unique<vault::ProfileStore>(platform::appDirs().config, std::move(unlock));
}

vault::Secret askSecretOnTerminal(const std::string& prompt) {
    return readSecret(prompt, "DOCDESK_PASSWORD_FD");
}

} // namespace docdesk::app
