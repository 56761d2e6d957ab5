#include "app/gui/ShortcutsDialog.h"

#include <algorithm>
#include <memory>
#include <vector>
#include <wx/accel.h>
#include <wx/button.h>
#include <wx/dialog.h>
#include <wx/frame.h>
#include <wx/gdicmn.h>
#include <wx/listctrl.h>
#include <wx/menu.h>
#include <wx/sizer.h>

namespace docdesk::gui {
namespace {

struct Shortcut {
    wxString menu, command, keys;
};

// The item's own accelerator and its extra ones (e.g. Ctrl+Shift+Z beside Ctrl+Y for Redo).
wxString keysOf(const wxMenuItem& item) {
    wxString keys;
    if (const std::unique_ptr<wxAcceleratorEntry> accel(item.GetAccel()); accel && accel->IsOk())
        keys = accel->ToString();
    for (const auto& extra : item.GetExtraAccels())
        keys += (keys.empty() ? "" : ", ") + extra.ToString();
    return keys;
}

void collect(const wxMenu& menu, const wxString& path, std::vector<Shortcut>& out) {
    for (const wxMenuItem* item : menu.GetMenuItems()) {
        if (item->IsSeparator())
            continue;
        const wxString label = wxStripMenuCodes(item->GetItemLabelText());
        if (item->GetSubMenu()) {
            collect(*item->GetSubMenu(), path + " > " + label, out);
            continue;
        }
        const wxString keys = keysOf(*item);
        if (!keys.empty())
            out.push_back({path, label.Strip(wxString::both), keys});
    }
}

std::vector<Shortcut> menuShortcuts(const wxMenuBar& bar) {
    std::vector<Shortcut> all;
    for (size_t i = 0; i < bar.GetMenuCount(); ++i)
        collect(*bar.GetMenu(i), wxStripMenuCodes(bar.GetMenuLabelText(i)), all);
    return all;
}

} // namespace

wxString shortcutOf(wxMenuBar* bar, int id) {
    const wxMenuItem* item = bar ? bar->FindItem(id) : nullptr;
    if (!item)
        return {};
    const std::unique_ptr<wxAcceleratorEntry> accel(item->GetAccel());
    return accel && accel->IsOk() ? accel->ToString() : wxString();
}

void showShortcutsDialog(wxFrame* frame) {
    wxDialog dialog(frame, wxID_ANY, _("Keyboard Shortcuts"), wxDefaultPosition, wxDefaultSize,
                    wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER);
    dialog.SetName(_("Keyboard Shortcuts"));
    const std::vector<Shortcut> shortcuts =
        frame->GetMenuBar() ? menuShortcuts(*frame->GetMenuBar()) : std::vector<Shortcut>{};
    // Tall enough for every row without scrolling, as far as the screen allows.
    const int height = std::min(dialog.FromDIP(30 + 24 * static_cast<int>(shortcuts.size())),
                                wxGetDisplaySize().GetHeight() - dialog.FromDIP(120));
    auto* list = new wxListView(&dialog, wxID_ANY, wxDefaultPosition, wxSize(dialog.FromDIP(560), height),
                                wxLC_REPORT | wxLC_SINGLE_SEL);
    list->SetName(_("Keyboard shortcuts"));
    list->SetToolTip(_("Every shortcut of the menus: menu, command and keys"));
    list->AppendColumn(_("Menu"), wxLIST_FORMAT_LEFT, dialog.FromDIP(110));
    list->AppendColumn(_("Command"), wxLIST_FORMAT_LEFT, dialog.FromDIP(250));
    list->AppendColumn(_("Keys"), wxLIST_FORMAT_LEFT, dialog.FromDIP(170));
    long row = 0;
    for (const auto& s : shortcuts) {
        list->InsertItem(row, s.menu);
        list->SetItem(row, 1, s.command);
        list->SetItem(row, 2, s.keys);
        ++row;
    }
    auto* close = new wxButton(&dialog, wxID_CLOSE);
    close->SetName(_("Close"));
    close->SetToolTip(_("Close this list (Esc)"));
    dialog.SetEscapeId(wxID_CLOSE);
    dialog.SetAffirmativeId(wxID_CLOSE);
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    sizer->Add(list, 1, wxEXPAND | wxALL, dialog.FromDIP(8));
    sizer->Add(close, 0, wxALIGN_RIGHT | wxLEFT | wxRIGHT | wxBOTTOM, dialog.FromDIP(8));
    dialog.SetSizerAndFit(sizer);
    dialog.ShowModal();
}

} // namespace docdesk::gui
