#pragma once
// Wakes a waiting thread when something changes in a folder (a file created, written,
// closed, moved in or out). Only a hint: callers still look at the folder themselves, and
// they poll as well, because network shares often send no notifications.
#include <chrono>
#include <filesystem>

namespace docdesk::platform {

class DirectoryWatcher {
  public:
    // Starts watching `folder` (not its subfolders). Throws std::system_error when the
    // folder cannot be watched.
    explicit DirectoryWatcher(const std::filesystem::path& folder);
    DirectoryWatcher(const DirectoryWatcher&) = delete;
    DirectoryWatcher& operator=(const DirectoryWatcher&) = delete;
    ~DirectoryWatcher();

    // Waits at most `timeout` for a change; true when there was one (the events are consumed).
    bool waitForChange(std::chrono::milliseconds timeout);

  private:
    int fd_ = -1;
};

} // namespace docdesk::platform
