#pragma once
// Files as a PageSource: the files and folders the user chose (opened, dropped, named on the
// command line). Its devices are the files below them, in the order they are imported, so the
// window can show how many there are before the first is read; acquire() imports them one
// after another (FileImporter), each into the sink as one original, and reports each file's
// outcome through AcquireSettings::files.onFile. A file that cannot be read is such an outcome,
// not an error of the source. Stopping takes effect between files.
#include "capture/PageSource.h"

#include <filesystem>
#include <optional>
#include <vector>

namespace docdesk::capture {

class FileSource final : public PageSource {
  public:
    explicit FileSource(std::vector<std::filesystem::path> paths) : paths_(std::move(paths)) {}

    std::string_view kind() const override { return "files"; }
    std::vector<DeviceInfo> devices(std::stop_token stop) override;
    // Files offer no settings.
    DeviceCapabilities capabilities(const std::string&, std::stop_token) override { return {}; }
    // settings.device names one file or folder; empty = every file chosen.
    AcquireSummary acquire(const AcquireSettings& settings, std::stop_token stop, PageSink& sink) override;

  private:
    const std::vector<std::filesystem::path>& files();

    std::vector<std::filesystem::path> paths_;
    std::optional<std::vector<std::filesystem::path>> files_; // the folders walked, once
};

} // namespace docdesk::capture
