#include "core/common/Error.h"
#include "core/journal/Session.h"

#include <algorithm>

namespace docdesk::journal {

std::vector<std::filesystem::path> sessionDirectories(const std::filesystem::path& sessionsRoot) {
    std::vector<std::filesystem::path> out;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(sessionsRoot, ec))
        if (entry.is_directory() && std::filesystem::exists(entry.path() / Session::kIndexFile))
            out.push_back(entry.path());
    // Ids start with the creation time, so this sorts newest first.
    std::sort(out.begin(), out.end(),
              [](const auto& a, const auto& b) { return a.filename() > b.filename(); });
    return out;
}

std::vector<SessionSummary> listSessions(const std::filesystem::path& sessionsRoot) {
    std::vector<SessionSummary> out;
    for (const auto& dir : sessionDirectories(sessionsRoot)) {
        try {
            out.push_back(Session::openReadOnly(dir)->summary());
        } catch (const Error&) {
            // A damaged session is listed by name so the user can see and delete it.
            SessionSummary s;
            s.id = dir.filename().string();
            s.directory = dir;
            s.pageCount = -1;
            out.push_back(s);
        }
    }
    return out;
}

} // namespace docdesk::journal
