#include "app/gui/WelcomePanel.h"

#include <wx/button.h>
#include <wx/settings.h>
#include <wx/sizer.h>
#include <wx/stattext.h>

namespace docdesk::gui {
namespace {

// "Open... (Ctrl+O)", or the label alone when the menu has no shortcut for it.
wxString withShortcut(const wxString& label, const wxString& shortcut) {
    return shortcut.empty() ? label : wxString::Format("%s  (%s)", label, shortcut);
}

wxButton* actionButton(wxWindow* parent, const wxString& label, const wxString& shortcut,
                       const wxString& name, const wxString& tip, std::function<void()> action) {
    auto* button = new wxButton(parent, wxID_ANY, withShortcut(label, shortcut));
    button->SetName(name);
    button->SetToolTip(tip);
    button->SetHelpText(tip);
    button->Bind(wxEVT_BUTTON, [action = std::move(action)](wxCommandEvent&) {
        if (action)
            action();
    });
    return button;
}

wxStaticText* line(wxWindow* parent, const wxString& text, bool heading = false) {
    auto* label = new wxStaticText(parent, wxID_ANY, text);
    if (heading)
        label->SetFont(label->GetFont().Scaled(1.6f).Bold());
    return label;
}

} // namespace

WelcomePanel::WelcomePanel(wxWindow* parent, Actions actions, const Shortcuts& keys)
    : wxPanel(parent, wxID_ANY) {
    SetName(_("Welcome"));
    auto* buttons = new wxBoxSizer(wxHORIZONTAL);
    buttons->Add(actionButton(this, _("Scan..."), keys.scan, _("Scan"),
                              _("Scan pages from a scanner, flatbed or feeder"), std::move(actions.scan)),
                 0, wxRIGHT, FromDIP(8));
    buttons->Add(actionButton(this, _("Camera..."), keys.camera, _("Camera"),
                              _("Take pages with a webcam or document camera"), std::move(actions.camera)),
                 0, wxRIGHT, FromDIP(8));
    buttons->Add(actionButton(this, _("Open..."), keys.open, _("Open"),
                              _("Add image and PDF files to the session"), std::move(actions.open)));

    folder_ = line(this, "");
    folder_->SetName(_("Archive folder"));
    auto* filing = new wxBoxSizer(wxHORIZONTAL);
    filing->Add(folder_, 0, wxALIGN_CENTER_VERTICAL | wxRIGHT, FromDIP(8));
    filing->Add(actionButton(this, _("Change..."), "", _("Change the archive folder"),
                             _("Choose the folder the documents are filed into"),
                             std::move(actions.changeFolder)),
                0, wxALIGN_CENTER_VERTICAL);

    auto* column = new wxBoxSizer(wxVERTICAL);
    column->Add(line(this, _("Welcome to docdesk"), true), 0, wxBOTTOM, FromDIP(12));
    column->Add(line(this, _("Drop image and PDF files here, or take pages in:")), 0, wxBOTTOM, FromDIP(8));
    column->Add(buttons, 0, wxBOTTOM, FromDIP(16));
    column->Add(filing, 0, wxBOTTOM, FromDIP(16));
    column->Add(line(this, _("Nothing leaves this computer unless you press Upload.")));
    auto* outer = new wxBoxSizer(wxVERTICAL);
    outer->AddStretchSpacer(1);
    outer->Add(column, 0, wxALIGN_CENTER_HORIZONTAL | wxALL, FromDIP(16));
    outer->AddStretchSpacer(2);
    SetSizer(outer);
}

void WelcomePanel::setArchiveFolder(const wxString& folder) {
    folder_->SetLabel(wxString::Format(_("Documents will be filed in %s"), folder));
    Layout();
}

} // namespace docdesk::gui
