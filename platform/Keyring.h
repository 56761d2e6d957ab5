#pragma once
// The OS keyring behind core's ports::Keyring: the Secret Service (GNOME Keyring, KWallet)
// through libsecret on Linux. Windows Credential Manager and the macOS Keychain will get their
// own source files behind this same header.
#include "core/ports/Keyring.h"

namespace docdesk::platform {

// The process-wide keyring. available() is false without a session bus or Secret Service
// (or when DOCDESK_NO_KEYRING is set, for a station that must use the master passphrase).
ports::Keyring& osKeyring();

} // namespace docdesk::platform
