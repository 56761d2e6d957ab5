#pragma once
// Where docdesk keeps its files, following each OS's conventions (XDG base directories on
// Linux). Everything docdesk stores lives below these four folders.
#include <filesystem>

namespace docdesk::platform {

struct AppDirs {
    std::filesystem::path data;   // sessions, outbox, ledger (XDG_DATA_HOME/docdesk)
    std::filesystem::path config; // profiles, rules, preferences (XDG_CONFIG_HOME/docdesk)
    std::filesystem::path cache;  // thumbnails and other re-creatable files (XDG_CACHE_HOME/docdesk)
    std::filesystem::path state;  // crash reports (XDG_STATE_HOME/docdesk)
};

// Resolves the folders from the environment; does not create them.
AppDirs appDirs();

} // namespace docdesk::platform
