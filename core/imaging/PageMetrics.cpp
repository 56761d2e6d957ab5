#include "core/imaging/PageMetrics.h"

namespace docdesk::imaging {

BlankVerdict detectBlank(const ImageView&) { return {}; }        // PLACEHOLDER (issue 3)
double estimateSkewDegrees(const ImageView&) { return 0; }      // PLACEHOLDER (issue 3)

} // namespace docdesk::imaging
