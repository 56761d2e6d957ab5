#include "capture/hotfolder/HotFolderSource.h"

#include "core/common/Translate.h"

namespace docdesk::capture {

HotFolderSource::HotFolderSource(std::filesystem::path folder) : folder_(std::move(folder)) {
    std::error_code ec;
    if (!std::filesystem::is_directory(folder_, ec))
        throw Error(trf("The hot folder {} does not exist or is not a folder.", folder_.string()));
}

std::vector<DeviceInfo> HotFolderSource::devices(std::stop_token) {
    return {{folder_.string(), {}, {}, "folder"}};
}

AcquireSummary HotFolderSource::acquire(const AcquireSettings& settings, std::stop_token stop,
                                        PageSink& sink) {
    AcquireSummary summary;
    HotFolder folder(folder_, sink, settings.hotFolder.options);
    folder.run(stop, [&](const HotFolderEvent& e) {
        if (!e.duplicate)
            summary.pages += static_cast<int>(e.outcome.pages.size());
        if (settings.hotFolder.onFile)
            settings.hotFolder.onFile(e);
    });
    if (stop.stop_requested())
        summary.end = AcquireEnd::Cancelled;
    return summary;
}

} // namespace docdesk::capture
