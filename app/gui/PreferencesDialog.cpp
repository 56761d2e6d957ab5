#include "app/gui/PreferencesDialog.h"

#include "app/gui/OcrLanguageList.h"
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

// The OCR languages row: the installed languages (listed once, here), the stored choice or
// the default ticked, and what to install when Tesseract's data is missing.
OcrLanguageList* addOcrLanguages(wxDialog& dialog, wxSizer* sizer) {
    sizer->Add(new wxStaticText(&dialog, wxID_ANY, _("Languages of text recognition (OCR):")), 0,
               wxLEFT | wxRIGHT | wxTOP, 10);
    auto installed = ocr::installedLanguages();
    const std::string stored = ocrLanguagesFor("");
    const std::string chosen = stored.empty() ? ocr::defaultLanguages(installed) : stored;
    const bool none = installed.empty();
    auto* list = new OcrLanguageList(&dialog, std::move(installed), chosen);
    list->SetName("ocrLanguages");
    list->SetToolTip(_("The languages text recognition reads where the rules profile names none; the "
                       "first ticked is tried first"));
    sizer->Add(list, 0, wxALL | wxEXPAND, 10);
    if (none) {
        auto* note =
            new wxStaticText(&dialog, wxID_ANY,
                             _("Tesseract is not installed: documents are filed without text recognition."));
        note->SetName("ocrInstalled");
        sizer->Add(note, 0, wxLEFT | wxRIGHT | wxBOTTOM, 10);
    }
    return list;
}

// Stores the ticked OCR languages, "" when they are the default; false (with a message naming
// what to install) when they cannot be used.
bool saveOcrLanguages(wxWindow* parent, const OcrLanguageList& list) {
    if (const wxString why = list.problem(); !why.empty()) {
        wxMessageBox(why, _("Preferences"), wxOK | wxICON_ERROR, parent);
        return false;
    }
    std::string chosen = list.chosen();
    if (chosen == ocr::defaultLanguages(list.installed()))
        chosen.clear();
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
    OcrLanguageList* ocrLanguages = addOcrLanguages(dialog, sizer);
    sizer->Add(dialog.CreateSeparatedButtonSizer(wxOK | wxCANCEL), 0, wxALL | wxEXPAND, 10);
    dialog.SetSizerAndFit(sizer);
    for (auto& [b, code] : buttons)
        if (b->GetValue())
            b->SetFocus();
    // A language that is not installed keeps the dialog open, with the message what to install.
    do {
        if (dialog.ShowModal() != wxID_OK)
            return;
    } while (!saveOcrLanguages(&dialog, *ocrLanguages));
    for (auto& [b, code] : buttons)
        if (b->GetValue()) {
            wxConfigBase* config = wxConfigBase::Get();
            config->Write(kLanguageSetting, code);
            config->Flush();
        }
}

} // namespace docdesk::gui
