#include "app/gui/PreferencesDialog.h"

#include "core/common/Error.h"
#include "core/ocr/PageText.h"

#include <vector>
#include <wx/button.h>
#include <wx/config.h>
#include <wx/dialog.h>
#include <wx/intl.h>
#include <wx/msgdlg.h>
#include <wx/radiobut.h>
#include <wx/sizer.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>

namespace docdesk::gui {

wxString preferredLanguage() {
    const wxConfigBase* config = wxConfigBase::Get(false);
    const wxString value = config ? config->Read(kLanguageSetting, "") : wxString();
    return value == "en" || value == "de" ? value : wxString();
}

std::string ocrLanguagesFor(const std::string& profileChoice) {
    if (!profileChoice.empty())
        return profileChoice;
    const wxConfigBase* config = wxConfigBase::Get(false);
    return config ? config->Read(kOcrLanguagesSetting, "").utf8_string() : std::string();
}

namespace {

// The OCR languages row: a text field holding the stored choice or the default, and the
// languages installed, so the user sees what can be chosen.
wxTextCtrl* addOcrLanguages(wxDialog& dialog, wxSizer* sizer) {
    sizer->Add(new wxStaticText(&dialog, wxID_ANY, _("Languages of text recognition (OCR):")), 0,
               wxLEFT | wxRIGHT | wxTOP, 10);
    const std::string stored = ocrLanguagesFor("");
    auto* field = new wxTextCtrl(&dialog, wxID_ANY,
                                 wxString::FromUTF8(stored.empty() ? ocr::defaultLanguages() : stored));
    field->SetName("ocrLanguages");
    field->SetToolTip(
        _("Tesseract language codes joined by '+', e.g. deu+eng; used where the rules profile names "
          "none"));
    sizer->Add(field, 0, wxALL | wxEXPAND, 10);
    std::string installed;
    for (const auto& code : ocr::installedLanguages())
        installed += (installed.empty() ? "" : ", ") + code;
    auto* note = new wxStaticText(
        &dialog, wxID_ANY,
        installed.empty() ? _("Tesseract is not installed: documents are filed without text recognition.")
                          : wxString::Format(_("Installed: %s"), wxString::FromUTF8(installed)));
    note->SetName("ocrInstalled");
    sizer->Add(note, 0, wxLEFT | wxRIGHT | wxBOTTOM, 10);
    return field;
}

// Stores the OCR languages, "" when they are the default; false (with a message naming what to
// install) when they cannot be used.
bool saveOcrLanguages(wxWindow* parent, const wxString& typed) {
    std::string chosen = typed.Strip(wxString::both).utf8_string();
    if (chosen == ocr::defaultLanguages())
        chosen.clear();
    if (!chosen.empty()) {
        try {
            ocr::requireLanguages(chosen);
        } catch (const docdesk::Error& e) {
            wxMessageBox(wxString::FromUTF8(e.what()), _("Preferences"), wxOK | wxICON_ERROR, parent);
            return false;
        }
    }
    wxConfigBase* config = wxConfigBase::Get();
    config->Write(kOcrLanguagesSetting, wxString::FromUTF8(chosen));
    config->Flush();
    return true;
}

} // namespace

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
    wxTextCtrl* ocrLanguages = addOcrLanguages(dialog, sizer);
    sizer->Add(dialog.CreateSeparatedButtonSizer(wxOK | wxCANCEL), 0, wxALL | wxEXPAND, 10);
    dialog.SetSizerAndFit(sizer);
    for (auto& [b, code] : buttons)
        if (b->GetValue())
            b->SetFocus();
    // A language that is not installed keeps the dialog open, with the message what to install.
    do {
        if (dialog.ShowModal() != wxID_OK)
            return;
    } while (!saveOcrLanguages(&dialog, ocrLanguages->GetValue()));
    for (auto& [b, code] : buttons)
        if (b->GetValue()) {
            wxConfigBase* config = wxConfigBase::Get();
            config->Write(kLanguageSetting, code);
            config->Flush();
        }
}

} // namespace docdesk::gui
