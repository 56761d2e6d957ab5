#include "app/gui/RulesDialog.h"

#include "app/common/AppEnvironment.h"
#include "app/gui/OcrLanguageList.h"
#include "app/gui/PreferencesDialog.h"
#include "core/ocr/PageText.h"
#include "core/rules/RulesFile.h"

#include <algorithm>
#include <set>
#include <tuple>
#include <wx/button.h>
#include <wx/checkbox.h>
#include <wx/choice.h>
#include <wx/dialog.h>
#include <wx/filedlg.h>
#include <wx/listctrl.h>
#include <wx/msgdlg.h>
#include <wx/sizer.h>
#include <wx/spinctrl.h>
#include <wx/statbox.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>

namespace docdesk::gui {
namespace {

const wxColour kErrorColour(190, 0, 0);

wxString fromUtf8(const std::string& s) {
    return wxString::FromUTF8(s);
}
std::string utf8(const wxString& s) {
    return s.utf8_string();
}

// The reason core gives for `check` failing, or "" when it passes.
template <typename Check> wxString problemWith(Check&& check) {
    try {
        check();
        return {};
    } catch (const std::exception& e) {
        return fromUtf8(e.what());
    }
}

wxStaticText* errorLabel(wxWindow* parent, const wxString& name) {
    auto* label = new wxStaticText(parent, wxID_ANY, "");
    label->SetForegroundColour(kErrorColour);
    label->SetName(name);
    return label;
}

// Separator texts as the user types them: comma-separated, spaces around each trimmed.
std::vector<std::string> splitList(const wxString& text) {
    std::vector<std::string> out;
    for (wxString item : wxSplit(text, ',', '\0')) {
        item.Trim(true).Trim(false);
        if (!item.empty())
            out.push_back(utf8(item));
    }
    return out;
}

wxString joinList(const std::vector<std::string>& items) {
    wxString out;
    for (const auto& item : items)
        out += (out.empty() ? "" : ", ") + fromUtf8(item);
    return out;
}

wxString numberText(const std::optional<double>& n) {
    return n ? wxString::FromCDouble(*n) : wxString();
}

// The field's checks in a few words for the list.
wxString checksText(const rules::FieldValidation& v) {
    wxString out;
    if (v.pattern)
        out += wxString::Format(_("matches %s"), fromUtf8(v.pattern->text()));
    if (v.min || v.max)
        out += (out.empty() ? "" : "; ") + wxString::Format(_("number %s to %s"),
                                                            v.min ? numberText(v.min) : wxString("..."),
                                                            v.max ? numberText(v.max) : wxString("..."));
    return out;
}

// The field dialog's inputs, read into `result`; the problem to show, or empty when they are valid.
struct FieldInputs {
    wxTextCtrl* name;
    wxTextCtrl* pattern;
    wxTextCtrl* validPattern;
    wxTextCtrl* minimum;
    wxTextCtrl* maximum;
};

wxString readFieldInputs(const FieldInputs& in, const std::set<std::string>& takenNames,
                         rules::FieldRule& result) {
    const std::string n = utf8(in.name->GetValue());
    if (!rules::isValidFieldName(n))
        return _("The name needs 1 to 64 letters, digits, '_', '-' or '.', and cannot be 'asn' or 'tags'.");
    if (takenNames.count(n))
        return wxString::Format(_("There is a field called '%s' already."), fromUtf8(n));
    result.name = n;
    wxString why = problemWith(
        [&] { result.pattern = rules::Pattern::compile(utf8(in.pattern->GetValue()), utf8(_("Pattern"))); });
    if (!why.empty())
        return why;
    result.validation = {};
    if (!in.validPattern->GetValue().empty()) {
        why = problemWith([&] {
            result.validation.pattern =
                rules::Pattern::compile(utf8(in.validPattern->GetValue()), utf8(_("Valid values")));
        });
        if (!why.empty())
            return why;
    }
    for (auto [text, target] :
         {std::pair{in.minimum, &result.validation.min}, std::pair{in.maximum, &result.validation.max}}) {
        double value = 0;
        if (text->GetValue().empty())
            continue;
        if (!text->GetValue().ToCDouble(&value))
            return wxString::Format(_("'%s' is not a number (write it like 12.5)."), text->GetValue());
        *target = value;
    }
    if (result.validation.min && result.validation.max && *result.validation.min > *result.validation.max)
        return _("The minimum is larger than the maximum.");
    return {};
}

// One field: name, pattern and its checks. Keeps the field's barcode filter as it was.
std::optional<rules::FieldRule> editField(wxWindow* parent, const rules::FieldRule& field,
                                          const std::set<std::string>& takenNames) {
    wxDialog dialog(parent, wxID_ANY, _("Field"));
    dialog.SetName("ruleField");
    auto* grid = new wxFlexGridSizer(2, 4, 8);
    grid->AddGrowableCol(1);
    auto addRow = [&](const wxString& label, const wxString& value, const wxString& name,
                      const wxString& tip) {
        grid->Add(new wxStaticText(&dialog, wxID_ANY, label), 0, wxALIGN_CENTER_VERTICAL);
        auto* text = new wxTextCtrl(&dialog, wxID_ANY, value, wxDefaultPosition, wxSize(320, -1));
        text->SetName(name);
        text->SetToolTip(tip);
        grid->Add(text, 1, wxEXPAND);
        return text;
    };
    auto* name = addRow(_("&Name:"), fromUtf8(field.name), _("Field name"),
                        _("Letters, digits, '_', '-' and '.'; used as {field:NAME} in the templates"));
    auto* pattern =
        addRow(_("&Pattern:"), fromUtf8(field.pattern.text()), _("Field pattern"),
               _("A regular expression the barcode text is searched with; group 1 is the value if "
                 "there is one. Start with (?i) to ignore case."));
    auto* validPattern = addRow(
        _("&Valid values:"), field.validation.pattern ? fromUtf8(field.validation.pattern->text()) : "",
        _("Valid values pattern"), _("Optional: a regular expression the whole value must match"));
    auto* minimum = addRow(_("M&inimum:"), numberText(field.validation.min), _("Smallest value"),
                           _("Optional: the value must be a number at least this large"));
    auto* maximum = addRow(_("M&aximum:"), numberText(field.validation.max), _("Largest value"),
                           _("Optional: the value must be a number at most this large"));
    auto* problem = errorLabel(&dialog, _("Field problem"));
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    sizer->Add(grid, 0, wxALL | wxEXPAND, 10);
    sizer->Add(problem, 0, wxLEFT | wxRIGHT | wxEXPAND, 10);
    sizer->Add(dialog.CreateSeparatedButtonSizer(wxOK | wxCANCEL), 0, wxALL | wxEXPAND, 10);
    dialog.SetSizerAndFit(sizer);

    rules::FieldRule result = field;
    const FieldInputs inputs{name, pattern, validPattern, minimum, maximum};
    auto check = [&] { return readFieldInputs(inputs, takenNames, result); };
    auto update = [&] {
        const wxString why = check();
        problem->SetLabel(why);
        problem->Wrap(420);
        dialog.FindWindow(wxID_OK)->Enable(why.empty());
        dialog.Layout();
        dialog.Fit();
    };
    for (auto* text : {name, pattern, validPattern, minimum, maximum})
        text->Bind(wxEVT_TEXT, [&](wxCommandEvent&) { update(); });
    update();
    name->SetFocus();
    if (dialog.ShowModal() != wxID_OK || !check().empty())
        return std::nullopt;
    return result;
}

class RulesDialog : public wxDialog {
  public:
    RulesDialog(wxWindow* parent, const rules::FilingRules& rules, const wxString& source,
                const wxString& profile)
        : wxDialog(parent, wxID_ANY, _("Rules"), wxDefaultPosition, wxDefaultSize,
                   wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER),
          rules_(rules) {
        SetName("rules");
        build(source, profile);
        validate();
    }

