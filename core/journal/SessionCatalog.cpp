#include "core/common/Error.h"
#include "core/journal/Session.h"

#include <algorithm>

namespace docdesk::journal {

std::vector<SessionSummary> listSessions(const std::filesystem::path& sessionsRoot) {
    std::vector<SessionSummary> out;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(sessionsRoot, ec)) {
        if (!entry.is_directory() || !std::filesystem::exists(entry.path() / Session::kIndexFile))
            continue;
        try {
            out.push_back(Session::openReadOnly(entry.path())->summary());
        } catch (const Error&) {
            // A damaged session is listed by name so the user can see and delete it.
            SessionSummary s;
            s.id = entry.path().filename().string();
            s.directory = entry.path();
            s.pageCount = -1;
            out.push_back(s);
        }
    }
    // Ids start with the creation time, so this sorts newest first.
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id > b.id; });
    return out;
}

} // namespace docdesk::journal
