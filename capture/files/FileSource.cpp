#include "capture/files/FileSource.h"

namespace docdesk::capture {

const std::vector<std::filesystem::path>& FileSource::files() {
    if (!files_)
        files_ = expandInputs(paths_);
    return *files_;
}

std::vector<DeviceInfo> FileSource::devices(std::stop_token) {
    std::vector<DeviceInfo> out;
    for (const auto& file : files())
        out.push_back({file.string(), {}, {}, "file"});
    return out;
}

AcquireSummary FileSource::acquire(const AcquireSettings& settings, std::stop_token stop, PageSink& sink) {
    // The cached list is used where it is, not copied: one named device is expanded on its own.
    std::vector<std::filesystem::path> named;
    if (!settings.device.empty())
        named = expandInputs({settings.device});
    const auto& chosen = settings.device.empty() ? files() : named;
    const FileSettings& how = settings.files;
    AcquireSummary summary;
    for (size_t i = 0; i < chosen.size(); ++i) {
        if (stop.stop_requested()) {
            summary.end = AcquireEnd::Cancelled;
            break;
        }
        const auto& file = chosen[i];
        auto earlier = how.reuseStored ? pagesHeldFor(sink, file) : std::vector<PageRecord>{};
        const bool reused = !earlier.empty();
        const ImportOutcome outcome =
            reused ? ImportOutcome{file, std::move(earlier), {}} : importFile(sink, file, how.countPages);
        if (!reused)
            summary.pages += static_cast<int>(outcome.pages.size());
        if (how.onFile)
            how.onFile(outcome, i + 1, chosen.size());
    }
    return summary;
}

} // namespace docdesk::capture
