#include "app/gui/PlanPanel.h"

#include "app/common/AppEnvironment.h"
#include "app/common/GatewayUpload.h"
#include "app/common/OutboxFiling.h"
#include "app/common/PageRecognition.h"
#include "app/gui/LatencyProbe.h"
#include "app/gui/PlanView.h"
#include "app/gui/PreferencesDialog.h"
#include "app/gui/ProfilesDialog.h"
#include "app/gui/RulesDialog.h"
#include "core/rules/RulesFile.h"
#include "core/vault/ProfileStore.h"
#include "platform/ProcessLimits.h"

#include <array>
#include <ctime>
#include <wx/button.h>
#include <wx/checkbox.h>
#include <wx/choicdlg.h>
#include <wx/choice.h>
#include <wx/config.h>
#include <wx/dataview.h>
#include <wx/filepicker.h>
#include <wx/msgdlg.h>
#include <wx/sizer.h>
#include <wx/splitter.h>
#include <wx/stattext.h>
#include <wx/stdpaths.h>
#include <wx/textdlg.h>

namespace docdesk::gui {
namespace {

wxString defaultArchiveFolder() {
    return wxStandardPaths::Get().GetDocumentsDir() + wxFILE_SEP_PATH + "docdesk";
}

wxString fieldOrigin(const rules::FieldValue& value) {
    if (value.origin == rules::FieldOrigin::User)
        return _("typed");
    if (value.page)
        return wxString::Format(_("barcode, page %zu"), *value.page + 1);
    return _("barcode");
}

} // namespace

PlanPanel::PlanPanel(wxWindow* parent, journal::Session* session)
    : wxPanel(parent, wxID_ANY), session_(session) {
    SetName(_("Filing plan"));
    buildControls();
}

// Accessible names and tooltips (issue 20) of the buttons made in buildControls.
void PlanPanel::describeControls(const std::array<wxButton*, 5>& buttons) {
    const auto [update, split, merge, add, remove] = buttons;
    update->SetName(_("Update Plan"));
    split->SetName(_("Split Here"));
    merge->SetName(_("Merge with Next"));
    fileButton_->SetName(_("File Documents"));
    rulesProfile_->SetToolTip(_("A saved set of rules to plan with"));
    archive_->SetToolTip(_("The folder on this computer the documents are filed into"));
    fields_->SetToolTip(
        _("The fields of the selected document and where each comes from; values can be typed over"));
    add->SetName(_("Add Field"));
    add->SetToolTip(_("Add a field of your own to the selected document"));
    remove->SetName(_("Remove Field"));
    remove->SetToolTip(_("Remove the selected field from the selected document"));
}

wxString PlanPanel::archiveFolder() const {
    return archive_->GetPath();
}

void PlanPanel::setArchiveFolder(const wxString& folder) {
    archive_->SetPath(folder);
    wxConfigBase::Get()->Write("plan/archive", folder);
}

PlanPanel::~PlanPanel() = default; // the worker is discarded first (the last member)

void PlanPanel::buildControls() {
    wxConfigBase* config = wxConfigBase::Get();
    auto* update = new wxButton(this, wxID_ANY, _("Upda&te Plan"));
    update->SetToolTip(_("Plan the session's pages into documents again (F5)"));
    auto* split = new wxButton(this, wxID_ANY, _("S&plit Here"));
    split->SetToolTip(_("Start a new document at the selected page (Ctrl+B)"));
    auto* merge = new wxButton(this, wxID_ANY, _("&Merge with Next"));
    merge->SetToolTip(_("Join the selected document and the one after it (Ctrl+M)"));
    fileButton_ = new wxButton(this, wxID_ANY, _("F&ile Documents"));
    fileButton_->SetToolTip(_("Write the documents as PDF files into the archive folder (Ctrl+Shift+F)"));

    rulesFile_ = new wxFilePickerCtrl(
        this, wxID_ANY, config->Read("plan/rules", ""), _("Choose a rules file"),
        _("Rules files") + " (*.jsonc;*.json)|*.jsonc;*.json|" + _("All files") + "|*", wxDefaultPosition,
        wxDefaultSize, wxFLP_OPEN | wxFLP_FILE_MUST_EXIST | wxFLP_USE_TEXTCTRL);
    rulesFile_->SetName(_("Rules file"));
    rulesFile_->SetToolTip(_("Empty: the standard rules (PATCHT separator sheets, ASN barcodes)"));
    rulesProfile_ = new wxChoice(this, wxID_ANY);
    rulesProfile_->SetName(_("Rules profile"));
    rulesButton_ = new wxButton(this, wxID_ANY, _("Ru&les..."));
    rulesButton_->SetName(_("Rules"));
    rulesButton_->SetToolTip(
        _("See and change the rules in effect, or save them as a rules file (Ctrl+Shift+R)"));
    archive_ = new wxDirPickerCtrl(this, wxID_ANY, config->Read("plan/archive", defaultArchiveFolder()),
                                   _("Choose the archive folder"), wxDefaultPosition, wxDefaultSize,
                                   wxDIRP_USE_TEXTCTRL);
    archive_->SetName(_("Archive folder"));
    // The pickers' buttons carry wxWidgets' own label, which is not translated without the
    // wxstd catalogue: ours instead.
    for (wxPickerBase* picker : std::initializer_list<wxPickerBase*>{rulesFile_, archive_})
        picker->GetPickerCtrl()->SetLabel(_("Browse..."));

    auto* actions = new wxBoxSizer(wxHORIZONTAL);
    actions->Add(update, 0, wxRIGHT, 6);
    actions->Add(split, 0, wxRIGHT, 6);
    actions->Add(merge, 0, wxRIGHT, 18);
    actions->Add(new wxStaticText(this, wxID_ANY, _("Rules:")), 0, wxALIGN_CENTER_VERTICAL | wxRIGHT, 4);
    actions->Add(rulesFile_, 1, wxALIGN_CENTER_VERTICAL | wxRIGHT, 4);
    actions->Add(rulesProfile_, 0, wxALIGN_CENTER_VERTICAL | wxRIGHT, 4);
    actions->Add(rulesButton_, 0, wxALIGN_CENTER_VERTICAL);
    destination_ = new wxChoice(this, wxID_ANY);
    destination_->SetName(_("File into"));
    destination_->SetToolTip(
        _("The archive folder on this computer, or a gateway profile's outbox (sent only when "
          "you press Upload)"));
    auto* target = new wxBoxSizer(wxHORIZONTAL);
    target->Add(new wxStaticText(this, wxID_ANY, _("File into:")), 0, wxALIGN_CENTER_VERTICAL | wxRIGHT, 4);
    target->Add(destination_, 0, wxALIGN_CENTER_VERTICAL | wxRIGHT, 6);
    target->Add(archive_, 1, wxALIGN_CENTER_VERTICAL | wxRIGHT, 6);
    target->Add(makeSearchableBox(), 0, wxALIGN_CENTER_VERTICAL | wxRIGHT, 6);
    target->Add(fileButton_, 0, wxALIGN_CENTER_VERTICAL);

    wxButton* add = nullptr;
    wxButton* remove = nullptr;
    wxWindow* planAndFields = buildPlanAndFields(add, remove);
    describeControls({update, split, merge, add, remove});
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    sizer->Add(actions, 0, wxALL | wxEXPAND, 6);
    sizer->Add(target, 0, wxLEFT | wxRIGHT | wxBOTTOM | wxEXPAND, 6);
    sizer->Add(planAndFields, 1, wxEXPAND);
    SetSizer(sizer);

    bindControls({update, split, merge, add, remove});
    fillDestinations();
    loadRulesProfiles();
    showPlan();
}

// The plan on the left, the selected document's fields on the right.
wxWindow* PlanPanel::buildPlanAndFields(wxButton*& add, wxButton*& remove) {
    auto* splitter = new wxSplitterWindow(this, wxID_ANY, wxDefaultPosition, wxDefaultSize,
                                          wxSP_LIVE_UPDATE | wxSP_3DSASH);
    view_ = new PlanView(splitter);
    auto* side = new wxPanel(splitter);
    summary_ = new wxStaticText(side, wxID_ANY, "");
    fields_ = new wxDataViewListCtrl(side, wxID_ANY, wxDefaultPosition, wxDefaultSize,
                                     wxDV_ROW_LINES | wxDV_SINGLE);
    fields_->SetName(_("Fields of the selected document"));
    fields_->AppendTextColumn(_("Field"), wxDATAVIEW_CELL_INERT, 110);
    fields_->AppendTextColumn(_("Value"), wxDATAVIEW_CELL_EDITABLE, 150);
    fields_->AppendTextColumn(_("From"), wxDATAVIEW_CELL_INERT, 110);
    add = new wxButton(side, wxID_ANY, _("&Add Field..."));
    remove = new wxButton(side, wxID_ANY, _("&Remove Field"));
    warnings_ = new wxStaticText(side, wxID_ANY, "");
    warnings_->SetForegroundColour(wxColour(190, 100, 0));
    auto* fieldButtons = new wxBoxSizer(wxHORIZONTAL);
    fieldButtons->Add(add, 0, wxRIGHT, 6);
    fieldButtons->Add(remove);
    auto* sideSizer = new wxBoxSizer(wxVERTICAL);
    sideSizer->Add(summary_, 0, wxALL | wxEXPAND, 6);
    sideSizer->Add(new wxStaticText(side, wxID_ANY, _("Fields of the selected document:")), 0,
                   wxLEFT | wxRIGHT, 6);
    sideSizer->Add(fields_, 1, wxALL | wxEXPAND, 6);
    sideSizer->Add(fieldButtons, 0, wxLEFT | wxRIGHT | wxBOTTOM, 6);
    sideSizer->Add(warnings_, 0, wxALL | wxEXPAND, 6);
    side->SetSizer(sideSizer);
    splitter->SetMinimumPaneSize(200);
    splitter->SetSashGravity(1.0);
    splitter->SplitVertically(view_, side, -380);
    return splitter;
}

void PlanPanel::bindControls(const std::array<wxButton*, 5>& buttons) {
    const auto [update, split, merge, add, remove] = buttons;
    update->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { updatePlan(); });
    split->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { splitHere(); });
    merge->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { mergeWithNext(); });
    fileButton_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { fileDocuments(); });
    rulesButton_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { editRules(); });
    add->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { addField(); });
    remove->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { removeField(); });
    fields_->Bind(wxEVT_DATAVIEW_ITEM_VALUE_CHANGED, &PlanPanel::onFieldEdited, this);
    rulesFile_->Bind(wxEVT_FILEPICKER_CHANGED, [this](wxFileDirPickerEvent&) {
        wxConfigBase::Get()->Write("plan/rules", rulesFile_->GetPath());
        setEditedRules(std::nullopt);
        loadRulesProfiles();
        updatePlan();
    });
    rulesProfile_->Bind(wxEVT_CHOICE, [this](wxCommandEvent&) {
        wxConfigBase::Get()->Write("plan/rules_profile", rulesProfile_->GetStringSelection());
        setEditedRules(std::nullopt);
        updatePlan();
    });
    archive_->Bind(wxEVT_DIRPICKER_CHANGED, [this](wxFileDirPickerEvent&) {
        wxConfigBase::Get()->Write("plan/archive", archive_->GetPath());
    });
    destination_->Bind(wxEVT_CHOICE, [this](wxCommandEvent&) { onDestinationChosen(); });
    view_->onSelectionChanged = [this] { showFields(); };
}

