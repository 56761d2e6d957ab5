#include "platform/AppDirs.h"

#include <cstdlib>
#include <pwd.h>
#include <unistd.h>

namespace docdesk::platform {
namespace {

std::filesystem::path homeDir() {
    if (const char* home = std::getenv("HOME"); home && *home)
        return home;
    if (const passwd* pw = getpwuid(getuid()); pw && pw->pw_dir)
        return pw->pw_dir;
    return std::filesystem::temp_directory_path();
}

// XDG says a relative value must be ignored.
std::filesystem::path xdgDir(const char* variable, const char* fallbackBelowHome) {
    if (const char* v = std::getenv(variable); v && *v && std::filesystem::path(v).is_absolute())
        return std::filesystem::path(v) / "docdesk";
    return homeDir() / fallbackBelowHome / "docdesk";
}

} // namespace

AppDirs appDirs() {
    return {xdgDir("XDG_DATA_HOME", ".local/share"), xdgDir("XDG_CONFIG_HOME", ".config"),
            xdgDir("XDG_CACHE_HOME", ".cache"), xdgDir("XDG_STATE_HOME", ".local/state")};
}

} // namespace docdesk::platform
