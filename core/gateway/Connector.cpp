#include "core/gateway/Connector.h"

#include "core/common/Translate.h"
#include "core/gateway/CmisConnector.h"
#include "core/gateway/HttpFormConnector.h"
#include "core/gateway/WebDavConnector.h"

#include <algorithm>

namespace docdesk::gateway {

TransferProgress progressOfDocument(const TransferProgress& progress, std::uint64_t bytes) {
    if (!progress)
        return {};
    return [progress, bytes](std::uint64_t sent, std::uint64_t total) {
        if (total == 0 || total <= bytes)
            return progress(sent, total == 0 ? 0 : bytes);
        const auto scaled = static_cast<std::uint64_t>(static_cast<long double>(sent) * bytes / total);
        progress(sent >= total ? bytes : std::min(scaled, bytes), bytes);
    };
}

std::unique_ptr<Connector> makeConnector(vault::Connector type, GatewayConnection connection) {
    switch (type) {
    case vault::Connector::WebDav:
        return std::make_unique<WebDavConnector>(std::move(connection));
    case vault::Connector::Cmis:
        return std::make_unique<CmisConnector>(std::move(connection));
    case vault::Connector::HttpForm:
        return std::make_unique<HttpFormConnector>(std::move(connection));
    }
    throw Error(tr("Unknown gateway type."));
}

} // namespace docdesk::gateway
