#pragma once
// A fresh private folder (mode 0700) for files in transit between a worker and its caller,
// removed with everything in it when the object goes. Used by the scanner source and by
// `docdesk-cli crop`.
#include <filesystem>
#include <string>

namespace docdesk::platform {

class ScratchFolder {
  public:
    // Creates PARENT/PREFIX-<random> (PARENT empty: the system's temporary folder). Throws
    // std::filesystem::filesystem_error when no folder could be made there.
    ScratchFolder(const std::filesystem::path& parent, const std::string& prefix);
    ScratchFolder(const ScratchFolder&) = delete;
    ScratchFolder& operator=(const ScratchFolder&) = delete;
    ~ScratchFolder();
    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
};

} // namespace docdesk::platform
