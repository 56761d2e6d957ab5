#pragma once
// Help > Keyboard Shortcuts: every shortcut of the main window, read from its menus (the
// accelerators wx actually uses, extra ones included), so the list cannot drift from them.
#include <wx/string.h>

class wxFrame;
class wxMenuBar;

namespace docdesk::gui {

// The menu item's shortcut as the menu shows it ("Ctrl+Shift+S"); empty without one.
wxString shortcutOf(wxMenuBar* bar, int id);

// Shows the shortcuts of `frame`'s menu bar in a modal dialog.
void showShortcutsDialog(wxFrame* frame);

} // namespace docdesk::gui
