#pragma once
// The main window: menu, page grid and status bar. Event handlers translate the event and
// hand the work to core/capture on a background thread; results come back through
// BackgroundTask.
#include "app/common/PageEdits.h"
#include "app/gui/BackgroundTask.h"
#include "app/gui/LatencyProbe.h"
#include "core/journal/Session.h"

#include <filesystem>
#include <memory>
#include <optional>
#include <vector>
#include <wx/frame.h>
#include <wx/timer.h>

class wxGauge;
class wxNotebook;

namespace docdesk::capture {
struct HotFolderEvent;
struct ImportOutcome;
} // namespace docdesk::capture

namespace docdesk::gui {

class ArrivalAnalyser;
class PageGridPanel;
class PreviewPanel;
class OutboxPanel;
class PlanPanel;
class WelcomePanel;

class MainFrame : public wxFrame {
  public:
    explicit MainFrame(std::unique_ptr<journal::Session> session);
    ~MainFrame() override;

    // Imports files and folders in the background; pages appear as each file is stored.
    void importPaths(const std::vector<std::filesystem::path>& paths);
    // Opens the camera view; `device` preselects a camera or names a video file or stream.
    void openCamera(const std::string& device = {});
    // Opens the scan dialog (scanners are listed in the background).
    void openScanner();
    // Shows the filing plan tab and plans the pages (F5).
    void showPlan();
    // Watches a hot folder: files arriving there are stored in the session (Capture menu).
    void startWatching(const std::filesystem::path& folder);

  private:
    void buildMenus();
    void bindMenuCommands();
    void onOpen(wxCommandEvent&);
    void onNewSession(wxCommandEvent&);
    void onCamera(wxCommandEvent&);
    void onWatchFolder(wxCommandEvent&);
    void stopWatching();
    void onFileArrived(const capture::HotFolderEvent& e); // from the watched folder, kept for
    void showArrived();                                   // this: those since the last call
    void onFileImported(const capture::ImportOutcome& o); // kept for showImported()
    void showImported();                                  // the files imported since the last call
    void onImportFinished();                              // one import's end
    void onQuit(wxCommandEvent&);
    void onAbout(wxCommandEvent&);
    void onClose(wxCloseEvent&);
    void updateTitle();
    void showPageCount();
    wxWindow* buildPagesArea(wxWindow* parent); // the welcome of an empty session and the grid
    void updateWelcome();
    void changeArchiveFolder();
    void showProgress(size_t done, size_t total);
    void placeGauge();
    void onPlanProgress(size_t done, size_t total, const wxString& text);
    // Analysis as pages arrive (ArrivalAnalyser): started for each session with its pages.
    void startAnalysing(const std::vector<PageRecord>& pages);
    void analyseArrived(const std::vector<PageRecord>& pages);
    void showAnalysisProgress(size_t done, size_t total);

    // Page editing (Edit menu, grid, preview): edits run on the edit queue's thread.
    wxMenu* buildEditMenu(wxMenuBar* bar); // appends the Edit menu and returns it
    void startEditing();
    void editPages(std::unique_ptr<app::PageEdit> edit);
    void onPagesEdited(app::PageEditQueue::Outcome outcome);
    void updateEditMenu();
    bool onPlanTab() const; // Edit > Undo then takes back the plan's last correction
    void refreshPages();

    LatencyProbe latencyProbe_; // reports UI stalls when DOCDESK_UI_LATENCY_LOG is set
    std::unique_ptr<journal::Session> session_;
    std::unique_ptr<app::PageEditQueue> edits_; // after session_: finished before it closes
    std::unique_ptr<ArrivalAnalyser> arrivals_; // after session_: stopped before it closes
    wxNotebook* tabs_ = nullptr;
    PageGridPanel* grid_ = nullptr;
    WelcomePanel* welcome_ = nullptr; // instead of the grid while the session has no pages
    PreviewPanel* preview_ = nullptr;
    std::string undoName_, redoName_;        // what Undo and Redo would do; empty: nothing
    std::optional<WindowQueue> editReports_; // the edit queue's reports; closed with the session
    bool followUpRefresh_ = false;           // a report crossed pages arriving: read the session again
    PlanPanel* plan_ = nullptr;
    OutboxPanel* outbox_ = nullptr;
    wxGauge* gauge_ = nullptr; // in the status bar while an import runs
    size_t filesQueued_ = 0;
    size_t filesDone_ = 0;
    int importsRunning_ = 0;
    std::vector<std::string> importErrors_;
    // Files imported and not shown yet: an import reports each file, and showing one costs the
    // UI thread a status bar repaint, so they are shown in batches (issue 16: 300 reports queued
    // behind each other held the window for seconds).
    std::vector<capture::ImportOutcome> imported_;
    wxTimer showImported_;                  // one-shot: shows `imported_`
    std::vector<BackgroundTask> importers_; // after session_: joined before the session closes
    std::filesystem::path watchedFolder_;
    // Files from the watched folder not shown yet, in batches like imports: a folder filled
    // with hundreds of files at once reports them faster than the window can show one by one.
    std::vector<capture::HotFolderEvent> arrived_;
    wxTimer showArrived_;          // one-shot: shows `arrived_`
    BackgroundTask watcher_{this}; // the hot folder, while one is watched; after session_ as well
};

} // namespace docdesk::gui