    EditedRules result() const { return {rules_, savedFile_, profile_}; }

  private:
    void build(const wxString& source, const wxString& profile);
    void buildSeparators(wxSizer* sizer);
    void buildLabels(wxSizer* sizer);
    void buildSplitting(wxSizer* sizer);
    void buildNaming(wxSizer* sizer);
    void buildPageEdits(wxSizer* sizer);
    void buildOcr(wxSizer* sizer);
    void buildFields(wxSizer* sizer);
    void buildSaving(wxSizer* sizer, const wxString& profile); // profile name, Save As, Apply
    void bindValidation();
    wxSizer* box(wxSizer* parent, const wxString& title);
    void fillFields();
    void validate();
    wxString validateOcr();
    void addField();
    void editSelectedField();
    void removeSelectedField();
    void saveAs();
    long selectedField() const { return fields_->GetNextItem(-1, wxLIST_NEXT_ALL, wxLIST_STATE_SELECTED); }

    rules::FilingRules rules_; // the edited rules, kept up to date by validate()
    std::optional<std::filesystem::path> savedFile_;
    std::string profile_;

    wxTextCtrl* separators_ = nullptr;
    wxCheckBox* keepSeparator_ = nullptr;
    wxCheckBox* asn_ = nullptr;
    wxTextCtrl* asnPrefix_ = nullptr;
    wxCheckBox* tags_ = nullptr;
    wxTextCtrl* tagPrefix_ = nullptr;
    wxChoice* blankPages_ = nullptr;
    wxSpinCtrl* everyPages_ = nullptr;
    wxCheckBox* perFile_ = nullptr;
    wxTextCtrl* folder_ = nullptr;
    wxStaticText* folderProblem_ = nullptr;
    wxTextCtrl* fileName_ = nullptr;
    wxStaticText* fileNameProblem_ = nullptr;
    wxCheckBox* autoCrop_ = nullptr;
    wxCheckBox* deskew_ = nullptr;
    wxCheckBox* splitReceipts_ = nullptr;
    wxChoice* pageMode_ = nullptr;
    wxCheckBox* ownOcrLanguages_ = nullptr;
    OcrLanguageList* ocrLanguages_ = nullptr;
    std::string preferredOcrLanguages_; // Preferences' choice (or the default), shown when not own
    wxListCtrl* fields_ = nullptr;
    wxTextCtrl* profileName_ = nullptr;
    wxStaticText* problem_ = nullptr;
    wxButton* saveAs_ = nullptr;
};

wxSizer* RulesDialog::box(wxSizer* parent, const wxString& title) {
    auto* sizer = new wxStaticBoxSizer(wxVERTICAL, this, title);
    parent->Add(sizer, 0, wxLEFT | wxRIGHT | wxTOP | wxEXPAND, 10);
    return sizer;
}

// Controls are created in tab order, top to bottom.
void RulesDialog::build(const wxString& source, const wxString& profile) {
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    auto* heading = new wxStaticText(this, wxID_ANY, wxString::Format(_("Rules in effect: %s"), source));
    heading->SetName(_("Rules in effect"));
    sizer->Add(heading, 0, wxLEFT | wxRIGHT | wxTOP, 10);
    buildSeparators(sizer);
    buildLabels(sizer);
    buildSplitting(sizer);
    buildNaming(sizer);
    // Side by side, so that the dialog still fits a 900-pixel-high screen.
    auto* pagesAndText = new wxBoxSizer(wxHORIZONTAL);
    sizer->Add(pagesAndText, 0, wxEXPAND);
    buildPageEdits(pagesAndText);
    buildOcr(pagesAndText);
    buildFields(sizer);
    buildSaving(sizer, profile);
    SetSizerAndFit(sizer);
    bindValidation();
    separators_->SetFocus();
}

void RulesDialog::buildSeparators(wxSizer* sizer) {
    auto* separatorBox =
        box(sizer, _("Separator sheets: a page with one of these barcodes ends the document"));
    auto* row = new wxBoxSizer(wxHORIZONTAL);
    row->Add(new wxStaticText(this, wxID_ANY, _("Separator &barcodes:")), 0,
             wxALIGN_CENTER_VERTICAL | wxRIGHT, 6);
    separators_ = new wxTextCtrl(this, wxID_ANY, joinList(rules_.separators.values));
    separators_->SetName(_("Separator barcodes"));
    separators_->SetToolTip(
        _("The exact barcode texts of separator sheets, separated by commas; empty for none"));
    row->Add(separators_, 1, wxEXPAND);
    separatorBox->Add(row, 0, wxALL | wxEXPAND, 4);
    keepSeparator_ =
        new wxCheckBox(this, wxID_ANY, _("&Keep the separator sheet as the first page of the next document"));
    keepSeparator_->SetName(_("Keep separator sheets"));
    keepSeparator_->SetToolTip(_("Unticked: separator sheets are left out of the documents"));
    keepSeparator_->SetValue(rules_.separators.keepPage);
    separatorBox->Add(keepSeparator_, 0, wxALL, 4);
}

void RulesDialog::buildLabels(wxSizer* sizer) {
    auto* labelBox = box(sizer, _("Labels"));
    auto* labels = new wxFlexGridSizer(2, 4, 6);
    labels->AddGrowableCol(1);
    asn_ = new wxCheckBox(this, wxID_ANY, _("Read A&SN labels with the prefix:"));
    asn_->SetName(_("Read ASN labels"));
    asn_->SetToolTip(
        _("An archive serial number label (e.g. ASN00123) starts a new document; the number becomes "
          "the field 'asn'"));
    asn_->SetValue(rules_.asn.enabled);
    asnPrefix_ = new wxTextCtrl(this, wxID_ANY, fromUtf8(rules_.asn.prefix));
    asnPrefix_->SetName(_("ASN prefix"));
    asnPrefix_->SetToolTip(_("The text before the number on an ASN label"));
    tags_ = new wxCheckBox(this, wxID_ANY, _("Read &tag labels with the prefix:"));
    tags_->SetName(_("Read tag labels"));
    tags_->SetToolTip(_("Barcodes like TAG:invoice become the field 'tags'"));
    tags_->SetValue(rules_.tags.enabled);
    tagPrefix_ = new wxTextCtrl(this, wxID_ANY, fromUtf8(rules_.tags.prefix));
    tagPrefix_->SetName(_("Tag prefix"));
    tagPrefix_->SetToolTip(_("The text before the tag on a tag label (compared ignoring case)"));
    labels->Add(asn_, 0, wxALIGN_CENTER_VERTICAL);
    labels->Add(asnPrefix_, 1, wxEXPAND);
    labels->Add(tags_, 0, wxALIGN_CENTER_VERTICAL);
    labels->Add(tagPrefix_, 1, wxEXPAND);
    labelBox->Add(labels, 0, wxALL | wxEXPAND, 4);
}

void RulesDialog::buildSplitting(wxSizer* sizer) {
    auto* splitBox = box(sizer, _("More documents"));
    auto* split = new wxFlexGridSizer(2, 4, 6);
    split->Add(new wxStaticText(this, wxID_ANY, _("B&lank pages:")), 0, wxALIGN_CENTER_VERTICAL);
    blankPages_ = new wxChoice(this, wxID_ANY);
    blankPages_->Append(_("Keep them as ordinary pages"));
    blankPages_->Append(_("Leave them out (backs of duplex scans)"));
    blankPages_->Append(_("Leave them out and start a new document"));
    blankPages_->SetSelection(int(rules_.blankPages));
    blankPages_->SetName(_("Blank pages"));
    blankPages_->SetToolTip(_("What a blank page does"));
    split->Add(blankPages_);
    split->Add(new wxStaticText(this, wxID_ANY, _("Split &every this many pages (0: never):")), 0,
               wxALIGN_CENTER_VERTICAL);
    everyPages_ = new wxSpinCtrl(this, wxID_ANY, "", wxDefaultPosition, wxDefaultSize, wxSP_ARROW_KEYS, 0,
                                 100000, rules_.everyPages);
    everyPages_->SetName(_("Split every this many pages"));
    everyPages_->SetToolTip(_("A document has at most this many pages; 0 for no limit"));
    split->Add(everyPages_);
    splitBox->Add(split, 0, wxALL, 4);
    perFile_ = new wxCheckBox(this, wxID_ANY, _("One document per source &file"));
    perFile_->SetName(_("One document per source file"));
    perFile_->SetToolTip(_("Every file that was opened or imported starts a new document"));
    perFile_->SetValue(rules_.perFile);
    splitBox->Add(perFile_, 0, wxALL, 4);
}

void RulesDialog::buildNaming(wxSizer* sizer) {
    auto* namingBox = box(sizer, _("Names: {field:NAME|fallback} {date:%Y-%m-%d} {counter:04} {source}"));
    auto* naming = new wxFlexGridSizer(2, 4, 6);
    naming->AddGrowableCol(1);
    naming->Add(new wxStaticText(this, wxID_ANY, _("F&older:")), 0, wxALIGN_CENTER_VERTICAL);
    folder_ = new wxTextCtrl(this, wxID_ANY, fromUtf8(rules_.folder.text()));
    folder_->SetName(_("Folder template"));
    folder_->SetToolTip(
        _("The folder below the archive folder; '/' separates folders; empty: the archive folder"));
    naming->Add(folder_, 1, wxEXPAND);
    naming->AddSpacer(0);
    folderProblem_ = errorLabel(this, _("Folder template problem"));
    naming->Add(folderProblem_, 1, wxEXPAND);
    naming->Add(new wxStaticText(this, wxID_ANY, _("File &name:")), 0, wxALIGN_CENTER_VERTICAL);
    fileName_ = new wxTextCtrl(this, wxID_ANY, fromUtf8(rules_.fileName.text()));
    fileName_->SetName(_("File name template"));
    fileName_->SetToolTip(_("The name of each document's PDF file, without .pdf"));
    naming->Add(fileName_, 1, wxEXPAND);
    naming->AddSpacer(0);
    fileNameProblem_ = errorLabel(this, _("File name template problem"));
    naming->Add(fileNameProblem_, 1, wxEXPAND);
    namingBox->Add(naming, 0, wxALL | wxEXPAND, 4);
}

void RulesDialog::buildPageEdits(wxSizer* sizer) {
    // The rules keys crop, deskew and split_receipts: which changes analysis proposes. Edits
    // made in the window (a crop dragged or removed) always win over them.
    auto* pageBox = box(sizer, _("Pages: what analysis changes before filing"));
    autoCrop_ = new wxCheckBox(this, wxID_ANY, _("C&ut photos and scans to the documents found on them"));
    autoCrop_->SetName(_("Cut to the documents found"));
    autoCrop_->SetToolTip(_("Auto-crop (rules key crop: auto); unticked, pages are filed whole (crop: off)"));
    autoCrop_->SetValue(rules_.pageEdits.crop == rules::AutoCrop::Auto);
    deskew_ = new wxCheckBox(this, wxID_ANY, _("Strai&ghten scanned pages"));
    deskew_->SetName(_("Straighten scanned pages"));
    deskew_->SetToolTip(_("Turn scanned pages by their measured skew (rules key deskew)"));
    deskew_->SetValue(rules_.pageEdits.deskew);
    splitReceipts_ = new wxCheckBox(this, wxID_ANY, _("One page and document for eac&h receipt on a scan"));
    splitReceipts_->SetName(_("Split receipts"));
    splitReceipts_->SetToolTip(
        _("Several receipts on one photo or scan become one page each, each its own document "
          "(rules key split_receipts)"));
    splitReceipts_->SetValue(rules_.pageEdits.splitReceipts);
    for (wxCheckBox* check : {autoCrop_, deskew_, splitReceipts_})
        pageBox->Add(check, 0, wxLEFT | wxRIGHT | wxTOP, 4);
    // In PageMode's order: the selection is the mode.
    auto* modeRow = new wxBoxSizer(wxHORIZONTAL);
    modeRow->Add(new wxStaticText(this, wxID_ANY, _("File pages in colour &mode:")), 0,
                 wxALIGN_CENTER_VERTICAL | wxRIGHT, 6);
    pageMode_ = new wxChoice(this, wxID_ANY);
    pageMode_->Append(_("As captured"));
    pageMode_->Append(_("Colour"));
    pageMode_->Append(_("Grey"));
    pageMode_->Append(_("Black and white"));
    pageMode_->Append(_("Shadow removal (photos)"));
    pageMode_->SetSelection(int(rules_.pageEdits.mode));
    pageMode_->SetName(_("Page mode"));
    pageMode_->SetToolTip(_("How pages you left as captured are filed (rules key page_mode); a mode "
                            "chosen for a page in the window wins"));
    modeRow->Add(pageMode_);
    pageBox->Add(modeRow, 0, wxLEFT | wxRIGHT | wxTOP, 4);
    pageBox->AddSpacer(4);
}

// The rules key ocr_languages: the profile's own OCR languages, or (unticked) those of
// Preferences, shown greyed. Tesseract's languages are listed once, here.
void RulesDialog::buildOcr(wxSizer* sizer) {
    auto* ocrBox = box(sizer, _("Text recognition (OCR)"));
    ownOcrLanguages_ = new wxCheckBox(this, wxID_ANY, _("O&wn OCR languages for this profile:"));
    ownOcrLanguages_->SetName(_("Own OCR languages"));
    ownOcrLanguages_->SetToolTip(
        _("Unticked, the profile reads text in the languages chosen in Preferences (rules key "
          "ocr_languages)"));
    ownOcrLanguages_->SetValue(!rules_.output.ocrLanguages.empty());
    auto installed = ocr::installedLanguages();
    preferredOcrLanguages_ = ocrLanguagesFor("");
    if (preferredOcrLanguages_.empty())
        preferredOcrLanguages_ = ocr::defaultLanguages(installed);
    ocrLanguages_ = new OcrLanguageList(this, std::move(installed),
                                        rules_.output.ocrLanguages.empty() ? preferredOcrLanguages_
                                                                           : rules_.output.ocrLanguages);
    ocrLanguages_->SetName(_("OCR languages"));
    ocrLanguages_->SetToolTip(
        _("The languages of this profile's documents; the first ticked is tried first"));
    ocrLanguages_->SetMinSize(wxSize(-1, 56));
    ocrBox->Add(ownOcrLanguages_, 0, wxLEFT | wxRIGHT | wxTOP, 4);
    ocrBox->Add(ocrLanguages_, 1, wxALL | wxEXPAND, 4);
}

void RulesDialog::buildFields(wxSizer* sizer) {
    auto* fieldBox = box(sizer, _("Fields read from barcodes"));
    fields_ =
        new wxListCtrl(this, wxID_ANY, wxDefaultPosition, wxSize(-1, 110), wxLC_REPORT | wxLC_SINGLE_SEL);
    fields_->SetName(_("Fields"));
    fields_->SetToolTip(
        _("Each field takes the first barcode its pattern finds (Enter or double-click to edit)"));
    fields_->AppendColumn(_("Field"), wxLIST_FORMAT_LEFT, 120);
    fields_->AppendColumn(_("Pattern"), wxLIST_FORMAT_LEFT, 200);
    fields_->AppendColumn(_("Checks"), wxLIST_FORMAT_LEFT, 200);
    fieldBox->Add(fields_, 1, wxALL | wxEXPAND, 4);
    auto* fieldButtons = new wxBoxSizer(wxHORIZONTAL);
    auto* add = new wxButton(this, wxID_ANY, _("A&dd Field..."));
    add->SetToolTip(_("Read one more field from the barcodes"));
    auto* edit = new wxButton(this, wxID_ANY, _("Ed&it Field..."));
    edit->SetToolTip(_("Change the selected field"));
    auto* remove = new wxButton(this, wxID_ANY, _("&Remove Field"));
    remove->SetToolTip(_("Stop reading the selected field"));
    fieldButtons->Add(add, 0, wxRIGHT, 6);
    fieldButtons->Add(edit, 0, wxRIGHT, 6);
    fieldButtons->Add(remove);
    fieldBox->Add(fieldButtons, 0, wxALL, 4);
    fillFields();
    add->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { addField(); });
    edit->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { editSelectedField(); });
    remove->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { removeSelectedField(); });
    fields_->Bind(wxEVT_LIST_ITEM_ACTIVATED, [this](wxListEvent&) { editSelectedField(); });
}

