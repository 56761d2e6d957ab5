#include "core/vault/Profile.h"

#include "core/common/Error.h"
#include "core/common/Translate.h"

#include <algorithm>

namespace docdesk::vault {

std::string connectorName(Connector connector) {
    switch (connector) {
    case Connector::WebDav:
        return "webdav";
    case Connector::Cmis:
        return "cmis";
    case Connector::HttpForm:
        return "http-form";
    }
    return "webdav";
}

Connector parseConnector(const std::string& name) {
    if (name == "webdav")
        return Connector::WebDav;
    if (name == "cmis")
        return Connector::Cmis;
    if (name == "http-form" || name == "paperless")
        return Connector::HttpForm;
    throw Error(trf("Unknown connector '{}' (use webdav, cmis or http-form).", name));
}

bool Profile::isLocked(const std::string& setting) const {
    return std::find(lockedSettings.begin(), lockedSettings.end(), setting) != lockedSettings.end();
}

} // namespace docdesk::vault
