#pragma once
// A decoded raster in docdesk's own type, so no OpenCV or wx type crosses a module border.
#include <cstdint>
#include <vector>

namespace docdesk {

// 8-bit RGB, rows packed without padding (stride = width * 3).
struct RgbImage {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> pixels;

    bool empty() const { return width <= 0 || height <= 0; }
};

} // namespace docdesk