void RulesDialog::buildSaving(wxSizer* sizer, const wxString& profile) {
    auto* profileRow = new wxBoxSizer(wxHORIZONTAL);
    profileRow->Add(new wxStaticText(this, wxID_ANY, _("&Profile name when saved:")), 0,
                    wxALIGN_CENTER_VERTICAL | wxRIGHT, 6);
    profileName_ = new wxTextCtrl(this, wxID_ANY, profile.empty() ? wxString("default") : profile);
    profileName_->SetName(_("Profile name"));
    profileName_->SetToolTip(_("The name of the rules in the saved file, chosen in the filing plan"));
    profileRow->Add(profileName_, 1);
    saveAs_ = new wxButton(this, wxID_SAVEAS, _("Sa&ve As..."));
    saveAs_->SetToolTip(_("Write these rules to a rules file and use it for the plan"));
    profileRow->Add(saveAs_, 0, wxLEFT, 6);
    sizer->Add(profileRow, 0, wxLEFT | wxRIGHT | wxTOP | wxEXPAND, 10);
    problem_ = errorLabel(this, _("Rules problem"));
    sizer->Add(problem_, 0, wxLEFT | wxRIGHT | wxTOP | wxEXPAND, 10);

    auto* buttons = new wxStdDialogButtonSizer;
    auto* ok = new wxButton(this, wxID_OK, _("&Apply"));
    ok->SetToolTip(_("Use these rules for the current plan without saving them"));
    ok->SetDefault();
    buttons->AddButton(ok);
    buttons->AddButton(new wxButton(this, wxID_CANCEL));
    buttons->Realize();
    sizer->Add(buttons, 0, wxALL | wxEXPAND, 10);
}

