#pragma once
// A non-owning view of 8-bit pixels, so analysis functions take docdesk's own type and no
// OpenCV or ZXing type crosses a public header. Adapters wrap it without copying.
#include <cstddef>
#include <cstdint>

namespace docdesk {

struct ImageView {
    const std::uint8_t* data = nullptr;
    int width = 0;
    int height = 0;
    std::ptrdiff_t stride = 0; // bytes from one row to the next
    int channels = 1;          // 1 = grey, 3 = BGR (OpenCV order)

    bool empty() const { return data == nullptr || width <= 0 || height <= 0; }
};

} // namespace docdesk
