#pragma once
// The gateway profiles dialog: the user's profiles on the left, the chosen one's settings on
// the right; Add, Save, Delete, Set as default, and Test connection (which runs only when
// pressed). Settings an operator bundle locked are shown disabled with a lock beside them.
#include "core/vault/Profile.h"
#include "core/vault/Secret.h"

#include <functional>
#include <memory>
#include <optional>
#include <wx/string.h>

class wxDialog;
class wxWindow;

namespace docdesk::vault {
class ProfileStore;
}

namespace docdesk::gui {

// The dialog over `store`, not yet shown (used by showProfilesDialog and the GUI test). Its
// fields are named after the settings ("url", ...), the lock marks "lock:" + setting.
wxDialog* createProfilesDialog(wxWindow* parent, std::unique_ptr<vault::ProfileStore> store);

// Asks for the gateway password of `profile` (`why`: what happened, or empty), with a
// "remember" check box whose answer goes to `remember`. nullopt when cancelled.
std::optional<vault::Secret> askGatewayPassword(wxWindow* parent, const vault::Profile& profile,
                                                const wxString& why, bool& remember);

// The user's profile store, unlocked with the keyring or with the master passphrase asked for
// in a dialog (the Outbox's Upload uses it too). The unlocking itself (keyring call, Argon2id)
// runs on a background thread while the window keeps redrawing. Throws docdesk::Error when
// the vault cannot be opened (or the passphrase dialog was cancelled).
std::unique_ptr<vault::ProfileStore> openProfileStoreInDialog(wxWindow* parent);

// Runs `work` on a background thread while the window's thread keeps handling events (all
// windows disabled, a busy cursor shown); rethrows what `work` threw.
void runOffWindowThread(const std::function<void()>& work);

// Opens the profile vault (keyring, or the master passphrase asked for in a dialog) and shows
// the dialog modally. Errors opening the vault are shown and nothing is changed.
void showProfilesDialog(wxWindow* parent);

} // namespace docdesk::gui