// "Archive folder", "Outbox of NAME" for the profile chosen last time, "Outbox of another
// profile..." (which opens the profile vault only when picked).
void PlanPanel::fillDestinations() {
    const wxString profile = wxConfigBase::Get()->Read("plan/profile", "");
    destination_->Clear();
    destination_->Append(_("Archive folder"));
    if (!profile.empty())
        destination_->Append(wxString::Format(_("Outbox of %s"), profile));
    destination_->Append(profile.empty() ? _("Outbox of a gateway profile...")
                                         : _("Outbox of another profile..."));
    destination_->SetSelection(
        !profile.empty() && wxConfigBase::Get()->ReadBool("plan/to_outbox", false) ? 1 : 0);
    archive_->Enable(destination_->GetSelection() == 0);
}

std::string PlanPanel::outboxProfile() const {
    const wxString profile = wxConfigBase::Get()->Read("plan/profile", "");
    return destination_->GetSelection() == 1 && !profile.empty() ? profile.utf8_string() : std::string();
}

void PlanPanel::onDestinationChosen() {
    const int chosen = destination_->GetSelection();
    if (chosen == static_cast<int>(destination_->GetCount()) - 1) {
        wxArrayString names;
        try {
            auto store = openProfileStoreInDialog(this);
            for (const auto& p : store->list())
                names.Add(wxString::FromUTF8(p.name));
        } catch (const std::exception& e) {
            wxMessageBox(wxString::FromUTF8(e.what()), _("The profiles cannot be opened"),
                         wxOK | wxICON_ERROR, this);
        }
        if (names.empty()) {
            if (chosen > 0)
                wxMessageBox(_("There are no gateway profiles yet. Add one in Upload > Gateway Profiles."),
                             _("File into"), wxOK | wxICON_INFORMATION, this);
        } else {
            wxSingleChoiceDialog pick(this, _("File the documents into the outbox of:"), _("Gateway profile"),
                                      names);
            if (pick.ShowModal() == wxID_OK) {
                wxConfigBase::Get()->Write("plan/profile", pick.GetStringSelection());
                wxConfigBase::Get()->Write("plan/to_outbox", true);
                fillDestinations();
                return;
            }
        }
        fillDestinations();
        return;
    }
    wxConfigBase::Get()->Write("plan/to_outbox", chosen == 1);
    archive_->Enable(chosen == 0);
}

