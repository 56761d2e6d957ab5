// docdesk-cli profile: gateway profiles and operator bundles (issue 6; being written).
#include "app/cli/Commands.h"

#include "core/common/Error.h"
#include "core/common/Translate.h"

namespace docdesk::cli {

int runProfile(const std::vector<std::string>&) {
    throw Error(tr("'profile' is not available in this build yet."));
}

} // namespace docdesk::cli
