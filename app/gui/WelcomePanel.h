#pragma once
// What an empty session shows in place of the page grid: drop files here, the three ways to
// take pages in (as buttons with their shortcuts), where documents will be filed (with a
// button to change it), and that nothing leaves the computer unless Upload is pressed.
#include <functional>
#include <wx/panel.h>

class wxStaticText;

namespace docdesk::gui {

class WelcomePanel : public wxPanel {
  public:
    struct Actions {
        std::function<void()> scan, camera, open, changeFolder;
    };
    // The shortcuts as the menus show them (e.g. "Ctrl+O"), so both always agree.
    struct Shortcuts {
        wxString scan, camera, open;
    };
    WelcomePanel(wxWindow* parent, Actions actions, const Shortcuts& shortcuts);

    void setArchiveFolder(const wxString& folder);

  private:
    wxStaticText* folder_ = nullptr;
};

} // namespace docdesk::gui