wxCheckBox* PlanPanel::makeSearchableBox() {
    searchable_ = new wxCheckBox(this, wxID_ANY, _("Ma&ke searchable"));
    searchable_->SetToolTip(
        _("Lay the text read by OCR invisibly under each page of the PDFs, so they can be "
          "searched and copied from (about a second per page and core)"));
    searchable_->Bind(wxEVT_CHECKBOX, [this](wxCommandEvent&) {
        wxConfigBase::Get()->Write(searchableKey(), searchable_->GetValue());
    });
    return searchable_;
}

// One setting per rules profile ("plan/searchable/<profile>"); '/' cannot be part of a key.
wxString PlanPanel::searchableKey() const {
    wxString profile = rulesProfile_->GetStringSelection();
    profile.Replace("/", "_");
    return "plan/searchable/" + (profile.empty() ? wxString("standard") : profile);
}

// The profile's remembered choice, else what its rules say ("ocr").
void PlanPanel::loadSearchable() {
    const bool rulesSay = planner_ && planner_->rules().output.ocr;
    searchable_->SetValue(wxConfigBase::Get()->ReadBool(searchableKey(), rulesSay));
}

void PlanPanel::loadRulesProfiles() {
    rulesProfile_->Clear();
    const wxString path = rulesFile_->GetPath();
    if (path.empty()) {
        rulesProfile_->Append(_("Standard rules"));
        rulesProfile_->SetSelection(0);
        rulesProfile_->Disable();
        return;
    }
    rulesProfile_->Enable();
    try {
        const auto file = rules::loadRulesFile(std::filesystem::path(path.utf8_string()));
        const wxString wanted = wxConfigBase::Get()->Read("plan/rules_profile", "");
        for (const auto& p : file.profiles)
            rulesProfile_->Append(wxString::FromUTF8(p.name));
        int selection = rulesProfile_->FindString(wanted);
        if (selection == wxNOT_FOUND)
            selection = rulesProfile_->FindString(wxString::FromUTF8(file.profile().name));
        rulesProfile_->SetSelection(selection == wxNOT_FOUND ? 0 : selection);
    } catch (const std::exception&) {
        // makePlanner() reports the problem when the plan is made.
    }
}

