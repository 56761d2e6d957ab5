#include "app/gui/MainFrame.h"

#include "app/common/AppEnvironment.h"
#include "app/common/WorkerPool.h"
#include "app/gui/ArrivalAnalyser.h"
#include "app/gui/CameraDialog.h"
#include "app/gui/OutboxPanel.h"
#include "app/gui/PageGridPanel.h"
#include "app/gui/PlanPanel.h"
#include "app/gui/PreferencesDialog.h"
#include "app/gui/PreviewPanel.h"
#include "app/gui/PrivacyDialog.h"
#include "app/gui/ProfilesDialog.h"
#include "app/gui/ScanDialog.h"
#include "app/gui/ShortcutsDialog.h"
#include "app/gui/WatchBanner.h"
#include "app/gui/WelcomePanel.h"
#include "capture/PageSources.h"
#include "core/common/Error.h"
#include "platform/AppDirs.h"

#include <algorithm>
#include <wx/aboutdlg.h>
#include <wx/dirdlg.h>
#include <wx/dnd.h>
#include <wx/filedlg.h>
#include <wx/gauge.h>
#include <wx/menu.h>
#include <wx/msgdlg.h>
#include <wx/notebook.h>
#include <wx/panel.h>
#include <wx/sizer.h>
#include <wx/splitter.h>
#include <wx/statusbr.h>

namespace docdesk::gui {
namespace {

class FileDropTarget : public wxFileDropTarget {
  public:
    explicit FileDropTarget(MainFrame* frame) : frame_(frame) {}
    bool OnDropFiles(wxCoord, wxCoord, const wxArrayString& names) override {
        std::vector<std::filesystem::path> paths;
        for (const auto& n : names)
            paths.emplace_back(n.utf8_string());
        frame_->importPaths(paths);
        return true;
    }

  private:
    MainFrame* frame_;
};

// A status bar whose new text is drawn with the window's next paint. wx's own repaints the
// field at once (Update(), a round trip to the X server) so that text shows before a long
// operation blocks the UI thread; here no operation blocks it, and progress is shown several
// times a second while pages arrive and are analysed, each repaint a stall the user feels.
class StatusBarPaintedLater : public wxStatusBar {
  public:
    explicit StatusBarPaintedLater(wxWindow* parent) : wxStatusBar(parent, wxID_ANY) {}