// Every change is checked at once; Apply ends the dialog only when nothing is wrong.
void RulesDialog::bindValidation() {
    for (wxTextCtrl* text : {separators_, asnPrefix_, tagPrefix_, folder_, fileName_, profileName_})
        text->Bind(wxEVT_TEXT, [this](wxCommandEvent&) { validate(); });
    for (wxCheckBox* check :
         {keepSeparator_, asn_, tags_, perFile_, autoCrop_, deskew_, splitReceipts_, ownOcrLanguages_})
        check->Bind(wxEVT_CHECKBOX, [this](wxCommandEvent&) { validate(); });
    ocrLanguages_->Bind(wxEVT_CHECKLISTBOX, [this](wxCommandEvent&) { validate(); });
    for (wxChoice* choice : {blankPages_, pageMode_})
        choice->Bind(wxEVT_CHOICE, [this](wxCommandEvent&) { validate(); });
    everyPages_->Bind(wxEVT_SPINCTRL, [this](wxCommandEvent&) { validate(); });
    everyPages_->Bind(wxEVT_TEXT, [this](wxCommandEvent&) { validate(); });
    saveAs_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { saveAs(); });
    Bind(
        wxEVT_BUTTON,
        [this](wxCommandEvent& event) {
            validate();
            if (problem_->GetLabel().empty() && folderProblem_->GetLabel().empty() &&
                fileNameProblem_->GetLabel().empty())
                event.Skip(); // the default handler ends the dialog
        },
        wxID_OK);
}

