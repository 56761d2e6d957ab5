// docdesk — the desktop application. Start-up: translations, the last session (or a new
// one), the main window, and the files named on the command line.
#include "app/common/AppEnvironment.h"
#include "app/common/LanguagePreference.h"
#include "app/gui/ControlAudit.h"
#include "app/gui/LatencyProbe.h"
#include "app/gui/MainFrame.h"
#include "app/gui/PreferencesDialog.h"
#include "app/gui/PrivacyDialog.h"
#include "core/common/Error.h"
#include "platform/AppDirs.h"

#include <chrono>
#include <clocale>
#include <cstdio>
#include <string_view>
#include <wx/app.h>
#include <wx/cmdline.h>
#include <wx/fileconf.h>
#include <wx/image.h>
#include <wx/intl.h>
#include <wx/msgdlg.h>
#include <wx/stdpaths.h>
#include <wx/translation.h>

namespace docdesk::gui {

// The command line, for the app and for --help without a display (see main).
void describeCommandLine(wxCmdLineParser& parser) {
    parser.SetLogo(_("docdesk — capture, check, split and file documents."));
    parser.AddSwitch("", "new-session", _("start an empty session instead of the last one"));
    parser.AddSwitch("", "version", _("print the version and exit"));
    parser.AddSwitch("", "scan", _("open the scan dialog on start"));
    parser.AddOption("", "watch", _("watch this folder from the start (a hot folder)"));
    parser.AddOption("", "camera", _("open the camera view on start (a camera device, or a video file)"));
    parser.AddParam(_("image or PDF files and folders to add"), wxCMD_LINE_VAL_STRING,
                    wxCMD_LINE_PARAM_OPTIONAL | wxCMD_LINE_PARAM_MULTIPLE);
}

class DocdeskApp : public wxApp {
  public:
    bool OnInit() override {
        // Settings first: they hold the language, which the translations below need.
        // In the config folder beside the profiles ($XDG_CONFIG_HOME/docdesk/docdesk.conf), not
        // in ~/.docdesk, so everything docdesk keeps is in the folders of AppDirs.
        wxStandardPaths::Get().SetFileLayout(wxStandardPaths::FileLayout_XDG);
        const std::filesystem::path configDir = platform::appDirs().config;
        std::error_code ignored; // without the folder, settings are simply not saved
        std::filesystem::create_directories(configDir, ignored);
        wxConfigBase::Set(new wxFileConfig("docdesk", "",
                                           wxString::FromUTF8((configDir / "docdesk.conf").string()), "",
                                           wxCONFIG_USE_LOCAL_FILE));
        const wxString language = preferredLanguage(); // "" = the system's

        app::initialise();
        wxFileTranslationsLoader::AddCatalogLookupPathPrefix(
            wxString::FromUTF8(app::localeDirectory().string()));
        locale_.Init(wxLANGUAGE_DEFAULT,
                     language.empty() ? wxLOCALE_LOAD_DEFAULT : wxLOCALE_DONT_LOAD_DEFAULT);
        if (!language.empty()) {
            // wx reads its catalogs itself, so the chosen language needs no installed system locale.
            if (!wxTranslations::Get())
                wxTranslations::Set(new wxTranslations);
            wxTranslations::Get()->SetLanguage(language);
            wxTranslations::Get()->AddStdCatalog();
            app::applyLanguagePreference(
                language.utf8_string()); // core's tr(), after wxLocale set the locale
        }
        locale_.AddCatalog("docdesk");
        if (!wxApp::OnInit())
            return false;
        wxInitAllImageHandlers();
        SetAppName("docdesk");

        std::unique_ptr<journal::Session> session;
        try {
            session = newSession_ ? journal::Session::create(app::sessionsRoot(), app::durableFiles())
                                  : app::openLastOrNewSession();
        } catch (const SessionLockedError& e) {
            const int answer =
                wxMessageBox(wxString::FromUTF8(e.what()) + "\n\n" + _("Start a new session instead?"),
                             _("Session in use"), wxYES_NO | wxICON_QUESTION);
            if (answer != wxYES)
                return false;
            session = journal::Session::create(app::sessionsRoot(), app::durableFiles());
        } catch (const Error& e) {
            wxMessageBox(wxString::FromUTF8(e.what()), _("docdesk cannot start"), wxOK | wxICON_ERROR);
            return false;
        }
        if (!auditReport_.empty())
            audit_ = startControlAudit(auditReport_);
        auto* frame = new MainFrame(std::move(session));
        frame->Show();
        frame->importPaths(files_);
        if (!watch_.empty())
            frame->startWatching(watch_);
        if (scan_)
            frame->CallAfter([frame] { frame->openScanner(); });
        if (!camera_.empty())
            frame->CallAfter([frame, device = camera_] { frame->openCamera(device); });
        return true;
    }

