#include "app/common/CrashReportUpload.h"

#include "core/common/Error.h"
#include "core/common/Translate.h"

namespace docdesk::app {

UploadItemResult sendCrashReport(const std::filesystem::path& report, const vault::Profile& profile,
                                 std::optional<vault::Secret> password, std::stop_token stop) {
    auto outbox = openOutbox();
    gateway::NewOutboxItem item;
    item.profile = profile.name;
    item.remoteFolder = kCrashReportFolder;
    item.fileName = report.filename().string();
    item.title = trf("docdesk crash report {}", report.filename().string());
    const auto queued = outbox->enqueue(report, item, /*move=*/false);
    UploadOptions options;
    options.itemIds = {queued.id};
    options.parallel = 1;
    auto result = runGatewayUpload(
        *outbox, profile, std::move(password),
        [](const std::string&) { return std::optional<vault::Secret>(); }, [](const UploadProgress&) {}, stop,
        options);
    if (result.items.empty())
        throw Error(tr("The crash report was not sent."));
    return result.items.front();
}

} // namespace docdesk::app
