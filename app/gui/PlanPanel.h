#pragma once
// The "Filing plan" tab: the session's pages grouped into documents by the rules, the reason
// each document starts, the fields of the selected document (editable), and the actions on
// the plan: update, split here, merge with next, file into the archive folder. Analysis and
// filing run on a background thread; the plan is recomputed only when asked (F5) or when the
// tab is shown after pages were added, so the user's merges and splits are not thrown away.
#include "app/common/ArrivalAnalysis.h"
#include "app/common/OutboxFiling.h"
#include "app/common/PlanEdits.h"
#include "app/common/PlanFiling.h"
#include "app/gui/BackgroundTask.h"
#include "core/journal/Session.h"
#include "core/rules/FilingPlan.h"

#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <wx/panel.h>

class wxButton;
class wxCheckBox;
class wxChoice;
class wxDataViewListCtrl;
class wxDataViewEvent;
class wxDirPickerCtrl;
class wxFilePickerCtrl;
class wxStaticText;

namespace docdesk::gui {

class PlanView;

class PlanPanel : public wxPanel {
  public:
    PlanPanel(wxWindow* parent, journal::Session* session);
    ~PlanPanel() override;

    // The session was replaced (File > New Session): the plan is dropped.
    void setSession(journal::Session* session);
    // Plans the session's pages again (analysing pages that were not analysed yet).
    void updatePlan();
    // Updates the plan if the session's page count (`pagesNow`, as the window shows it) changed
    // since the plan was made.
    void updateIfStale(size_t pagesNow);
    // Pages were edited (turned, cropped, moved, deleted): the plan is made again when shown.
    void pagesEdited() { planned_ = false; }
    void splitHere();
    void mergeWithNext();
    // Takes back the last correction of the plan (Split Here, Merge with Next, a typed field),
    // also one kept in the session from before F5 or a restart (Edit > Undo on this tab).
    void undoLastEdit();
    bool canUndoEdit() const { return planned_ && !busy() && !editIds_.empty(); }
    void fileDocuments();
    // Moves into the outbox what a filing into an outbox left in staging when it was killed
    // (called at start; runs in the background like filing, and refreshes the Outbox tab).
    void settleInterruptedFiling();
    // The archive folder documents are filed into (the welcome of an empty session shows it).
    wxString archiveFolder() const;
    void setArchiveFolder(const wxString& folder);
    // The Rules dialog on the rules in effect; Apply uses the edited rules for this plan only,
    // Save As makes the saved file and profile the plan's rules. Plans again either way.
    void editRules();
    bool busy() const { return worker_.running(); }
    // The page edits (auto-crop, deskew, split receipts, mode) of the rules in effect, for the
    // analysis of arriving pages; the standard ones when the rules file cannot be read (the
    // plan says why when it is made).
    rules::PageEditRules pageEditRules() const;
    // Planning waits for the pages this analysis has queued, then analyses only the rest.
    void waitForAnalysis(std::shared_ptr<app::ArrivalAnalysis> arrivals) { arrivals_ = std::move(arrivals); }

    // Called after documents were put into a profile's outbox (the Outbox tab refreshes).
    std::function<void()> onOutboxChanged;

    // Progress of analysis and filing for the status bar: (done, total, text); total 0 = idle.
    std::function<void(size_t, size_t, const wxString&)> onProgress;

  private:
    void buildControls();
    void describeControls(const std::array<wxButton*, 5>& buttons); // update, split, merge, add, remove
    void bindControls(const std::array<wxButton*, 5>& buttons);
    wxWindow* buildPlanAndFields(wxButton*& add, wxButton*& remove);
    std::optional<rules::FilingPlanner> makePlanner();
    void showPlan();
    void showFields();
    void onFieldEdited(wxDataViewEvent& event);
    void addField();
    void removeField();
    void setUserField(const std::string& name, const std::string& value);
    // What the worker brings back from planning and filing.
    struct PreparedPlan {
        app::PreparedBatch batch;
        size_t count = 0;                  // the session's pages
        std::vector<std::int64_t> editIds; // the session's plan edits
        std::vector<app::PlanEdit> edits;  // the same, read on the worker thread too
    };
    struct FilingRun {
        app::EditedPlanFiling result;
        std::string problems; // pages whose text could not be read, or why the filing stopped
    };
    template <class Work, class Then> void runInBackground(Work work, Then then);
    void showPreparedPlan(TaskResult<PreparedPlan> result);
    void reportSettledFiling(const TaskResult<app::OutboxSettlement>& result);
    void showFiled(const FilingRun& filing, const std::filesystem::path& root, const std::string& profile);
    bool askFilingAgain(bool& again);
    void recordEdit(const app::PlanEdit& edit);
    void loadRulesProfiles();
    void setEditedRules(std::optional<rules::FilingRules> edited);
    void fillDestinations();
    void onDestinationChosen();
    std::string outboxProfile() const; // the chosen profile, or empty for the archive folder
    wxCheckBox* makeSearchableBox();   // "Make searchable", remembered per rules profile
    wxString searchableKey() const;
    void loadSearchable();
    std::function<void(size_t, size_t)> textProgress(const WindowQueue& ui);
    pipeline::FilingOptions filingOptions(const app::PreparedBatch& batch, bool searchable,
                                          const rules::OutputRules& output, std::stop_token stop,
                                          std::string& failure, const WindowQueue& ui);

    journal::Session* session_;
    PlanView* view_ = nullptr;
    wxDataViewListCtrl* fields_ = nullptr;
    wxStaticText* warnings_ = nullptr;
    wxStaticText* summary_ = nullptr;
    wxFilePickerCtrl* rulesFile_ = nullptr;
    wxChoice* rulesProfile_ = nullptr;
    wxButton* rulesButton_ = nullptr;
    wxDirPickerCtrl* archive_ = nullptr;
    wxChoice* destination_ = nullptr; // the archive folder, or a profile's outbox
    wxButton* fileButton_ = nullptr;
    wxCheckBox* searchable_ = nullptr;

    std::optional<rules::FilingRules> editedRules_; // applied in the Rules dialog, not saved
    std::optional<rules::FilingPlanner> planner_;
    app::PreparedBatch batch_;
    rules::FilingPlan plan_;
    bool planned_ = false;
    std::vector<std::int64_t> editIds_; // the session's plan edits, in order (for Undo)
    size_t pagesWhenPlanned_ = 0;
    std::shared_ptr<app::ArrivalAnalysis> arrivals_; // the window's analysis as pages arrive
    BackgroundTask worker_{this};                    // last: discarded before the members it uses go
};

} // namespace docdesk::gui
