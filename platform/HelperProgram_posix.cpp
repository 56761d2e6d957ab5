#include "platform/ChildProcess.h"
#include "platform/HelperProgram.h"

#include <unistd.h>

namespace docdesk::platform {
namespace {

bool isExecutableFile(const std::filesystem::path& file) {
    std::error_code ec;
    return std::filesystem::is_regular_file(file, ec) && ::access(file.c_str(), X_OK) == 0;
}

} // namespace

std::filesystem::path helperProgram(std::string_view name) {
    const std::filesystem::path self = executableDirectory();
    // Beside the executable first: a build tree must use its own fresh helpers even when an
    // installed docdesk is on the same machine.
    const std::filesystem::path beside = self / name;
    if (isExecutableFile(beside))
        return beside;
    const std::filesystem::path installed = self.parent_path() / "libexec" / "docdesk" / name;
    if (isExecutableFile(installed))
        return installed;
    return beside;
}

} // namespace docdesk::platform
