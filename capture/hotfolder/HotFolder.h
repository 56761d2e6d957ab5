#pragma once
// The hot folder: scanning stations and other programs drop files into a folder, and each
// file is taken into the session once it is complete, then moved aside — into `done/` when it
// was stored, into `failed/` (with a `.error.txt` beside it) when it could not be. Nothing is
// ever deleted. A file whose exact bytes the session already holds (stored just before a
// crash, before it could be moved; put back from failed/; or dropped twice) is not stored
// again; its pages still go through afterStored (which files what is not filed yet) before
// it moves to done/. A file counts as complete when its size and modification time
// have not changed for the settle time; writers that can should write `name.part` (or a
// hidden name) and rename it when done, which is taken at once. Files go into a PageSink (the
// session's JournalPageSink), which also says which bytes it holds already. The hot folder
// source (HotFolderSource.h) runs this for the window and the CLI.
#include "capture/files/FileImporter.h"
#include "core/journal/Session.h"

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <stop_token>

namespace docdesk::capture {

struct HotFolderOptions {
    std::chrono::milliseconds settle{1500}; // unchanged this long = complete
    std::chrono::milliseconds poll{1000};   // look again at least this often (network shares)
    // Take what is in the folder, wait for it to settle, and return (instead of watching on).
    bool once = false;
    // In `once` mode, files still changing after this long are left where they are.
    std::chrono::milliseconds giveUpAfter{std::chrono::minutes(2)};
    // Runs after a file was stored and before it is moved to done/ (e.g. filing its
    // documents); a returned message sends the file to failed/ with that reason instead (its
    // pages stay in the session). Also called for a file the session holds already, with its
    // earlier pages: stored never means processed.
    std::function<std::string(const ImportOutcome&)> afterStored;
    // Counts each image's or PDF's pages (importFile); required. The application counts in a
    // worker, so a file that crashes the parser goes to failed/ like any unreadable file.
    PageCounter countPages;
};

class PageSink;

struct HotFolderEvent {
    ImportOutcome outcome;         // what the import gave (pages, or the error)
    std::filesystem::path movedTo; // where the file is now; empty when it could not be moved
    std::string moveError;         // why it could not be moved (it is then not taken again)
    std::string processError;      // what afterStored reported (the file went to failed/)
    bool duplicate = false;        // the session had these bytes already: nothing was stored
};

// The hot folder source's part of a request (AcquireSettings::hotFolder).
struct HotFolderSettings {
    HotFolderOptions options;
    std::function<void(const HotFolderEvent&)> onFile; // each file as it is taken
};

class HotFolder {
  public:
    static constexpr const char* kDoneDir = "done";
    static constexpr const char* kFailedDir = "failed";

    // Throws docdesk::Error when `folder` is not a folder.
    HotFolder(std::filesystem::path folder, PageSink& sink, HotFolderOptions options = {});

    // Watches until `stop` is requested (or, in `once` mode, until the folder is done),
    // reporting each file as it is taken.
    void run(std::stop_token stop, const std::function<void(const HotFolderEvent&)>& onEach);

    // Whether a name is one the hot folder leaves alone: hidden files, files still being
    // written under a temporary name (.part, .tmp, .crdownload, ~$...), its own folders.
    static bool isIgnoredName(const std::string& name);

  private:
    struct Seen {
        std::uintmax_t size = 0;
        std::filesystem::file_time_type modified;
        std::chrono::steady_clock::time_point since;
    };
    // Takes the settled files; returns how many files are still waiting to settle.
    size_t takeSettledFiles(const std::function<void(const HotFolderEvent&)>& onEach);
    HotFolderEvent take(const std::filesystem::path& file);

    std::filesystem::path folder_;
    PageSink& sink_;
    HotFolderOptions options_;
    std::map<std::filesystem::path, Seen> seen_;
    std::map<std::filesystem::path, Seen> stuck_; // taken but could not be moved away
};

} // namespace docdesk::capture
