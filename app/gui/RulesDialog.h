#pragma once
// The Rules dialog (Documents > Rules..., Ctrl+Shift+R, or "Rules..." in the filing plan): the
// rules in effect for the plan in plain language, with the common settings editable —
// separator sheets, ASN and tag labels, blank pages, every N pages, one document per file, the
// folder and file name templates, the fields read from barcodes. Settings the dialog does not
// show (zones, symbologies, ASN range, splitting on a value change) are kept as they were.
// Typing is checked at once with core's own messages; Apply is refused while anything is
// invalid. "Save As..." writes a rules file with one profile (rules::writeRulesFile).
#include "core/rules/FilingRules.h"

#include <filesystem>
#include <optional>
#include <string>
#include <wx/string.h>

class wxWindow;

namespace docdesk::gui {

struct EditedRules {
    rules::FilingRules rules;
    std::optional<std::filesystem::path> savedFile; // set when saved: the file, holding `profile`
    std::string profile;
};

// Shows the dialog on `rules` (`source` says where they come from; `profile` is the name
// suggested for saving). nullopt when cancelled.
std::optional<EditedRules> showRulesDialog(wxWindow* parent, const rules::FilingRules& rules,
                                           const wxString& source, const wxString& profile);

} // namespace docdesk::gui
