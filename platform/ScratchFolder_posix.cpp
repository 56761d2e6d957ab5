#include "platform/ScratchFolder.h"

#include <random>
#include <system_error>

namespace docdesk::platform {
namespace fs = std::filesystem;

ScratchFolder::ScratchFolder(const fs::path& parent, const std::string& prefix) {
    std::random_device random;
    const fs::path base = parent.empty() ? fs::temp_directory_path() : parent;
    for (int attempt = 0; attempt < 100; ++attempt) {
        const fs::path candidate = base / (prefix + "-" + std::to_string(random()));
        std::error_code ec;
        if (fs::create_directory(candidate, ec)) {
            fs::permissions(candidate, fs::perms::owner_all, fs::perm_options::replace, ec); // private
            path_ = candidate;
            return;
        }
        if (ec)
            throw fs::filesystem_error("cannot create a folder", base, ec);
    }
    throw fs::filesystem_error("cannot create a folder", base, std::make_error_code(std::errc::file_exists));
}

ScratchFolder::~ScratchFolder() {
    std::error_code ec;
    fs::remove_all(path_, ec);
}

} // namespace docdesk::platform
