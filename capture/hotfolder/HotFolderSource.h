#pragma once
// The hot folder as a PageSource: its one device is its folder, and acquire() watches it (see
// HotFolder.h) until stopped — or, with AcquireSettings::hotFolder.options.once, until what was
// there is taken — storing each complete file through the sink and reporting where it went
// through AcquireSettings::hotFolder.onFile.
#include "capture/PageSource.h"

#include <filesystem>

namespace docdesk::capture {

class HotFolderSource final : public PageSource {
  public:
    // Throws docdesk::Error when `folder` is not a folder.
    explicit HotFolderSource(std::filesystem::path folder);

    std::string_view kind() const override { return "hotfolder"; }
    std::vector<DeviceInfo> devices(std::stop_token) override;
    // A folder offers no settings.
    DeviceCapabilities capabilities(const std::string&, std::stop_token) override { return {}; }
    // settings.device is ignored: the folder was given when the source was made.
    AcquireSummary acquire(const AcquireSettings& settings, std::stop_token stop, PageSink& sink) override;

  private:
    std::filesystem::path folder_;
};

} // namespace docdesk::capture