void RulesDialog::fillFields() {
    fields_->DeleteAllItems();
    for (const auto& f : rules_.fields) {
        const long row = fields_->InsertItem(fields_->GetItemCount(), fromUtf8(f.name));
        fields_->SetItem(row, 1, fromUtf8(f.pattern.text()));
        fields_->SetItem(row, 2, checksText(f.validation));
    }
}

// Reads every control into rules_ and shows what core says is wrong; Apply and Save As are
// enabled only when nothing is.
void RulesDialog::validate() {
    rules_.separators.values = splitList(separators_->GetValue());
    rules_.separators.keepPage = keepSeparator_->GetValue();
    rules_.asn.enabled = asn_->GetValue();
    rules_.asn.prefix = utf8(asnPrefix_->GetValue());
    asnPrefix_->Enable(asn_->GetValue());
    rules_.tags.enabled = tags_->GetValue();
    rules_.tags.prefix = utf8(tagPrefix_->GetValue());
    tagPrefix_->Enable(tags_->GetValue());
    rules_.blankPages = rules::BlankPages(std::max(0, blankPages_->GetSelection()));
    rules_.everyPages = everyPages_->GetValue();
    rules_.perFile = perFile_->GetValue();
    rules_.pageEdits.crop = autoCrop_->GetValue() ? rules::AutoCrop::Auto : rules::AutoCrop::Off;
    rules_.pageEdits.deskew = deskew_->GetValue();
    rules_.pageEdits.splitReceipts = splitReceipts_->GetValue();
    rules_.pageEdits.mode = PageMode(std::max(0, pageMode_->GetSelection()));
    const wxString folderWhy = problemWith([&] {
        rules_.folder =
            rules::NameTemplate::parse(utf8(folder_->GetValue()), rules::NameTemplate::Kind::Folder);
    });
    const wxString fileNameWhy = problemWith([&] {
        rules_.fileName =
            rules::NameTemplate::parse(utf8(fileName_->GetValue()), rules::NameTemplate::Kind::FileName);
    });
    profile_ = utf8(profileName_->GetValue().Strip(wxString::both));
    // Everything else the way a rules file is checked (prefixes, names), with the key path.
    wxString why = folderWhy.empty() && fileNameWhy.empty()
                       ? problemWith([&] { rules::rulesFileText(rules_, profile_, {}, utf8(_("rules"))); })
                       : wxString();
    if (why.empty())
        why = validateOcr();
    bool changed = false;
    for (auto [label, text, width] : {std::tuple{folderProblem_, folderWhy, folder_->GetSize().x},
                                      std::tuple{fileNameProblem_, fileNameWhy, fileName_->GetSize().x},
                                      std::tuple{problem_, why, GetClientSize().x - 20}})
        if (label->GetLabel() != text) {
            label->SetLabel(text);
            label->Wrap(std::max(300, width));
            changed = true;
        }
    const bool ok = folderWhy.empty() && fileNameWhy.empty() && why.empty();
    FindWindow(wxID_OK)->Enable(ok);
    saveAs_->Enable(ok);
    if (changed) {
        // A longer message may need more lines: grow the dialog to show all of it.
        InvalidateBestSize();
        const wxSize best = GetBestSize();
        if (best.y > GetSize().y)
            SetSize(wxSize(GetSize().x, best.y));
        Layout();
    }
}

