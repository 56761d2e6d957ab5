#pragma once
// Points and quadrilaterals in page pixel coordinates (origin top-left, x right, y down).
#include <array>
#include <cmath>

namespace docdesk {

struct PointF {
    double x = 0;
    double y = 0;
};

// Corners clockwise from the top-left of the document or code as it reads upright.
using Quad = std::array<PointF, 4>;

// The area a quadrilateral encloses (shoelace formula), whatever its orientation.
inline double quadArea(const Quad& q) {
    double twice = 0;
    for (size_t i = 0; i < q.size(); ++i)
        twice += q[i].x * q[(i + 1) % q.size()].y - q[(i + 1) % q.size()].x * q[i].y;
    return std::abs(twice) / 2;
}

} // namespace docdesk
