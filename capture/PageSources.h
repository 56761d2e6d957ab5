#pragma once
// The one factory for page sources (NAPS2's ScanDriverFactory): the window and docdesk-cli ask
// it for files, the hot folder, a camera or a scanner and get a PageSource, so every page they
// take in walks the same way — acquire() into a PageSink, normally the session's
// JournalPageSink. Which scanner driver serves the scanner is decided one level down
// (capture/scanner/ScannerSources.h).
#include "capture/PageSource.h"
#include "capture/scanner/ScanWorkerSource.h"

#include <filesystem>
#include <memory>
#include <string_view>
#include <vector>

namespace docdesk::capture {

enum class SourceKind {
    Files,     // files and folders the user chose (opened, dropped, named on the command line)
    HotFolder, // a folder other programs drop files into
    Camera,    // webcams, document cameras, and video files
    Scanner,   // document scanners, through docdesk-scan-worker
};

// What a source is made with; each kind reads its own part.
struct PageSourceOptions {
    // Files: the files and folders chosen; HotFolder: the folder (exactly one).
    std::vector<std::filesystem::path> paths;
    ScanWorkerOptions scanner; // Scanner: how the worker is run
};

// A source of `kind`. Throws docdesk::Error when the hot folder is not a folder, DeviceError
// (Unsupported) when this build has no scanner driver.
std::unique_ptr<PageSource> makePageSource(SourceKind kind, PageSourceOptions options = {});

} // namespace docdesk::capture