std::optional<rules::FilingPlanner> PlanPanel::makePlanner() {
    rules::FilingRules filingRules;
    const wxString path = rulesFile_->GetPath();
    if (editedRules_) {
        filingRules = *editedRules_;
    } else if (!path.empty()) {
        try {
            const auto file = rules::loadRulesFile(std::filesystem::path(path.utf8_string()));
            filingRules = file.profile(rulesProfile_->GetStringSelection().utf8_string()).rules;
        } catch (const std::exception& e) {
            wxMessageBox(wxString::FromUTF8(e.what()), _("The rules cannot be used"), wxOK | wxICON_ERROR,
                         this);
            return std::nullopt;
        }
    }
    rules::NamingContext naming;
    const std::time_t now = std::time(nullptr);
    if (const std::tm* local = std::localtime(&now))
        naming.date = *local;
    return rules::FilingPlanner(filingRules, naming);
}

rules::PageEditRules PlanPanel::pageEditRules() const {
    if (editedRules_)
        return editedRules_->pageEdits;
    const wxString path = rulesFile_->GetPath();
    if (path.empty())
        return {};
    try {
        return rules::loadRulesFile(std::filesystem::path(path.utf8_string()))
            .profile(rulesProfile_->GetStringSelection().utf8_string())
            .rules.pageEdits;
    } catch (const std::exception&) {
        return {};
    }
}

void PlanPanel::editRules() {
    rules::FilingRules current;
    wxString source = _("the standard rules");
    const wxString path = rulesFile_->GetPath();
    const wxString profile = path.empty() ? wxString() : rulesProfile_->GetStringSelection();
    if (editedRules_) {
        current = *editedRules_;
        source = _("rules changed in this window (not saved)");
    } else if (!path.empty()) {
        try {
            current = rules::loadRulesFile(std::filesystem::path(path.utf8_string()))
                          .profile(profile.utf8_string())
                          .rules;
            source = wxString::Format(_("profile \"%s\" of %s"), profile, path);
        } catch (const std::exception& e) {
            wxMessageBox(wxString::FromUTF8(e.what()) + "\n\n" +
                             _("The dialog starts from the standard rules."),
                         _("The rules cannot be used"), wxOK | wxICON_WARNING, this);
        }
    }
    const auto edited = showRulesDialog(this, current, source, profile);
    if (!edited)
        return;
    if (edited->savedFile) {
        const wxString saved = wxString::FromUTF8(edited->savedFile->string());
        rulesFile_->SetPath(saved);
        wxConfigBase::Get()->Write("plan/rules", saved);
        wxConfigBase::Get()->Write("plan/rules_profile", wxString::FromUTF8(edited->profile));
        setEditedRules(std::nullopt);
        loadRulesProfiles();
    } else {
        setEditedRules(edited->rules);
    }
    planned_ = false;
    updatePlan();
}

// Rules applied in the dialog but not saved are the plan's until another file or profile is
// chosen; the button says so, since the file and profile shown are then not what is used.
void PlanPanel::setEditedRules(std::optional<rules::FilingRules> edited) {
    editedRules_ = std::move(edited);
    rulesButton_->SetLabel(editedRules_ ? _("Ru&les (changed)...") : _("Ru&les..."));
    Layout();
}

void PlanPanel::setSession(journal::Session* session) {
    worker_.discard(); // a plan of the old session is not shown
    session_ = session;
    batch_ = {};
    plan_ = {};
    planned_ = false;
    pagesWhenPlanned_ = 0;
    view_->clear();
    showPlan();
}

