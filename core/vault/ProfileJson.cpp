#include "core/vault/ProfileJson.h"

#include "core/common/Error.h"
#include "core/common/Translate.h"

#include <algorithm>
#include <cctype>

namespace docdesk::vault {

const std::vector<std::string>& profileSettingNames() {
    static const std::vector<std::string> names = {
        "connector",       "url",   "user",          "role", "rememberPassword", "caBundle",
        "pinnedPublicKey", "proxy", "defaultFolder", "rules"};
    return names;
}

nlohmann::ordered_json profileToJson(const Profile& p) {
    nlohmann::ordered_json j;
    j["name"] = p.name;
    for (const auto& s : profileSettingNames()) {
        if (s == "rememberPassword")
            j[s] = p.rememberPassword;
        else
            j[s] = settingValue(p, s);
    }
    j["lockedSettings"] = p.lockedSettings;
    j["signedBy"] = p.signedBy;
    return j;
}

Profile profileFromJson(const nlohmann::json& json) {
    if (!json.is_object())
        throw Error(tr("A profile must be a JSON object."));
    Profile p;
    for (const auto& [key, value] : json.items()) {
        try {
            if (key == "password" || key == "secret" || key == "token")
                throw Error(tr("A profile in JSON must not contain a password; passwords are only ever "
                               "typed in on the station."));
            if (key == "name")
                p.name = value.get<std::string>();
            else if (key == "rememberPassword")
                p.rememberPassword = value.get<bool>();
            else if (key == "lockedSettings")
                p.lockedSettings = value.get<std::vector<std::string>>();
            else if (key == "signedBy")
                p.signedBy = value.get<std::string>();
            else if (std::find(profileSettingNames().begin(), profileSettingNames().end(), key) !=
                     profileSettingNames().end())
                setSetting(p, key, value.get<std::string>());
            else
                throw Error(trf("Unknown profile field '{}'.", key));
        } catch (const nlohmann::json::exception&) {
            throw Error(trf("The profile field '{}' has the wrong type.", key));
        }
    }
    for (const auto& locked : p.lockedSettings)
        if (std::find(profileSettingNames().begin(), profileSettingNames().end(), locked) ==
            profileSettingNames().end())
            throw Error(trf("Unknown setting '{}' in lockedSettings.", locked));
    return p;
}

std::string settingValue(const Profile& p, const std::string& s) {
    if (s == "name")
        return p.name;
    if (s == "connector")
        return connectorName(p.connector);
    if (s == "url")
        return p.url;
    if (s == "user")
        return p.user;
    if (s == "role")
        return p.role;
    if (s == "rememberPassword")
        return p.rememberPassword ? "true" : "false";
    if (s == "caBundle")
        return p.caBundle;
    if (s == "pinnedPublicKey")
        return p.pinnedPublicKey;
    if (s == "proxy")
        return p.proxy;
    if (s == "defaultFolder")
        return p.defaultFolder;
    if (s == "rules")
        return p.rules;
    throw Error(trf("Unknown profile setting '{}'.", s));
}

void setSetting(Profile& p, const std::string& s, const std::string& v) {
    if (s == "connector")
        p.connector = parseConnector(v);
    else if (s == "url")
        p.url = v;
    else if (s == "user")
        p.user = v;
    else if (s == "role")
        p.role = v;
    else if (s == "rememberPassword")
        p.rememberPassword = (v == "true" || v == "yes" || v == "1");
    else if (s == "caBundle")
        p.caBundle = v;
    else if (s == "pinnedPublicKey")
        p.pinnedPublicKey = v;
    else if (s == "proxy")
        p.proxy = v;
    else if (s == "defaultFolder")
        p.defaultFolder = v;
    else if (s == "rules")
        p.rules = v;
    else
        throw Error(trf("Unknown profile setting '{}'.", s));
}

namespace {
bool isLoopbackUrl(const std::string& url) {
    for (const char* host : {"http://127.0.0.1", "http://localhost", "http://[::1]"}) {
        const std::string h = host;
        if (url.starts_with(h) && (url.size() == h.size() || url[h.size()] == ':' || url[h.size()] == '/'))
            return true;
    }
    return false;
}
} // namespace

void validateProfile(const Profile& p) {
    if (p.name.empty() || p.name.size() > 100)
        throw Error(tr("A profile needs a name of 1 to 100 characters."));
    if (std::any_of(p.name.begin(), p.name.end(),
                    [](char c) { return static_cast<unsigned char>(c) < 0x20; }))
        throw Error(tr("A profile name cannot contain control characters."));
    // These go into request lines, headers or curl options, where CR/LF would start a new one.
    for (const char* setting : {"url", "proxy", "user", "role", "pinnedPublicKey", "defaultFolder"}) {
        const std::string value = settingValue(p, setting);
        if (std::any_of(value.begin(), value.end(),
                        [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }))
            throw Error(
                trf("The setting '{}' contains a line break or another control character; enter it on "
                    "one line without them.",
                    setting));
    }
    if (!p.url.starts_with("https://") && !isLoopbackUrl(p.url))
        throw Error(trf("The gateway URL '{}' must start with https:// (http:// only for this machine: "
                        "127.0.0.1, localhost or [::1]).",
                        p.url));
    // user:password@host would put a credential into the profile's plain fields (and logs).
    const auto authorityStart = p.url.find("://") + 3;
    const auto authorityEnd = p.url.find('/', authorityStart);
    if (p.url.substr(authorityStart, authorityEnd - authorityStart).find('@') != std::string::npos)
        throw Error(tr("The gateway URL must not contain a user name or password; put the user name in "
                       "the user field (the password is asked for, or remembered encrypted)."));
}

std::string originOf(const std::string& url) {
    const auto schemeEnd = url.find("://");
    if (schemeEnd == std::string::npos)
        return url;
    std::string scheme = url.substr(0, schemeEnd);
    const auto authorityStart = schemeEnd + 3;
    const auto authorityEnd = url.find_first_of("/?#", authorityStart);
    std::string authority =
        url.substr(authorityStart,
                   authorityEnd == std::string::npos ? std::string::npos : authorityEnd - authorityStart);
    if (const auto at = authority.rfind('@'); at != std::string::npos)
        authority.erase(0, at + 1);
    const auto lower = [](std::string& text) {
        std::transform(text.begin(), text.end(), text.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    };
    lower(scheme);
    lower(authority);
    const auto bracket = authority.rfind(']');
    const auto colon = authority.rfind(':');
    const bool hasPort = colon != std::string::npos && (bracket == std::string::npos || colon > bracket);
    std::string host = hasPort ? authority.substr(0, colon) : authority;
    std::string port = hasPort ? authority.substr(colon + 1) : std::string();
    if (port.empty())
        port = scheme == "https" ? "443" : scheme == "http" ? "80" : "";
    return scheme + "://" + host + ":" + port;
}

} // namespace docdesk::vault