// Reads the OCR languages into rules_; why they cannot be used (one not installed: the package
// to install), or empty.
wxString RulesDialog::validateOcr() {
    const bool own = ownOcrLanguages_->GetValue();
    if (!own && ocrLanguages_->IsEnabled())
        ocrLanguages_->choose(preferredOcrLanguages_); // what the profile falls back to
    ocrLanguages_->Enable(own);
    rules_.output.ocrLanguages = own ? ocrLanguages_->chosen() : std::string();
    return own ? ocrLanguages_->problem() : wxString();
}

void RulesDialog::addField() {
    std::set<std::string> taken;
    for (const auto& f : rules_.fields)
        taken.insert(f.name);
    rules::FieldRule blank{"", rules::Pattern::compile("^(.+)$"), {}, {}};
    if (auto field = editField(this, blank, taken)) {
        rules_.fields.push_back(std::move(*field));
        fillFields();
        fields_->SetItemState(fields_->GetItemCount() - 1, wxLIST_STATE_SELECTED | wxLIST_STATE_FOCUSED,
                              wxLIST_STATE_SELECTED | wxLIST_STATE_FOCUSED);
    }
    validate();
}

void RulesDialog::editSelectedField() {
    const long row = selectedField();
    if (row < 0 || size_t(row) >= rules_.fields.size())
        return;
    std::set<std::string> taken;
    for (size_t i = 0; i < rules_.fields.size(); ++i)
        if (long(i) != row)
            taken.insert(rules_.fields[i].name);
    if (auto field = editField(this, rules_.fields[size_t(row)], taken)) {
        rules_.fields[size_t(row)] = std::move(*field);
        fillFields();
        fields_->SetItemState(row, wxLIST_STATE_SELECTED | wxLIST_STATE_FOCUSED,
                              wxLIST_STATE_SELECTED | wxLIST_STATE_FOCUSED);
    }
    validate();
}

