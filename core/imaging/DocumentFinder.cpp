#include "core/imaging/DocumentFinder.h"

namespace docdesk::imaging {

std::vector<DocumentCandidate> findDocuments(const ImageView&) {
    return {}; // PLACEHOLDER: being implemented (issue 3)
}

} // namespace docdesk::imaging