// Runs `work` at background priority (analysis and rendering yield to the UI thread); the
// status bar's progress ends after `then`.
template <class Work, class Then> void PlanPanel::runInBackground(Work work, Then then) {
    worker_.start(
        [work = std::move(work)](std::stop_token stop, const WindowQueue& ui) mutable {
            platform::runInBackground();
            return work(stop, ui);
        },
        [this, then = std::move(then)](auto result) mutable {
            then(std::move(result));
            if (onProgress)
                onProgress(0, 0, {});
        });
}

void PlanPanel::updateIfStale(size_t pagesNow) {
    if (!busy() && session_ != nullptr && (!planned_ || pagesNow != pagesWhenPlanned_))
        updatePlan();
}

void PlanPanel::updatePlan() {
    if (busy() || session_ == nullptr)
        return;
    planner_ = makePlanner();
    if (!planner_)
        return;
    loadSearchable();
    journal::Session* session = session_;
    if (onProgress)
        onProgress(0, 0, _("Analysing pages..."));
    // The pages are read on the worker thread too: the session's lock may be held by a write
    // (fsync) in another thread, and the UI thread must not wait for it.
    auto rulesWithLanguages = planner_->rules();
    rulesWithLanguages.output.ocrLanguages =
        ocrLanguagesFor(rulesWithLanguages.output.ocrLanguages); // Preferences
    runInBackground(
        [this, session, rules = rulesWithLanguages, arrivals = arrivals_](std::stop_token stop,
                                                                          const WindowQueue& ui) {
            PreparedPlan prepared;
            if (arrivals) // pages being analysed since they arrived are not analysed twice
                arrivals->waitForQueued(stop);
            for (const auto& [id, text] : session->planEdits())
                prepared.editIds.push_back(id);
            // Read here, not on the UI thread: background analysis may hold the session's
            // lock for a write (fsync) when the plan arrives.
            prepared.edits = app::storedPlanEdits(*session);
            const auto pages = session->pages();
            app::AnalysisWorker worker;
            prepared.batch = app::prepareBatch(
                *session, pages, worker, rules.pageEdits, 300, stop, [this, &ui](size_t done, size_t total) {
                    ui.post([this, done, total] {
                        if (onProgress)
                            onProgress(done, total,
                                       wxString::Format(_("Analysing page %zu of %zu..."), done, total));
                    });
                });
            prepared.count = size_t(session->pageCount()); // pages cut into several documents are several now
            if (rules::needsText(rules) && !stop.stop_requested()) // text fields, receipt data
                app::attachTexts(prepared.batch.planPages, prepared.batch.imagePages,
                                 *app::recognisePages(prepared.batch.imagePages, worker,
                                                      rules.output.ocrLanguages, 300, stop,
                                                      prepared.batch.analysisErrors, textProgress(ui)));
            return prepared;
        },
        [this](TaskResult<PreparedPlan> result) { showPreparedPlan(std::move(result)); });
}

// The plan from the pages the worker prepared, with the user's corrections kept in the session.
void PlanPanel::showPreparedPlan(TaskResult<PreparedPlan> result) {
    if (result.failure) {
        wxMessageBox(wxString::FromUTF8(result.failure->summary), _("The plan cannot be made"),
                     wxOK | wxICON_ERROR, this);
        return;
    }
    auto& prepared = result.value;
    editIds_ = std::move(prepared.editIds);
    batch_ = std::move(prepared.batch);
    plan_ = planner_->plan(batch_.planPages);
    try { // the user's corrections so far, kept in the session
        plan_ = app::applyPlanEdits(*planner_, std::move(plan_), batch_, prepared.edits);
    } catch (const std::exception& e) {
        wxMessageBox(wxString::FromUTF8(e.what()), _("The plan cannot be made"), wxOK | wxICON_ERROR, this);
    }
    planned_ = true;
    pagesWhenPlanned_ = prepared.count;
    showPlan();
    LatencyProbe::mark("plan_ready");
    view_->SetFocus(); // arrows, Ctrl+B and Ctrl+M act on the plan from here
    if (onProgress)
        onProgress(0, 0,
                   wxString::Format(wxPLURAL("Planned %zu page into %zu documents",
                                             "Planned %zu pages into %zu documents", prepared.count),
                                    prepared.count, plan_.documents.size()));
}

