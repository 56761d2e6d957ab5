#include "app/common/RunningWatches.h"

#include "app/common/AppEnvironment.h"

#include <algorithm>
#include <chrono>
#include <fmt/chrono.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>

namespace docdesk::app {
namespace fs = std::filesystem;

namespace {

fs::path watchesFolder(const fs::path& dataDir) {
    return dataDir / "watches";
}

// A watch's files share the stem "watch-<tag>": .json (its settings), .json.part (while it is
// written) and .lock (held while the watch runs).
std::string stemOf(const fs::path& file) {
    const auto name = file.filename().string();
    return name.substr(0, name.find('.'));
}

fs::path lockFileOf(const fs::path& file) {
    return file.parent_path() / (stemOf(file) + ".lock");
}

std::string nowUtc() {
    return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}",
                       std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()));
}

std::optional<RunningWatch> readAnnouncement(const fs::path& file) {
    std::ifstream in(file);
    const auto j = nlohmann::json::parse(in, nullptr, false);
    if (!j.is_object())
        return std::nullopt;
    RunningWatch w;
    w.folder = j.value("folder", std::string());
    w.session = j.value("session", std::string());
    w.target = j.value("target", std::string());
    w.profile = j.value("profile", std::string());
    w.uploads = j.value("uploads", false);
    w.startedAt = j.value("started_at", std::string());
    return w;
}

} // namespace

WatchAnnouncement::WatchAnnouncement(const fs::path& dataDir, const RunningWatch& watch) {
    const fs::path folder = watchesFolder(dataDir);
    fs::create_directories(folder);
    runningWatches(dataDir); // clears what killed watches left
    std::random_device rd;
    const std::string name = fmt::format("watch-{:08x}{:08x}", rd(), rd());
    file_ = folder / (name + ".json");
    std::string holder;
    // Locked before the announcement exists, so a reader never takes a new watch for a dead one.
    lock_ = durableFiles().tryLockExclusive(lockFileOf(file_), holder);
    if (!lock_)
        throw std::runtime_error("the watch's own lock file is held by " + holder);
    const nlohmann::json j{
        {"folder", watch.folder},   {"session", watch.session},
        {"target", watch.target},   {"profile", watch.profile},
        {"uploads", watch.uploads}, {"started_at", watch.startedAt.empty() ? nowUtc() : watch.startedAt}};
    const fs::path temp = folder / (name + ".json.part");
    std::ofstream(temp) << j.dump() << "\n";
    fs::rename(temp, file_);
}

WatchAnnouncement::~WatchAnnouncement() {
    std::error_code ec;
    fs::remove(file_, ec);
    fs::remove(lockFileOf(file_), ec);
    lock_.reset();
}

std::vector<RunningWatch> runningWatches(const fs::path& dataDir) {
    std::vector<RunningWatch> out;
    std::error_code ec;
    std::vector<fs::path> announcements;
    for (const auto& e : fs::directory_iterator(watchesFolder(dataDir), ec))
        if (const auto name = e.path().filename().string();
            name.ends_with(".json") || name.ends_with(".json.part"))
            announcements.push_back(e.path());
    for (const auto& file : announcements) {
        std::string holder;
        if (auto lock = durableFiles().tryLockExclusive(lockFileOf(file), holder)) {
            // Nobody holds it: the watch was killed. Its files go (under the lock just taken).
            std::error_code ignored;
            const fs::path stem = file.parent_path() / stemOf(file);
            for (const char* suffix : {".json", ".json.part", ".lock"})
                fs::remove(fs::path(stem.string() + suffix), ignored);
            continue;
        }
        if (file.extension() == ".json")
            if (auto w = readAnnouncement(file))
                out.push_back(std::move(*w));
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.startedAt < b.startedAt; });
    return out;
}

} // namespace docdesk::app
