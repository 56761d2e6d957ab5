#include "capture/hotfolder/HotFolder.h"

#include "capture/PageSource.h"
#include "core/common/Error.h"
#include "core/common/FreeName.h"
#include "core/common/Translate.h"
#include "platform/DirectoryWatcher.h"
#include "platform/PlaceFile.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <memory>
#include <optional>
#include <thread>

namespace docdesk::capture {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

// Moves `file` into `dir` as `dir/name`, or `dir/stem (2).ext`... when taken (same file system;
// each try is a rename that refuses an existing name, so nothing there is ever replaced).
fs::path moveInto(const fs::path& file, const fs::path& dir) {
    fs::create_directories(dir);
    if (auto target = placeUnderFreeName(dir / file.filename(), 99999, [&](const fs::path& candidate) {
            return platform::moveWithoutReplacing(file, candidate);
        }))
        return *target;
    throw Error(trf("There is no free file name for '{}' in its folder.", (dir / file.filename()).string()));
}

} // namespace

HotFolder::HotFolder(fs::path folder, PageSink& sink, HotFolderOptions options)
    : folder_(std::move(folder)), sink_(sink), options_(options) {
    std::error_code ec;
    if (!fs::is_directory(folder_, ec))
        throw Error(trf("The hot folder {} does not exist or is not a folder.", folder_.string()));
    if (!options_.countPages)
        throw std::invalid_argument("HotFolderOptions::countPages is required");
}

bool HotFolder::isIgnoredName(const std::string& name) {
    if (name.empty() || name.starts_with(".") || name.starts_with("~$") || name == kDoneDir ||
        name == kFailedDir)
        return true;
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    for (const char* suffix : {".part", ".partial", ".tmp", ".crdownload", ".download", "~", ".error.txt"})
        if (lower.ends_with(suffix))
            return true;
    return false;
}

HotFolderEvent HotFolder::take(const fs::path& file) {
    HotFolderEvent event;
    if (auto earlier = pagesHeldFor(sink_, file); !earlier.empty()) {
        // Stored before (just before a kill, or put back from failed/): stored is not filed,
        // so its pages go through afterStored again, which files what is not filed yet.
        event.outcome = {file, std::move(earlier), {}};
        event.duplicate = true;
        if (options_.afterStored)
            event.processError = options_.afterStored(event.outcome);
    } else {
        event.outcome = importFile(sink_, file, options_.countPages);
        if (event.outcome.ok() && options_.afterStored)
            event.processError = options_.afterStored(event.outcome);
    }
    const bool good = event.outcome.ok() && event.processError.empty();
    const fs::path aside = folder_ / (good ? kDoneDir : kFailedDir);
    try {
        event.movedTo = moveInto(file, aside);
        if (!good) {
            std::ofstream note(event.movedTo.string() + ".error.txt");
            note << (event.outcome.ok() ? event.processError : event.outcome.error) << "\n";
        }
    } catch (const std::exception& e) {
        event.moveError = e.what();
    }
    return event;
}

size_t HotFolder::takeSettledFiles(const std::function<void(const HotFolderEvent&)>& onEach) {
    const auto now = Clock::now();
    std::vector<fs::path> present, ready;
    std::error_code ec;
    for (auto it = fs::directory_iterator(folder_, ec); !ec && it != fs::directory_iterator();
         it.increment(ec)) {
        const fs::path& path = it->path();
        if (isIgnoredName(path.filename().string()) || !it->is_regular_file(ec))
            continue;
        present.push_back(path);
        const auto size = fs::file_size(path, ec);
        const auto modified = fs::last_write_time(path, ec);
        if (ec)
            continue; // gone or unreadable right now: look again next time
        if (auto stuck = stuck_.find(path); stuck != stuck_.end()) {
            if (stuck->second.size == size && stuck->second.modified == modified)
                continue; // already taken; it could not be moved away
            stuck_.erase(stuck);
        }
        auto [entry, inserted] = seen_.try_emplace(path, Seen{size, modified, now});
        if (!inserted && (entry->second.size != size || entry->second.modified != modified))
            entry->second = Seen{size, modified, now};
        else if (!inserted && now - entry->second.since >= options_.settle)
            ready.push_back(path);
    }
    // Forget files that went away by themselves.
    std::erase_if(seen_, [&](const auto& e) {
        return std::find(present.begin(), present.end(), e.first) == present.end();
    });
    std::sort(ready.begin(), ready.end()); // scanners number their files: keep their order
    for (const auto& file : ready) {
        const Seen state = seen_[file];
        seen_.erase(file);
        HotFolderEvent event = take(file);
        if (event.movedTo.empty())
            stuck_[file] = state;
        onEach(event);
    }
    return seen_.size();
}

void HotFolder::run(std::stop_token stop, const std::function<void(const HotFolderEvent&)>& onEach) {
    std::optional<platform::DirectoryWatcher> watcher;
    try {
        watcher.emplace(folder_);
    } catch (const std::exception&) {
        // No notifications here (e.g. a network share): polling alone does the work.
    }
    const auto started = Clock::now();
    // A short first wait lets files present at the start settle without a full poll period.
    const auto step = std::min(options_.poll, std::max(options_.settle / 3, std::chrono::milliseconds(50)));
    while (!stop.stop_requested()) {
        const size_t waiting = takeSettledFiles(onEach);
        if (options_.once && (waiting == 0 || Clock::now() - started > options_.giveUpAfter))
            return;
        if (watcher)
            watcher->waitForChange(waiting > 0 ? step : options_.poll);
        else
            std::this_thread::sleep_for(waiting > 0 ? step : options_.poll);
    }
}

} // namespace docdesk::capture
