#pragma once
// Writes a page's resolution into encoded image bytes, since OpenCV's encoders do not:
// a PNG pHYs chunk (pixels per metre) and the JFIF density of a JPEG (dots per inch).
// Bytes that are not what the function expects, or a resolution of 0, are left as they are.
#include <cstdint>
#include <vector>

namespace docdesk::imaging {

void setPngResolution(std::vector<std::uint8_t>& png, double dpiX, double dpiY);
void setJpegResolution(std::vector<std::uint8_t>& jpeg, double dpi);

} // namespace docdesk::imaging