void RulesDialog::removeSelectedField() {
    const long row = selectedField();
    if (row < 0 || size_t(row) >= rules_.fields.size())
        return;
    rules_.fields.erase(rules_.fields.begin() + row);
    fillFields();
    validate();
}

void RulesDialog::saveAs() {
    validate();
    if (!saveAs_->IsEnabled())
        return;
    wxFileDialog dialog(this, _("Save the rules as"), "", "rules.jsonc",
                        _("Rules files") + " (*.jsonc;*.json)|*.jsonc;*.json|" + _("All files") + "|*",
                        wxFD_SAVE | wxFD_OVERWRITE_PROMPT);
    if (dialog.ShowModal() != wxID_OK)
        return;
    const std::filesystem::path file(utf8(dialog.GetPath()));
    try {
        rules::writeRulesFile(file, rules_, profile_, app::durableFiles());
    } catch (const std::exception& e) {
        wxMessageBox(fromUtf8(e.what()), _("The rules were not saved"), wxOK | wxICON_ERROR, this);
        return;
    }
    savedFile_ = file;
    EndModal(wxID_OK);
}

} // namespace

std::optional<EditedRules> showRulesDialog(wxWindow* parent, const rules::FilingRules& rules,
                                           const wxString& source, const wxString& profile) {
    RulesDialog dialog(parent, rules, source, profile);
    if (dialog.ShowModal() != wxID_OK)
        return std::nullopt;
    return dialog.result();
}

} // namespace docdesk::gui
