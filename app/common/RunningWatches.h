#pragma once
// The hot-folder watches running on this machine (`docdesk-cli watch`), as the window shows
// them: a watch started with --upload sends documents to the gateway without anyone pressing
// Upload, so the operator at the window must see that this station sends.
//
// Each watch announces itself by a file in <data>/watches/ holding its settings, beside a lock
// file it holds while it runs. A reader tells a running watch from one that was killed by
// trying that lock (no process ids, no clock): a file whose lock is free is left over and goes.
#include "core/ports/DurableFiles.h"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace docdesk::app {

struct RunningWatch {
    std::string folder;    // the hot folder
    std::string session;   // the session it stores into
    std::string target;    // the archive folder it files into, or empty
    std::string profile;   // the gateway profile whose outbox it files into, or empty
    bool uploads = false;  // --upload: it sends the outbox after each file
    std::string startedAt; // UTC, ISO 8601
};

// Announces `watch` in `dataDir`/watches/ for as long as it lives (the file goes with it; a
// kill leaves the file with a free lock, which readers ignore and remove).
class WatchAnnouncement {
  public:
    WatchAnnouncement(const std::filesystem::path& dataDir, const RunningWatch& watch);
    ~WatchAnnouncement();
    WatchAnnouncement(const WatchAnnouncement&) = delete;
    WatchAnnouncement& operator=(const WatchAnnouncement&) = delete;

  private:
    std::filesystem::path file_;
    std::unique_ptr<ports::ExclusiveLock> lock_;
};

// The watches running now with their settings, oldest first. Cheap (a folder listing and a
// lock attempt per watch): the window asks every few seconds.
std::vector<RunningWatch> runningWatches(const std::filesystem::path& dataDir);

} // namespace docdesk::app