void PlanPanel::showPlan() {
    if (!planned_) {
        summary_->SetLabel(_("No plan yet."));
        view_->clear();
        showFields();
        return;
    }
    view_->setPlan(plan_, batch_.planPages, batch_.imagePages);
    wxString text = wxString::Format(wxPLURAL("%zu document", "%zu documents", plan_.documents.size()),
                                     plan_.documents.size());
    if (!plan_.dropped.empty())
        text +=
            ", " + wxString::Format(wxPLURAL("%zu page left out", "%zu pages left out", plan_.dropped.size()),
                                    plan_.dropped.size());
    if (!batch_.passThrough.empty())
        text += ", " + wxString::Format(wxPLURAL("%zu file filed as it is", "%zu files filed as they are",
                                                 batch_.passThrough.size()),
                                        batch_.passThrough.size());
    if (!batch_.analysisErrors.empty())
        text +=
            "\n" + wxString::Format(wxPLURAL("%zu page could not be analysed",
                                             "%zu pages could not be analysed", batch_.analysisErrors.size()),
                                    batch_.analysisErrors.size());
    summary_->SetLabel(text);
    showFields();
    Layout();
}

void PlanPanel::showFields() {
    fields_->DeleteAllItems();
    warnings_->SetLabel("");
    const auto selected = view_->selectedDocument();
    if (!planned_ || !selected || *selected >= plan_.documents.size())
        return;
    const auto& doc = plan_.documents[*selected];
    for (const auto& [name, value] : doc.fields) {
        wxVector<wxVariant> row;
        row.push_back(wxVariant(wxString::FromUTF8(name)));
        row.push_back(wxVariant(wxString::FromUTF8(value.value)));
        row.push_back(wxVariant(fieldOrigin(value)));
        fields_->AppendItem(row);
    }
    wxString warnings;
    for (const auto& w : doc.warnings)
        warnings += wxString::FromUTF8("⚠ ") + wxString::FromUTF8(w) + "\n";
    warnings_->SetLabel(warnings);
    warnings_->Wrap(std::max(200, warnings_->GetParent()->GetClientSize().x - 12));
    GetSizer()->Layout();
}

void PlanPanel::setUserField(const std::string& name, const std::string& value) {
    const auto selected = view_->selectedDocument();
    if (!planner_ || !selected)
        return;
    auto fields = plan_.documents[*selected].userFields;
    fields[name] = value; // an empty value removes the field
    recordEdit(app::fieldsEdit(batch_, plan_, *selected, fields));
    plan_ = planner_->withUserFields(plan_, batch_.planPages, *selected, fields);
    const size_t position = view_->selectedPosition();
    showPlan();
    view_->select(*selected, position);
}

void PlanPanel::onFieldEdited(wxDataViewEvent& event) {
    const int row = fields_->ItemToRow(event.GetItem());
    if (row == wxNOT_FOUND)
        return;
    const std::string name = fields_->GetTextValue(static_cast<unsigned>(row), 0).utf8_string();
    const std::string value = fields_->GetTextValue(static_cast<unsigned>(row), 1).utf8_string();
    // Applied after the editor has closed: the list is rebuilt from the new plan.
    CallAfter([this, name, value] { setUserField(name, value); });
}

void PlanPanel::addField() {
    if (!view_->selectedDocument())
        return;
    const wxString name =
        wxGetTextFromUser(_("Name of the field (letters, digits, _ and -):"), _("Add Field"), "", this);
    if (name.empty())
        return;
    if (!name.IsAscii() ||
        name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") !=
            wxString::npos) {
        wxMessageBox(_("A field name may only contain letters, digits, _ and -."), _("Add Field"),
                     wxOK | wxICON_WARNING, this);
        return;
    }
    const wxString value =
        wxGetTextFromUser(wxString::Format(_("Value of %s:"), name), _("Add Field"), "", this);
    if (!value.empty())
        setUserField(name.utf8_string(), value.utf8_string());
}

void PlanPanel::removeField() {
    const int row = fields_->GetSelectedRow();
    if (row == wxNOT_FOUND)
        return;
    setUserField(fields_->GetTextValue(static_cast<unsigned>(row), 0).utf8_string(), "");
}

void PlanPanel::splitHere() {
    const auto selected = view_->selectedDocument();
    if (!planner_ || !selected)
        return;
    const size_t position = view_->selectedPosition();
    if (position == 0) {
        if (onProgress)
            onProgress(0, 0, _("Select a page after the first one of a document to split it there."));
        return;
    }
    recordEdit(app::splitEdit(batch_, plan_, *selected, position));
    plan_ = planner_->split(plan_, batch_.planPages, *selected, position);
    showPlan();
    view_->select(*selected + 1, 0);
}

void PlanPanel::mergeWithNext() {
    const auto selected = view_->selectedDocument();
    if (!planner_ || !selected)
        return;
    if (*selected + 1 >= plan_.documents.size()) {
        if (onProgress)
            onProgress(0, 0, _("The last document has no next one to merge with."));
        return;
    }
    const size_t position = view_->selectedPosition();
    recordEdit(app::mergeEdit(batch_, plan_, *selected));
    plan_ = planner_->merge(plan_, batch_.planPages, *selected);
    showPlan();
    view_->select(*selected, position);
}