  protected:
    void DoUpdateStatusText(int number) override {
        wxRect field;
        if (GetFieldRect(number, field))
            RefreshRect(field);
    }
};

// How long imported files wait to be shown with those that follow: a tenth of a second is
// not seen as a delay, and a batch costs the UI thread what one file did.
constexpr int kShowImportedMs = 100;

enum {
    ID_NEW_SESSION = wxID_HIGHEST + 1,
    ID_SCAN,
    ID_CAMERA,
    ID_WATCH_FOLDER,
    ID_SHOW_PAGES,
    ID_SHOW_PLAN,
    ID_UPDATE_PLAN,
    ID_SPLIT_HERE,
    ID_MERGE_NEXT,
    ID_FILE_DOCUMENTS,
    ID_RULES,
    ID_SHOW_OUTBOX,
    ID_UPLOAD,
    ID_UPLOAD_ALL,
    ID_LEDGER,
    ID_PROFILES,
    ID_SHORTCUTS
};

constexpr size_t kPagesTab = 0;
constexpr size_t kPlanTab = 1;
constexpr size_t kOutboxTab = 2;
constexpr int kAnalysisField = 3; // the status bar's field for "Analysing 12 of 40 pages..."

} // namespace

MainFrame::MainFrame(std::unique_ptr<journal::Session> session)
    : wxFrame(nullptr, wxID_ANY, "docdesk", wxDefaultPosition, wxSize(1100, 750)),
      session_(std::move(session)) {
    SetName("docdesk");
    buildMenus();
    tabs_ = new wxNotebook(this, wxID_ANY);
    tabs_->SetName(_("Pages, filing plan and outbox"));
    auto* pagesSplit = new wxSplitterWindow(tabs_, wxID_ANY, wxDefaultPosition, wxDefaultSize,
                                            wxSP_LIVE_UPDATE | wxSP_3DSASH);
    pagesSplit->SetName(_("Pages and preview"));
    wxWindow* pagesArea = buildPagesArea(pagesSplit);
    preview_ = new PreviewPanel(pagesSplit);
    pagesSplit->SetMinimumPaneSize(FromDIP(200));
    pagesSplit->SetSashGravity(0.0); // a wider window gives the preview more room
    pagesSplit->SplitVertically(pagesArea, preview_, FromDIP(600)); // three columns of thumbnails
    plan_ = new PlanPanel(tabs_, session_.get());
    tabs_->AddPage(pagesSplit, _("Pages"));
    outbox_ = new OutboxPanel(tabs_);
    tabs_->AddPage(plan_, _("Filing Plan"));
    tabs_->AddPage(outbox_, _("Outbox"));
    plan_->onProgress = [this](size_t done, size_t total, const wxString& text) {
        onPlanProgress(done, total, text);
    };
    outbox_->onProgress = [this](size_t done, size_t total, const wxString& text) {
        onPlanProgress(done, total, text);
    };
    plan_->onOutboxChanged = [this] { outbox_->refresh(); };
    tabs_->Bind(wxEVT_NOTEBOOK_PAGE_CHANGED, [this](wxBookCtrlEvent& e) {
        if (static_cast<size_t>(e.GetSelection()) == kPlanTab)
            plan_->updateIfStale(grid_->pageCount());
        else if (static_cast<size_t>(e.GetSelection()) == kOutboxTab)
            outbox_->refresh(); // reads the local outbox only
        else if (static_cast<size_t>(e.GetSelection()) == kPagesTab)
            refreshPages();
        updateEditMenu();
        e.Skip();
    });
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    sizer->Add(new WatchBanner(this, platform::appDirs().data), 0, wxEXPAND); // a watch that uploads
    sizer->Add(tabs_, 1, wxEXPAND);
    SetSizer(sizer);
    SetStatusBar(new StatusBarPaintedLater(this));
    GetStatusBar()->SetFieldsCount(4);
    const int widths[] = {-1, 200, 140, 220};
    GetStatusBar()->SetStatusWidths(4, widths);
    gauge_ = new wxGauge(GetStatusBar(), wxID_ANY, 100, wxDefaultPosition, wxDefaultSize,
                         wxGA_HORIZONTAL | wxGA_SMOOTH);
    gauge_->SetName(_("Import progress"));
    gauge_->SetToolTip(_("How much of the work in progress is done"));
    gauge_->Hide();
    showImported_.Bind(wxEVT_TIMER, [this](wxTimerEvent&) { showImported(); });
    showArrived_.Bind(wxEVT_TIMER, [this](wxTimerEvent&) { showArrived(); });
    GetStatusBar()->Bind(wxEVT_SIZE, [this](wxSizeEvent& e) {
        placeGauge();
        e.Skip();
    });
    SetDropTarget(new FileDropTarget(this));
    Bind(wxEVT_CLOSE_WINDOW, &MainFrame::onClose, this);
    auto pages = session_->pages();
    startAnalysing(pages); // pages an earlier run left unanalysed (closed mid-analysis)
    grid_->setPages(std::move(pages));
    startEditing();
    updateTitle();
    showPageCount();
    const auto& rec = session_->recovery();
    if (rec.finished || rec.discarded)
        SetStatusText(wxString::Format(_("Recovered the session after an interruption: %d pages completed, "
                                         "%d incomplete writes discarded."),
                                       rec.finished, rec.discarded));
    plan_->settleInterruptedFiling(); // a filing into an outbox killed before its end (issue 19)
}

MainFrame::~MainFrame() {
    if (arrivals_)
        arrivals_->requestStop();
    for (auto& t : importers_)
        t.requestStop(); // all stop at once; each is joined as it goes
}

wxWindow* MainFrame::buildPagesArea(wxWindow* parent) {
    auto* area = new wxPanel(parent, wxID_ANY);
    area->SetName(_("Pages area"));
    grid_ = new PageGridPanel(area);
    WelcomePanel::Actions actions;
    actions.scan = [this] { openScanner(); };
    actions.camera = [this] { openCamera(); };
    actions.open = [this] {
        wxCommandEvent open(wxEVT_MENU, wxID_OPEN);
        onOpen(open);
    };
    actions.changeFolder = [this] { changeArchiveFolder(); };
    wxMenuBar* bar = GetMenuBar(); // the buttons show the menus' shortcuts
    welcome_ =
        new WelcomePanel(area, std::move(actions),
                         {shortcutOf(bar, ID_SCAN), shortcutOf(bar, ID_CAMERA), shortcutOf(bar, wxID_OPEN)});
    welcome_->SetDropTarget(new FileDropTarget(this));
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    sizer->Add(welcome_, 1, wxEXPAND);
    sizer->Add(grid_, 1, wxEXPAND);
    area->SetSizer(sizer);
    return area;
}

// The welcome while the session is empty (first start, New Session, every page deleted).
void MainFrame::updateWelcome() {
    const bool empty = grid_->pageCount() == 0;
    if (empty)
        welcome_->setArchiveFolder(plan_->archiveFolder());
    if (welcome_->IsShown() == empty && grid_->IsShown() == !empty)
        return;
    welcome_->Show(empty);
    grid_->Show(!empty);
    grid_->GetParent()->Layout();
}

void MainFrame::changeArchiveFolder() {
    wxDirDialog dialog(this, _("Choose the archive folder"), plan_->archiveFolder(), wxDD_DEFAULT_STYLE);
    if (dialog.ShowModal() != wxID_OK)
        return;
    plan_->setArchiveFolder(dialog.GetPath());
    welcome_->setArchiveFolder(dialog.GetPath());
}

void MainFrame::buildMenus() {
    auto* file = new wxMenu;
    file->Append(wxID_OPEN, _("&Open...\tCtrl+O"), _("Add image and PDF files to the session"));
    file->Append(ID_NEW_SESSION, _("&New Session\tCtrl+Shift+N"), _("Start an empty capture session"));
    file->AppendSeparator();
    file->Append(wxID_EXIT, _("&Quit\tCtrl+Q"), _("Close docdesk; the session is kept"));
    auto* help = new wxMenu;
    auto* capture = new wxMenu;
    capture->Append(ID_SCAN, _("&Scan...\tCtrl+Shift+S"), _("Scan pages from a scanner, flatbed or feeder"));
    capture->Append(ID_CAMERA, _("&Camera...\tCtrl+K"), _("Take pages with a webcam or document camera"));
    capture->AppendCheckItem(
        ID_WATCH_FOLDER, _("&Watch a Folder..."),
        _("Store every file that arrives in a folder (a hot folder), then move it to done/"));
    auto* view = new wxMenu;
    view->Append(ID_SHOW_PAGES, _("&Pages\tCtrl+1"), _("Show the session's pages"));
    view->Append(ID_SHOW_PLAN, _("&Filing Plan\tCtrl+2"), _("Show the pages grouped into documents"));
    view->Append(ID_SHOW_OUTBOX, _("&Outbox\tCtrl+3"), _("Show the documents waiting for upload"));
    auto* upload = new wxMenu;
    upload->Append(ID_UPLOAD, _("&Upload Selected\tCtrl+U"),
                   _("Send the selected outbox documents to their gateway"));
    upload->Append(ID_UPLOAD_ALL, _("Upload &All\tCtrl+Alt+U"), _("Send every document in the outbox"));
    upload->AppendSeparator();
    upload->Append(ID_LEDGER, _("&Ledger..."), _("Every delivery made: what, where, when, SHA-256"));
    upload->Append(ID_PROFILES, _("Gateway &Profiles..."), _("Add, change or remove gateway profiles"));
    auto* documents = new wxMenu;
    documents->Append(ID_UPDATE_PLAN, _("&Update Plan\tF5"),
                      _("Plan the session's pages into documents again"));
    documents->Append(ID_SPLIT_HERE, _("&Split Here\tCtrl+B"),
                      _("Start a new document at the selected page"));
    documents->Append(ID_MERGE_NEXT, _("&Merge with Next\tCtrl+M"),
                      _("Join the selected document and the next one"));
    documents->Append(ID_RULES, _("&Rules...\tCtrl+Shift+R"),
                      _("See and change the rules that group the pages into documents and name them"));
    documents->AppendSeparator();
    documents->Append(ID_FILE_DOCUMENTS, _("&File Documents\tCtrl+Shift+F"),
                      _("Write the documents as PDF files into the archive folder"));
    // The Privacy page (PrivacyDialog); Preferences goes to the end of the Edit menu below.
    const int privacyId = help->Append(wxID_ANY, _("&Privacy...\tCtrl+Shift+P"),
                                       _("What docdesk keeps on this computer: see it, delete it, send crash "
                                         "reports (Ctrl+Shift+P)"))
                              ->GetId();
    help->AppendSeparator();
    Bind(
        wxEVT_MENU, [this](wxCommandEvent&) { showPreferencesDialog(this); }, wxID_PREFERENCES);
    Bind(
        wxEVT_MENU,
        [this](wxCommandEvent&) {
            if (showPrivacyDialog(this, session_->directory()))
                Close(true); // Delete Everything: main() deletes once the session is closed
        },
        privacyId);
    help->Append(ID_SHORTCUTS, _("&Keyboard Shortcuts\tF1"), _("Every keyboard shortcut of docdesk (F1)"));
    help->Append(wxID_ABOUT, _("&About docdesk"));
    auto* bar = new wxMenuBar;
    bar->Append(file, _("&File"));
    wxMenu* edit = buildEditMenu(bar); // page edits (MainFrameEditing.cpp)
    edit->AppendSeparator();
    edit->Append(wxID_PREFERENCES, _("&Preferences...\tCtrl+,"), _("Language of docdesk (Ctrl+,)"));
    bar->Append(capture, _("&Capture"));
    bar->Append(view, _("&View"));
    bar->Append(documents, _("&Documents"));
    bar->Append(upload, _("&Upload"));
    bar->Append(help, _("&Help"));
    SetMenuBar(bar);
    bindMenuCommands();
}

void MainFrame::bindMenuCommands() {
    const auto onMenu = [this](int id, std::function<void()> action) {
        Bind(
            wxEVT_MENU, [action = std::move(action)](wxCommandEvent&) { action(); }, id);
    };
    // A command of the Plan or Outbox tab shows its tab first, so the user sees what it did.
    const auto inTab = [this, &onMenu](int id, int tab, std::function<void()> action) {
        onMenu(id, [this, tab, action = std::move(action)] {
            tabs_->SetSelection(tab);
            action();
        });
    };
    Bind(wxEVT_MENU, &MainFrame::onOpen, this, wxID_OPEN);
    Bind(wxEVT_MENU, &MainFrame::onNewSession, this, ID_NEW_SESSION);
    Bind(wxEVT_MENU, &MainFrame::onCamera, this, ID_CAMERA);
    Bind(wxEVT_MENU, &MainFrame::onWatchFolder, this, ID_WATCH_FOLDER);
    Bind(wxEVT_MENU, &MainFrame::onQuit, this, wxID_EXIT);
    Bind(wxEVT_MENU, &MainFrame::onAbout, this, wxID_ABOUT);
    onMenu(ID_SCAN, [this] { openScanner(); });
    onMenu(ID_SHOW_PAGES, [this] { tabs_->SetSelection(kPagesTab); });
    onMenu(ID_SHOW_PLAN, [this] { tabs_->SetSelection(kPlanTab); });
    onMenu(ID_SHOW_OUTBOX, [this] { tabs_->SetSelection(kOutboxTab); });
    onMenu(ID_UPDATE_PLAN, [this] { showPlan(); });
    inTab(ID_SPLIT_HERE, kPlanTab, [this] { plan_->splitHere(); });
    inTab(ID_MERGE_NEXT, kPlanTab, [this] { plan_->mergeWithNext(); });
    inTab(ID_FILE_DOCUMENTS, kPlanTab, [this] { plan_->fileDocuments(); });
    inTab(ID_RULES, kPlanTab, [this] { plan_->editRules(); });
    inTab(ID_UPLOAD, kOutboxTab, [this] { outbox_->uploadSelected(); });
    inTab(ID_UPLOAD_ALL, kOutboxTab, [this] { outbox_->uploadAll(); });
    onMenu(ID_LEDGER, [this] { outbox_->showLedger(); });
    onMenu(ID_PROFILES, [this] { showProfilesDialog(this); });
    onMenu(ID_SHORTCUTS, [this] { showShortcutsDialog(this); });
}

void MainFrame::updateTitle() {
    SetTitle(wxString::Format(_("docdesk — session %s"), wxString::FromUTF8(session_->summary().id)));
}

void MainFrame::showPageCount() {
    SetStatusText(wxString::Format(wxPLURAL("%zu page", "%zu pages", grid_->pageCount()), grid_->pageCount()),
                  2);
    updateWelcome();
}

void MainFrame::placeGauge() {
    wxRect field;
    if (GetStatusBar()->GetFieldRect(1, field))
        gauge_->SetSize(field.Deflate(2));
}

void MainFrame::showProgress(size_t done, size_t total) {
    if (total == 0 || done >= total) {
        gauge_->Hide();
        return;
    }
    placeGauge();
    gauge_->SetRange(static_cast<int>(total));
    gauge_->SetValue(static_cast<int>(done));
    gauge_->Show();
}

void MainFrame::showPlan() {
    if (tabs_->GetSelection() != static_cast<int>(kPlanTab))
        tabs_->SetSelection(kPlanTab); // plans when stale
    else
        plan_->updatePlan();
}

void MainFrame::onPlanProgress(size_t done, size_t total, const wxString& text) {
    if (!text.empty())
        SetStatusText(text);
    showProgress(done, total);
}

void MainFrame::startAnalysing(const std::vector<PageRecord>& pages) {
    arrivals_.reset();
    plan_->waitForAnalysis(nullptr);
    showAnalysisProgress(0, 0); // a count of the previous session's pages goes
    if (!ArrivalAnalyser::enabled())
        return;
    arrivals_ = std::make_unique<ArrivalAnalyser>(this, *session_);
    arrivals_->onProgress = [this](size_t done, size_t total) { showAnalysisProgress(done, total); };
    arrivals_->onPagesChanged = [this] { refreshPages(); };
    plan_->waitForAnalysis(arrivals_->analysis());
    analyseArrived(pages);
}

void MainFrame::analyseArrived(const std::vector<PageRecord>& pages) {
    if (arrivals_ && !pages.empty())
        arrivals_->add(pages, plan_->pageEditRules());
}

void MainFrame::showAnalysisProgress(size_t done, size_t total) {
    SetStatusText(total == 0 ? wxString()
                             : wxString::Format(wxPLURAL("Analysing %zu of %zu page...",
                                                         "Analysing %zu of %zu pages...", total),
                                                done, total),
                  kAnalysisField);
}

void MainFrame::importPaths(const std::vector<std::filesystem::path>& paths) {
    if (paths.empty())
        return;
    ++importsRunning_;
    SetStatusText(_("Importing..."));
    journal::Session* session = session_.get();
    importers_.emplace_back(this).start(
        [this, session, paths](std::stop_token stop, const WindowQueue& ui) {
            const auto source = capture::makePageSource(capture::SourceKind::Files, {paths, {}});
            ui.post([this, count = source->devices(stop).size()] {
                filesQueued_ += count;
                showProgress(filesDone_, filesQueued_);
            });
            capture::AcquireSettings settings;
            settings.files.countPages = app::countPagesInWorker(app::sharedWorkerPool());
            settings.files.onFile = [this, &ui](const capture::ImportOutcome& o, size_t, size_t) {
                ui.post([this, o] { onFileImported(o); });
            };
            capture::JournalPageSink sink(*session);
            source->acquire(settings, stop, sink);
        },
        [this](TaskResult<void> result) {
            // The session itself could not be written (disk full, permissions): say so.
            if (result.failure)
                importErrors_.push_back(result.failure->summary);
            onImportFinished();
        });
}

void MainFrame::onFileImported(const capture::ImportOutcome& o) {
    imported_.push_back(o);
    if (!showImported_.IsRunning())
        showImported_.StartOnce(kShowImportedMs);
}

void MainFrame::showImported() {
    showImported_.Stop();
    if (imported_.empty())
        return;
    std::vector<PageRecord> pages;
    for (const auto& o : imported_) {
        if (o.ok())
            pages.insert(pages.end(), o.pages.begin(), o.pages.end());
        else
            importErrors_.push_back(o.file.filename().string() + ": " + o.error);
    }
    filesDone_ += imported_.size();
    imported_.clear();
    grid_->appendPages(pages);
    analyseArrived(pages);
    showPageCount();
    showProgress(filesDone_, filesQueued_);
    SetStatusText(wxString::Format(_("Imported %zu of %zu files"), filesDone_, filesQueued_));
}

void MainFrame::onImportFinished() {
    showImported(); // what came last, before the counts go
    if (--importsRunning_ > 0)
        return;
    filesQueued_ = filesDone_ = 0;
    showProgress(0, 0);
    LatencyProbe::mark("import_finished");
    if (!importErrors_.empty()) {
        wxString text;
        for (const auto& e : importErrors_)
            text += wxString::FromUTF8(e) + "\n";
        SetStatusText(wxString::Format(wxPLURAL("%zu file could not be imported",
                                                "%zu files could not be imported", importErrors_.size()),
                                       importErrors_.size()));
        importErrors_.clear();
        wxMessageBox(text, _("Some files were not imported"), wxOK | wxICON_WARNING, this);
    } else {
        SetStatusText(_("Import finished"));
    }
}

void MainFrame::onOpen(wxCommandEvent&) {
    wxFileDialog dialog(
        this, _("Add files to the session"), "", "",
        _("Images and PDF files") +
            "|*.jpg;*.jpeg;*.png;*.tif;*.tiff;*.bmp;*.webp;*.pdf;*.JPG;*.JPEG;*.PNG;*.TIF;*.TIFF;*.PDF|" +
            _("All files") + "|*",
        wxFD_OPEN | wxFD_MULTIPLE | wxFD_FILE_MUST_EXIST);
    if (dialog.ShowModal() != wxID_OK)
        return;
    wxArrayString names;
    dialog.GetPaths(names);
    std::vector<std::filesystem::path> paths;
    for (const auto& n : names)
        paths.emplace_back(n.utf8_string());
    importPaths(paths);
}

void MainFrame::onNewSession(wxCommandEvent&) {
    if (importsRunning_ > 0) {
        wxMessageBox(_("Wait until the import has finished."), _("New Session"), wxOK | wxICON_INFORMATION,
                     this);
        return;
    }
    try {
        auto fresh = journal::Session::create(app::sessionsRoot(), app::durableFiles());
        const bool watching = watcher_.running();
        stopWatching();
        importers_.clear();
        arrivals_.reset(); // the old session's analysis stops; its pages are analysed when it is opened again
        edits_.reset();    // the old session's edits are written out first
        plan_->setSession(fresh.get());
        session_ = std::move(fresh);
        grid_->setPages({});
        startAnalysing({});
        startEditing();
        updateTitle();
        showPageCount();
        SetStatusText(_("Started a new session. The previous one is kept."));
        if (watching)
            startWatching(watchedFolder_);
    } catch (const Error& e) {
        wxMessageBox(wxString::FromUTF8(e.what()), _("Cannot start a new session"), wxOK | wxICON_ERROR,
                     this);
    }
}

void MainFrame::onCamera(wxCommandEvent&) {
    openCamera();
}

void MainFrame::openScanner() {
    ScanDialog dialog(this, *session_, [this](const PageRecord& page) {
        grid_->appendPages({page});
        analyseArrived({page});
        showPageCount();
    });
    dialog.ShowModal();
    auto pages = session_->pages();
    analyseArrived(pages); // those stored in the dialog's last moments too; the rest are known
    grid_->setPages(std::move(pages));
    showPageCount();
}

void MainFrame::openCamera(const std::string& device) {
    CameraDialog dialog(this, *session_, device, [this](const PageRecord& page) {
        grid_->appendPages({page});
        analyseArrived({page});
        showPageCount();
    });
    dialog.ShowModal();
    // Pages stored in the dialog's last moments may not have been announced: show them all.
    auto pages = session_->pages();
    analyseArrived(pages);
    grid_->setPages(std::move(pages));
    showPageCount();
}

void MainFrame::onWatchFolder(wxCommandEvent&) {
    if (watcher_.running()) {
        stopWatching();
        return;
    }
    wxDirDialog dialog(this, _("Choose the folder to watch"), "", wxDD_DEFAULT_STYLE | wxDD_DIR_MUST_EXIST);
    if (dialog.ShowModal() == wxID_OK)
        startWatching(std::filesystem::path(dialog.GetPath().utf8_string()));
    GetMenuBar()->Check(ID_WATCH_FOLDER, watcher_.running());
}

void MainFrame::startWatching(const std::filesystem::path& folder) {
    journal::Session* session = session_.get();
    watchedFolder_ = folder;
    watcher_.start(
        [this, session, folder](std::stop_token stop, const WindowQueue& ui) {
            const auto source = capture::makePageSource(capture::SourceKind::HotFolder, {{folder}, {}});
            capture::AcquireSettings settings;
            settings.hotFolder.options.countPages = app::countPagesInWorker(app::sharedWorkerPool());
            settings.hotFolder.onFile = [this, &ui](const capture::HotFolderEvent& e) {
                ui.post([this, e] { onFileArrived(e); });
            };
            capture::JournalPageSink sink(*session);
            source->acquire(settings, stop, sink);
        },
        [this](TaskResult<void> result) {
            if (!result.failure)
                return;
            wxMessageBox(wxString::FromUTF8(result.failure->summary), _("The folder cannot be watched"),
                         wxOK | wxICON_ERROR, this);
            stopWatching();
        });
    SetStatusText(wxString::Format(_("Watching %s"), wxString::FromUTF8(folder.string())));
    GetMenuBar()->Check(ID_WATCH_FOLDER, true);
}

void MainFrame::onFileArrived(const capture::HotFolderEvent& e) {
    arrived_.push_back(e);
    if (!showArrived_.IsRunning())
        showArrived_.StartOnce(kShowImportedMs);
}

void MainFrame::showArrived() {
    showArrived_.Stop();
    if (arrived_.empty())
        return;
    std::vector<PageRecord> pages;
    for (const auto& e : arrived_)
        if (e.outcome.ok() && !e.duplicate)
            pages.insert(pages.end(), e.outcome.pages.begin(), e.outcome.pages.end());
    grid_->appendPages(pages);
    analyseArrived(pages);
    showPageCount();
    // The last file's news stands in the status bar; a failed one before it is not hidden by
    // files that arrived fine after it in the same batch.
    const auto failed = std::find_if(arrived_.rbegin(), arrived_.rend(),
                                     [](const capture::HotFolderEvent& e) { return !e.outcome.ok(); });
    const capture::HotFolderEvent& e = failed != arrived_.rend() ? *failed : arrived_.back();
    const wxString name = wxString::FromUTF8(e.outcome.file.filename().string());
    if (!e.outcome.ok())
        SetStatusText(wxString::Format(_("%s could not be stored and was moved to failed/: %s"), name,
                                       wxString::FromUTF8(e.outcome.error)));
    else if (arrived_.size() == 1)
        SetStatusText(wxString::Format(_("%s arrived in the watched folder"), name));
    else
        SetStatusText(wxString::Format(_("%zu files arrived in the watched folder, the last %s"),
                                       arrived_.size(), name));
    arrived_.clear();
}

void MainFrame::stopWatching() {
    if (watcher_.running()) {
        watcher_.requestStop(); // the file being stored is finished first
        watcher_.wait();
        showArrived(); // what came last
        SetStatusText(
            wxString::Format(_("Stopped watching %s"), wxString::FromUTF8(watchedFolder_.string())));
    }
    GetMenuBar()->Check(ID_WATCH_FOLDER, false);
}

void MainFrame::onQuit(wxCommandEvent&) {
    Close();
}

void MainFrame::onClose(wxCloseEvent& event) {
    // Stopping between files keeps everything already stored; the rest can be added again.
    for (auto& t : importers_)
        t.requestStop();
    watcher_.requestStop();
    if (arrivals_)
        arrivals_->requestStop(); // the pages not analysed yet are analysed on the next start
    event.Skip();
}

void MainFrame::onAbout(wxCommandEvent&) {
    wxAboutDialogInfo info;
    info.SetName("docdesk");
    info.SetVersion(DOCDESK_VERSION);
    info.SetDescription(
        _("Capture, check, split and file documents from scanners, cameras and files.\n"
          "Nothing leaves this computer unless you press Upload.") +
        "\n\n" +
        wxString::Format(_("Licence: %s (GNU General Public License, version 3 or later)"), DOCDESK_LICENSE));
    info.SetCopyright(_("Copyright © The docdesk developers"));
    info.SetLicence(
        _("docdesk is free software: you can redistribute it and/or modify it under the terms of the GNU "
          "General Public License as published by the Free Software Foundation, either version 3 of the "
          "License, or (at your option) any later version.\n\n"
          "docdesk is distributed in the hope that it will be useful, but WITHOUT ANY WARRANTY; without "
          "even the implied warranty of MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE. See the GNU "
          "General Public License for more details: https://www.gnu.org/licenses/gpl-3.0.html\n\n"
          "The licences of the libraries docdesk uses are listed in THIRD-PARTY.md."));
    wxAboutBox(info, this);
}

bool MainFrame::onPlanTab() const {
    return tabs_ && static_cast<size_t>(tabs_->GetSelection()) == kPlanTab;
}

} // namespace docdesk::gui
