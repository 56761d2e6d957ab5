#pragma once
// A gateway profile: where filed documents go when the user presses Upload, and how to get
// there. Plain value type; the password is not part of it (see ProfileStore / Secret), so a
// Profile can be logged, listed and put into an operator bundle without leaking anything.
#include <string>
#include <vector>

namespace docdesk::vault {

enum class Connector {
    WebDav,   // PUT/PROPFIND/MKCOL (Apache mod_dav, Nextcloud, SharePoint's DAV)
    Cmis,     // CMIS 1.1 Browser Binding
    HttpForm, // multipart form upload compatible with paperless-ngx post_document
};

// "webdav", "cmis", "http-form"; parseConnector throws docdesk::Error on anything else.
std::string connectorName(Connector connector);
Connector parseConnector(const std::string& name);

struct Profile {
    std::string name; // unique, shown to the user
    Connector connector = Connector::WebDav;
    std::string url;               // gateway base URL (https:// expected; http:// only on loopback)
    std::string user;              // user name, or empty for token-only connectors
    std::string role;              // optional role/group sent where the connector supports it
    bool rememberPassword = false; // the password is stored (encrypted) only when true
    std::string caBundle;          // PEM file of extra trusted CAs, or empty for the system's
    std::string pinnedPublicKey;   // curl's "sha256//BASE64[;sha256//...]" or empty
    std::string proxy;             // explicit proxy URL; empty = from the environment
    std::string defaultFolder;     // remote folder documents go to unless the plan says otherwise
    std::string rules;             // rules file (path) to use with this profile, or empty
    // Set by an operator bundle: the names of the fields above the user may not change
    // ("url", "caBundle", ...), and who signed it (the operator key's fingerprint).
    std::vector<std::string> lockedSettings;
    std::string signedBy;

    [[nodiscard]] bool isLocked(const std::string& setting) const;
    // Whether uploading needs a secret: a password for a user name, or the API token of an
    // http-form (paperless-ngx) profile, which has no user name.
    [[nodiscard]] bool needsSecret() const { return !user.empty() || connector == Connector::HttpForm; }
};

} // namespace docdesk::vault