// PDF/A as the rules say; with `searchable`, the pages' OCR text (pages that fail are reported
// in `failure` and filed without text). Runs on the background thread.
pipeline::FilingOptions PlanPanel::filingOptions(const app::PreparedBatch& batch, bool searchable,
                                                 const rules::OutputRules& output, std::stop_token stop,
                                                 std::string& failure, const WindowQueue& ui) {
    pipeline::FilingOptions options;
    options.pdfa = output.pdfa;
    if (searchable) {
        std::vector<std::string> errors;
        app::AnalysisWorker worker;
        options.pageTexts = app::recognisePages(batch.imagePages, worker, output.ocrLanguages, 300, stop,
                                                errors, textProgress(ui));
        for (const auto& e : errors)
            failure += e + "\n";
    }
    return options;
}

// OCR progress for the status bar, from a background thread.
std::function<void(size_t, size_t)> PlanPanel::textProgress(const WindowQueue& ui) {
    return [this, &ui](size_t done, size_t total) {
        ui.post([this, done, total] {
            if (onProgress)
                onProgress(done, total,
                           wxString::Format(_("Reading the text of page %zu of %zu..."), done, total));
        });
    };
}

void PlanPanel::fileDocuments() {
    if (busy() || session_ == nullptr)
        return;
    if (!planned_ || (plan_.documents.empty() && batch_.passThrough.empty())) {
        if (onProgress)
            onProgress(0, 0, _("There is nothing to file yet: capture pages and update the plan (F5)."));
        return;
    }
    const std::string profile = outboxProfile();
    const wxString folder = archive_->GetPath();
    if (profile.empty() && folder.empty()) {
        wxMessageBox(_("Choose the archive folder first."), _("File Documents"), wxOK | wxICON_INFORMATION,
                     this);
        return;
    }
    wxConfigBase::Get()->Write("plan/archive", folder);
    app::FilingRecordOptions record;
    if (!askFilingAgain(record.again))
        return;
    if (!profile.empty())
        record.target = "outbox:" + profile;
    const std::filesystem::path root(folder.utf8_string());
    const std::string sessionId = session_->summary().id;
    journal::Session* session = session_;
    auto batch = batch_;
    auto plan = plan_;
    const size_t total = plan.documents.size() + batch.passThrough.size();
    const bool searchable = searchable_->GetValue();
    rules::OutputRules output = planner_ ? planner_->rules().output : rules::OutputRules{};
    output.ocrLanguages = ocrLanguagesFor(output.ocrLanguages); // the profile's, else Preferences
    if (onProgress)
        onProgress(0, total, _("Filing..."));
    // The work fills `filing`; `then` reads it also after a failure (documents filed before it).
    auto filing = std::make_shared<FilingRun>();
    runInBackground(
        [this, filing, session, batch = std::move(batch), plan = std::move(plan), root, total, profile,
         sessionId, record, searchable, output](std::stop_token stop, const WindowQueue& ui) {
            // For a profile the documents are rendered into staging, then moved into its outbox.
            const std::filesystem::path into = profile.empty() ? root : app::outboxStagingFolder(sessionId);
            std::filesystem::create_directories(into);
            // For a profile: what an earlier filing could not move yet goes first, as in the CLI.
            const auto outbox = profile.empty() ? nullptr : app::openOutbox();
            if (outbox)
                app::settleOutboxFilings(*outbox, *session, into);
            output::LocalArchive archive(into, app::durableFiles());
            const auto options = filingOptions(batch, searchable, output, stop, filing->problems, ui);
            filing->result = app::fileEditedPlan(
                *session, batch, plan, archive, options, stop,
                [this, total, &ui](const pipeline::FilingProgress& p) {
                    ui.post([this, p, total] {
                        if (onProgress)
                            onProgress(p.documentsDone, total,
                                       wxString::Format(_("Filing document %zu of %zu..."),
                                                        p.documentsDone + 1, total));
                    });
                },
                record);
            if (outbox)
                app::moveIntoOutbox(*outbox, *session, into, filing->result.filingIds, filing->result.filed,
                                    filing->result.passThroughFiled);
        },
        [this, filing, root, profile](TaskResult<void> result) {
            if (result.failure)
                filing->problems =
                    result.failure->summary; // as before: the failure, not the pages' OCR errors
            showFiled(*filing, root, profile);
        });
}

// What the filing did: a count in the status bar, and what failed in a message.
void PlanPanel::showFiled(const FilingRun& filing, const std::filesystem::path& root,
                          const std::string& profile) {
    wxString errors = wxString::FromUTF8(filing.problems);
    size_t filed = 0;
    for (const auto* list : {&filing.result.filed, &filing.result.passThroughFiled})
        for (const auto& d : *list) {
            if (d.ok() && !d.alreadyFiled)
                ++filed;
            else if (d.status == pipeline::FilingStatus::Failed)
                errors += wxString::FromUTF8(d.error) + "\n";
        }
    const wxString where = profile.empty()
                               ? wxString::FromUTF8(root.string())
                               : wxString::Format(_("the outbox of %s"), wxString::FromUTF8(profile));
    if (!profile.empty() && onOutboxChanged)
        onOutboxChanged();
    if (onProgress)
        onProgress(
            0, 0,
            wxString::Format(wxPLURAL("Filed %zu document into %s", "Filed %zu documents into %s", filed),
                             filed, where));
    if (!errors.empty())
        wxMessageBox(errors + "\n" + _("The pages stay in the session; nothing was overwritten."),
                     _("Some documents were not filed"), wxOK | wxICON_WARNING, this);
}

