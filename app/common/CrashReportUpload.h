#pragma once
// Sending a crash report to the user's gateway, only when the user presses Send: the report
// goes through the outbox and the same upload run as any document (so it is verified and
// written to the ledger), into the folder "docdesk-crash-reports" of the profile. The local
// report stays; delete it separately. Synchronous: call it on a background thread.
#include "app/common/GatewayUpload.h"

#include <filesystem>

namespace docdesk::app {

inline constexpr const char* kCrashReportFolder = "docdesk-crash-reports";

// The result of the one item sent. When it was not delivered, the report stays queued in the
// outbox (Upload retries it) and `error` says why.
UploadItemResult sendCrashReport(const std::filesystem::path& report, const vault::Profile& profile,
                                 std::optional<vault::Secret> password, std::stop_token stop);

} // namespace docdesk::app
