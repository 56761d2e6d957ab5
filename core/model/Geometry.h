#pragma once
// Points and quadrilaterals in page pixel coordinates (origin top-left, x right, y down).
#include <array>

namespace docdesk {

struct PointF {
    double x = 0;
    double y = 0;
};

// Corners clockwise from the top-left of the document or code as it reads upright.
using Quad = std::array<PointF, 4>;

} // namespace docdesk
