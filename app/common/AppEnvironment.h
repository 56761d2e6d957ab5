#pragma once
// Start-up wiring shared by the GUI, the CLI and the worker: translations, the data folders,
// and the platform services handed to core.
#include "platform/AppDirs.h"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace docdesk::journal {
class Session;
}
namespace docdesk::ports {
class DurableFiles;
}

namespace docdesk::app {

// Binds the gettext catalog (installed share/locale, or the build tree's) and the user's locale.
void initialise();

// Where docdesk's plugin `file` may lie: found beside the program, else in ../libexec/docdesk,
// and in the build tree (test programs run from other folders of it than the plugins).
std::vector<std::filesystem::path> pluginLocations(const std::string& file);

// Lets core decode the image formats it leaves to OpenCV's imgcodecs (BMP, WebP) through the
// plugin docdesk-imgcodecs.so, loaded on the first such page: found beside the program, else in
// ../libexec/docdesk, and in the build tree. Part of initialise(); tests call it themselves.
void useImageCodecPlugin();

// Lets core read and write PDFs through the plugin docdesk-pdf.so (poppler and qpdf; see
// core/imaging/PdfPlugin.h), loaded on the first PDF and found the same way. Part of initialise().
void usePdfPlugin();

// The folder with the compiled catalogs, for wx's translations.
std::filesystem::path localeDirectory();

std::filesystem::path sessionsRoot();

// Where crash reports go: $XDG_STATE_HOME/docdesk/crash-reports.
std::filesystem::path crashReportsFolder();
// The log of docdesk-worker's libraries (Leptonica's messages): $XDG_STATE_HOME/docdesk/worker.log.
std::filesystem::path workerLogFile();
// Writes a crash report for this process (named `program`) when it crashes; call first in main.
void installCrashReports(const char* program);
ports::DurableFiles& durableFiles();

// The session the user worked in last, or a new one when there is none (or it cannot be
// opened because it is damaged). SessionLockedError propagates.
std::unique_ptr<journal::Session> openLastOrNewSession();

} // namespace docdesk::app
