#pragma once
// How the CLI and the GUI reach the user's gateway profiles: the profile store in the config
// folder, unlocked with the OS keyring when one is reachable, else with the master passphrase.
#include "core/vault/ProfileStore.h"

#include <functional>
#include <memory>
#include <string>

namespace docdesk::app {

// The store for the CLI. The passphrase (when needed) and passwords are read from the terminal
// without echo, or, for scripts and tests, one line from the file descriptor named in
// DOCDESK_PASSPHRASE_FD / DOCDESK_PASSWORD_FD. Secrets are never taken from arguments or plain
// environment variables.
std::unique_ptr<vault::ProfileStore> openProfileStoreForCli();

// Asks for a secret on the terminal without echo (or from DOCDESK_PASSWORD_FD, see above).
// Throws docdesk::Error when there is no terminal and no descriptor.
vault::Secret askSecretOnTerminal(const std::string& prompt);

} // namespace docdesk::app
