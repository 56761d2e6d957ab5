#include "core/common/FreeName.h"

namespace docdesk {

std::string numberedName(const std::string& name, int number) {
    return number == 1 ? name : name + " (" + std::to_string(number) + ")";
}

std::filesystem::path numberedPath(const std::filesystem::path& path, int number) {
    if (number == 1)
        return path;
    return path.parent_path() / (numberedName(path.stem().string(), number) + path.extension().string());
}

std::optional<std::filesystem::path>
placeUnderFreeName(const std::filesystem::path& path, int maxNumber,
                   const std::function<bool(const std::filesystem::path&)>& tryPlace) {
    for (int n = 1; n <= maxNumber; ++n) {
        auto candidate = numberedPath(path, n);
        if (tryPlace(candidate))
            return candidate;
    }
    return std::nullopt;
}

} // namespace docdesk
