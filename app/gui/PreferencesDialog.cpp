#include "app/gui/PreferencesDialog.h"

#include <vector>
#include <wx/button.h>
#include <wx/config.h>
#include <wx/dialog.h>
#include <wx/intl.h>
#include <wx/radiobut.h>
#include <wx/sizer.h>
#include <wx/stattext.h>

namespace docdesk::gui {

wxString preferredLanguage() {
    const wxConfigBase* config = wxConfigBase::Get(false);
    const wxString value = config ? config->Read(kLanguageSetting, "") : wxString();
    return value == "en" || value == "de" ? value : wxString();
}

void showPreferencesDialog(wxWindow* parent) {
    wxDialog dialog(parent, wxID_ANY, _("Preferences"));
    dialog.SetName("preferences");
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    auto* heading = new wxStaticText(&dialog, wxID_ANY, _("Language of the window and messages:"));
    sizer->Add(heading, 0, wxALL, 10);

    struct Option {
        const char* code;
        wxString label;
        wxString tip;
    };
    // Each language named in itself, so a user who cannot read the current one finds theirs.
    const Option options[] = {
        {"", _("&System default"), _("Use the language of the desktop session")},
        {"en", "&English", _("Use English whatever the desktop's language is")},
        {"de", "&Deutsch", _("Use German whatever the desktop's language is")},
    };
    const wxString current = preferredLanguage();
    std::vector<std::pair<wxRadioButton*, wxString>> buttons;
    for (const auto& o : options) {
        auto* b = new wxRadioButton(&dialog, wxID_ANY, o.label, wxDefaultPosition, wxDefaultSize,
                                    buttons.empty() ? wxRB_GROUP : 0);
        b->SetName(wxString("language:") + (*o.code ? o.code : "system"));
        b->SetToolTip(o.tip);
        b->SetValue(current == o.code);
        sizer->Add(b, 0, wxLEFT | wxRIGHT | wxBOTTOM, 10);
        buttons.emplace_back(b, o.code);
    }
    auto* note =
        new wxStaticText(&dialog, wxID_ANY, _("The new language is used the next time docdesk starts."));
    note->SetName("restartNote");
    sizer->Add(note, 0, wxALL, 10);
    sizer->Add(dialog.CreateSeparatedButtonSizer(wxOK | wxCANCEL), 0, wxALL | wxEXPAND, 10);
    dialog.SetSizerAndFit(sizer);
    for (auto& [b, code] : buttons)
        if (b->GetValue())
            b->SetFocus();
    if (dialog.ShowModal() != wxID_OK)
        return;
    for (auto& [b, code] : buttons)
        if (b->GetValue()) {
            wxConfigBase* config = wxConfigBase::Get();
            config->Write(kLanguageSetting, code);
            config->Flush();
        }
}

} // namespace docdesk::gui
