#include "core/gateway/Connector.h"

#include "core/common/Translate.h"
#include "core/gateway/CmisConnector.h"
#include "core/gateway/HttpFormConnector.h"
#include "core/gateway/WebDavConnector.h"

namespace docdesk::gateway {

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