    void OnInitCmdLine(wxCmdLineParser& parser) override {
        wxApp::OnInitCmdLine(parser);
        describeCommandLine(parser);
        // Hidden (not in --help or the man page): the accessibility check of gui_controls_test.
        parser.AddOption("", "audit-controls", "", wxCMD_LINE_VAL_STRING, wxCMD_LINE_HIDDEN);
    }

    int OnExit() override {
        audit_.reset();
        return wxApp::OnExit();
    }

    bool OnCmdLineParsed(wxCmdLineParser& parser) override {
        if (parser.Found("version")) {
            std::printf("docdesk %s\n", DOCDESK_VERSION);
            return false;
        }
        newSession_ = parser.Found("new-session");
        scan_ = parser.Found("scan");
        if (wxString folder; parser.Found("watch", &folder))
            watch_ = folder.utf8_string();
        if (wxString camera; parser.Found("camera", &camera))
            camera_ = camera.utf8_string();
        if (wxString report; parser.Found("audit-controls", &report))
            auditReport_ = report.utf8_string();
        for (size_t i = 0; i < parser.GetParamCount(); ++i)
            files_.emplace_back(parser.GetParam(i).utf8_string());
        return wxApp::OnCmdLineParsed(parser);
    }

    bool OnExceptionInMainLoop() override {
        // A failure in one action must not end the application; say what happened.
        try {
            throw;
        } catch (const std::exception& e) {
            wxMessageBox(wxString::FromUTF8(e.what()), _("Something went wrong"), wxOK | wxICON_ERROR);
        }
        return true;
    }

    // With the latency probe on, handlers that hold the UI thread too long are named in its log.
    void CallEventHandler(wxEvtHandler* handler, wxEventFunctor& functor, wxEvent& event) const override {
        const auto started = std::chrono::steady_clock::now();
        wxApp::CallEventHandler(handler, functor, event);
        LatencyProbe::noteHandler(started, handler, event);
    }

  private:
    wxLocale locale_;
    bool newSession_ = false;
    std::string camera_;
    bool scan_ = false;
    std::filesystem::path watch_;
    std::filesystem::path auditReport_;
    std::unique_ptr<wxEvtHandler> audit_; // the control audit, with --audit-controls
    std::vector<std::filesystem::path> files_;
};

} // namespace docdesk::gui

wxIMPLEMENT_APP_NO_MAIN(docdesk::gui::DocdeskApp);

// --version and --help are answered before the toolkit starts, so they work without a display
// (packaging scripts, man-page checks, a terminal over SSH).
int main(int argc, char** argv) {
    docdesk::app::installCrashReports("docdesk");
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--version") {
            std::printf("docdesk %s\n", DOCDESK_VERSION);
            return 0;
        }
        if (arg == "-h" || arg == "--help") {
            wxCmdLineParser parser(argc, argv);
            parser.AddSwitch("h", "help", _("show this help message"), wxCMD_LINE_OPTION_HELP);
            docdesk::gui::describeCommandLine(parser);
            std::setlocale(LC_ALL, ""); // wx converts the option texts with the user's character set
            std::printf("docdesk %s — capture, check, split and file documents.\n\n%s", DOCDESK_VERSION,
                        parser.GetUsageString().utf8_str().data());
            return 0;
        }
    }
    const int status = wxEntry(argc, argv);
    // Delete Everything on the Privacy page: now that the window, the session and the settings
    // are closed, nothing writes the files back.
    if (!docdesk::gui::deleteEverythingIfRequested())
        return status != 0 ? status : 1;
    return status;
}
