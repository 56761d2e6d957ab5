#pragma once
// Profiles as JSON: inside the vault, in operator bundles and in `docdesk-cli profile list
// --json`. A Profile holds no password, so neither does its JSON.
#include "core/vault/Profile.h"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace docdesk::vault {

// Field names as used in JSON, in lockedSettings and on the command line.
const std::vector<std::string>& profileSettingNames();

nlohmann::ordered_json profileToJson(const Profile& profile);
// Throws docdesk::Error naming the field when a value has the wrong type, a field is unknown,
// or a "password" field is present (passwords never travel as JSON).
Profile profileFromJson(const nlohmann::json& json);

// The value of a setting ("url", "user", ...) as text, for comparison and display.
std::string settingValue(const Profile& profile, const std::string& setting);
// Sets a setting from text (the CLI's --url etc.). Throws docdesk::Error for unknown names.
void setSetting(Profile& profile, const std::string& setting, const std::string& value);

// Checks what a profile must satisfy before it is stored: a name, a known connector, an
// https:// URL (http:// only to this machine). Throws docdesk::Error saying what is wrong.
void validateProfile(const Profile& profile);

// The origin a URL points to: "scheme://host:port", scheme and host in lower case, the port
// spelled out (443 for https, 80 for http). A saved password belongs to one origin.
std::string originOf(const std::string& url);

} // namespace docdesk::vault
