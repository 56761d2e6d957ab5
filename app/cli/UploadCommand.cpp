// docdesk-cli upload and ledger: the outbox sent to the gateway (issue 7; being written).
#include "app/cli/Commands.h"

#include "core/common/Error.h"
#include "core/common/Translate.h"

namespace docdesk::cli {

int runUpload(const std::vector<std::string>&) {
    throw Error(tr("'upload' is not available in this build yet."));
}

int runLedger(const std::vector<std::string>&) {
    throw Error(tr("'ledger' is not available in this build yet."));
}

} // namespace docdesk::cli
