#include "app/common/AppEnvironment.h"

#include "core/common/Error.h"
#include "core/common/Translate.h"
#include "core/imaging/CodecPlugin.h"
#include "core/imaging/PdfPlugin.h"
#include "core/journal/Session.h"
#include "platform/ChildProcess.h"
#include "platform/CrashHandler.h"
#include "platform/DurableFiles.h"
#include "platform/HelperProgram.h"
#include "platform/ProcessLimits.h"
#include "platform/SharedLibrary.h"

namespace docdesk::app {
namespace fs = std::filesystem;

namespace {

const imaging::codecs::CodecPluginApi* loadCodecPlugin(std::string& error) {
    return platform::loadPluginApi<imaging::codecs::CodecPluginApi>(pluginLocations("docdesk-imgcodecs.so"),
                                                                    "docdesk_codec_plugin", error);
}

const imaging::pdf::PdfPluginApi* loadPdfPlugin(std::string& error) {
    return platform::loadPluginApi<imaging::pdf::PdfPluginApi>(pluginLocations("docdesk-pdf.so"),
                                                               "docdesk_pdf_plugin", error);
}

} // namespace

std::vector<fs::path> pluginLocations(const std::string& file) {
    return {platform::helperProgram(file), fs::path(DOCDESK_BUILD_PLUGIN_DIR) / file};
}

void useImageCodecPlugin() {
    imaging::codecs::setCodecPluginLoader(loadCodecPlugin);
}

void usePdfPlugin() {
    imaging::pdf::setPdfPluginLoader(loadPdfPlugin);
}

fs::path localeDirectory() {
    const fs::path installed = platform::executableDirectory().parent_path() / "share" / "locale";
    std::error_code ec;
    if (fs::exists(installed / "de" / "LC_MESSAGES" / "docdesk.mo", ec))
        return installed;
    return DOCDESK_BUILD_LOCALE_DIR;
}

void initialise() {
    initTranslations(localeDirectory().string());
    useImageCodecPlugin();
    usePdfPlugin();
    platform::keepLargeBuffersOnHeap(); // page images are decoded in every executable
#ifdef NDEBUG
    platform::disableCoreDumps(); // a core file could hold the unlocked vault's passwords
#endif
}

fs::path sessionsRoot() {
    return platform::appDirs().data / "sessions";
}

fs::path crashReportsFolder() {
    return platform::appDirs().state / "crash-reports";
}

fs::path workerLogFile() {
    return platform::appDirs().state / "worker.log";
}

void installCrashReports(const char* program) {
    platform::installCrashHandler(crashReportsFolder(), program, DOCDESK_VERSION);
}

ports::DurableFiles& durableFiles() {
    return platform::durableFiles();
}

std::unique_ptr<journal::Session> openLastOrNewSession() {
    // Newest first; only the session that is opened is read (start-up stays fast with many).
    for (const auto& dir : journal::sessionDirectories(sessionsRoot())) {
        try {
            return journal::Session::open(dir, durableFiles());
        } catch (const SessionLockedError&) {
            throw;
        } catch (const Error&) {
            continue; // damaged: listed for the user, not reopened automatically
        }
    }
    return journal::Session::create(sessionsRoot(), durableFiles());
}

} // namespace docdesk::app
