#pragma once
// The Privacy page (Help > Privacy, Ctrl+Shift+P): everything docdesk keeps on this computer —
// profiles, capture sessions, outbox and ledger, settings, caches, each crash report — with its
// size and place; Open Folder, Delete, and Delete Everything. Crash reports can be viewed and
// sent to the default gateway profile (only when Send is pressed). The inventory and deleting
// are app/common/LocalData; sizes are added up on a background thread.
#include <filesystem>

class wxWindow;

namespace docdesk::gui {

// Shows the page modally. `openSession` is the folder of the session open in the window: it is
// kept when the sessions are deleted. Returns true when the user chose Delete Everything; the
// caller then closes the window, and main() deletes everything once docdesk has shut down
// (deleteEverythingIfRequested), so nothing still open writes the files back.
bool showPrivacyDialog(wxWindow* parent, const std::filesystem::path& openSession);

// Runs a Delete Everything the user asked for (after the toolkit has shut down). Returns false
// and prints why on stderr when something could not be deleted.
bool deleteEverythingIfRequested();

} // namespace docdesk::gui