void PlanPanel::settleInterruptedFiling() {
    if (busy() || session_ == nullptr)
        return;
    journal::Session* session = session_;
    runInBackground(
        [session](std::stop_token, const WindowQueue&) { return app::settleSessionOutbox(*session); },
        [this](TaskResult<app::OutboxSettlement> result) { reportSettledFiling(result); });
}

// What settling an interrupted filing did, in the status bar (nothing when there was nothing).
void PlanPanel::reportSettledFiling(const TaskResult<app::OutboxSettlement>& result) {
    const app::OutboxSettlement& settled = result.value;
    std::string failure = result.failure ? result.failure->summary : std::string();
    for (const auto& e : settled.errors)
        failure += (failure.empty() ? "" : "; ") + e;
    if (settled.moved == 0 && settled.forgotten == 0 && failure.empty())
        return;
    wxString text;
    if (!failure.empty())
        text =
            wxString::Format(_("Documents of an interrupted filing could not be moved into the outbox: %s"),
                             wxString::FromUTF8(failure));
    else if (settled.forgotten > 0)
        text = wxString::Format(wxPLURAL("%zu document of an interrupted filing never reached the outbox: "
                                         "file it again.",
                                         "%zu documents of an interrupted filing never reached the outbox: "
                                         "file them again.",
                                         settled.forgotten),
                                settled.forgotten);
    else
        text = wxString::Format(wxPLURAL("Moved %zu document of an interrupted filing into the outbox.",
                                         "Moved %zu documents of an interrupted filing into the outbox.",
                                         settled.moved),
                                settled.moved);
    if (onOutboxChanged)
        onOutboxChanged();
    if (onProgress)
        onProgress(0, 0, text);
}

// Keeps a correction of the plan in the session, so a new plan (F5, a restart, new pages)
// gets it again. When the session cannot be written, the correction still applies now.
void PlanPanel::recordEdit(const app::PlanEdit& edit) {
    try {
        editIds_.push_back(session_->addPlanEdit(edit.toJson()));
    } catch (const std::exception& e) {
        if (onProgress)
            onProgress(0, 0,
                       wxString::Format(_("The correction is not kept in the session: %s"),
                                        wxString::FromUTF8(e.what())));
    }
}

// Asks whether documents of the plan that were filed before are filed once more; false when
// the user cancels. `again` is set to the answer (no question when none was filed before).
bool PlanPanel::askFilingAgain(bool& again) {
    again = false;
    size_t earlier = app::alreadyFiledDocuments(*session_, batch_, plan_).size();
    for (const auto& entry : batch_.passThrough) {
        const std::int64_t id = entry.id;
        earlier += session_->filingOf(std::span(&id, 1)) ? 1 : 0;
    }
    if (earlier == 0)
        return true;
    wxMessageDialog ask(
        this,
        wxString::Format(wxPLURAL("%zu document of this plan was filed before. File it again?",
                                  "%zu documents of this plan were filed before. File them again?", earlier),
                         earlier),
        _("File Documents"), wxYES_NO | wxCANCEL | wxNO_DEFAULT | wxICON_QUESTION);
    ask.SetYesNoCancelLabels(_("&File Again"), _("&Skip Those"), _("Cancel"));
    const int answer = ask.ShowModal();
    again = answer == wxID_YES;
    return answer != wxID_CANCEL;
}

} // namespace docdesk::gui

namespace docdesk::gui {

// The plan as the rules make it with the corrections that remain, from the pages in hand (no
// new analysis), the selection kept where it was.
void PlanPanel::undoLastEdit() {
    if (!canUndoEdit() || !planner_)
        return;
    try {
        session_->removePlanEdit(editIds_.back());
        editIds_.pop_back();
        plan_ = app::applyPlanEdits(*planner_, planner_->plan(batch_.planPages), batch_,
                                    app::storedPlanEdits(*session_));
    } catch (const std::exception& e) {
        wxMessageBox(wxString::FromUTF8(e.what()), _("The correction cannot be taken back"),
                     wxOK | wxICON_ERROR, this);
        return;
    }
    const auto selected = view_->selectedDocument();
    showPlan();
    if (selected && !plan_.documents.empty())
        view_->select(std::min(*selected, plan_.documents.size() - 1), 0);
    if (onProgress)
        onProgress(0, 0, _("The last correction of the plan was taken back."));
}

} // namespace docdesk::gui
