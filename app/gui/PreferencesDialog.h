#pragma once
// Preferences (Edit > Preferences, Ctrl+,): the language of the window and the messages —
// the system's, English or German — stored in docdesk.conf and applied at the next start.
// Other choices (archive folder, scanner settings, rules file) are remembered where they are
// made, in the filing plan and the scan dialog.
#include <wx/string.h>

class wxWindow;

namespace docdesk::gui {

// The key in docdesk.conf and its values: "" (the system's language), "en", "de".
inline constexpr const char* kLanguageSetting = "preferences/language";

// The stored language choice ("" when none or unknown).
wxString preferredLanguage();

// Shows the dialog modally; saves the choice on OK.
void showPreferencesDialog(wxWindow* parent);

} // namespace docdesk::gui
