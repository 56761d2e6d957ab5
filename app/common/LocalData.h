#pragma once
// Everything docdesk keeps on this computer, as a list the user can read and act on (the
// Privacy page): profiles, capture sessions, outbox and ledger, settings, caches, crash
// reports — each with its place and size — and deleting one item or all of it. Deleting only
// ever touches paths below docdesk's own folders (platform::AppDirs). No wx here.
#include "platform/AppDirs.h"

#include <cstdint>
#include <filesystem>
#include <stop_token>
#include <string>
#include <vector>

namespace docdesk::ports {
class Keyring;
}

namespace docdesk::app {

enum class LocalDataKind {
    Profiles,       // profiles.vault
    ProfileBackup,  // profiles.vault.bak
    OperatorKey,    // operator.pub (the trusted operator key for profile bundles)
    Settings,       // docdesk.conf
    Sessions,       // sessions/ (capture sessions with their originals)
    Outbox,         // outbox/ (documents waiting for Upload)
    OutboxDatabase, // outbox.sqlite (+ -wal, -shm): the outbox list and the delivery ledger
    FilingStaging,  // outbox-staging/ (documents being filed into the outbox)
    RunningWatches, // watches/ (each running hot-folder watch announces itself there)
    Cache,          // the cache folder (re-creatable)
    CrashReport,    // one report in crash-reports/
    Other,          // anything else found in docdesk's folders
};

struct LocalDataItem {
    LocalDataKind kind = LocalDataKind::Other;
    std::string name;                         // translated, e.g. "Gateway profiles"
    std::string lostWhenDeleted;              // translated sentence for the confirmation
    std::filesystem::path path;               // the file or folder (Open folder shows it)
    std::vector<std::filesystem::path> paths; // everything Delete removes (path and companions)
    std::uint64_t bytes = 0;                  // total size of `paths`
    std::uint64_t files = 0;                  // regular files in `paths`
};

// Every item that exists, in a fixed order (config, data, cache, crash reports oldest first).
// Walks folders to add up sizes, so call it off the UI thread; stops early (returning what it
// has) when `stop` is requested.
std::vector<LocalDataItem> listLocalData(const platform::AppDirs& dirs, std::stop_token stop = {});

// The crash reports, oldest first (a subset of listLocalData).
std::vector<LocalDataItem> listCrashReports(const platform::AppDirs& dirs);

// Removes the item's paths. `keep` (e.g. the session open in the window) is left in place with
// the folders leading to it. Throws docdesk::Error, touching nothing, when a path is not below
// one of `dirs`' folders.
// Deleting the profile vault also removes its key from `keyring` (when given and the vault
// keeps its key there), so no orphaned secret stays in the desktop keyring.
void deleteLocalData(const platform::AppDirs& dirs, const LocalDataItem& item,
                     const std::filesystem::path& keep = {}, ports::Keyring* keyring = nullptr);

// Removes docdesk's four folders with everything in them. The caller makes sure nothing of
// docdesk runs on them any more (the window deletes everything after it has closed).
void deleteAllLocalData(const platform::AppDirs& dirs, ports::Keyring* keyring = nullptr);

// Removes the key of the vault in `vaultFile` from `keyring` when the vault keeps its key there;
// false when there was nothing to remove. Keyring errors are not fatal (an orphaned entry names
// no vault): they also answer false.
bool forgetVaultKey(const std::filesystem::path& vaultFile, ports::Keyring& keyring);

// True when `path` lies strictly below one of the folders of `dirs` (symbolic links in the
// folders leading to it resolved).
bool isInsideLocalData(const platform::AppDirs& dirs, const std::filesystem::path& path);

// "0 bytes", "512 bytes", "1.4 KB", "23.0 MB", "1.2 GB" (units of 1000, one decimal).
std::string formatSize(std::uint64_t bytes);

} // namespace docdesk::app
