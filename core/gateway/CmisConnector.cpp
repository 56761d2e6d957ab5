#include "core/gateway/CmisConnector.h"

#include "core/common/FreeName.h"
#include "core/common/Translate.h"
#include "core/gateway/WebDavConnector.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <iterator>
#include <nlohmann/json.hpp>

namespace docdesk::gateway {
namespace {

using nlohmann::json;

std::string joinPath(const std::string& folder, const std::string& name) {
    std::string out;
    for (const auto& s : pathSegments(folder))
        out += s + "/";
    return out + name;
}

// A succinct property value as text (the first value of a multi-valued one).
std::string text(const json& props, const char* name) {
    if (!props.contains(name))
        return {};
    const json* v = &props[name];
    if (v->is_array()) {
        if (v->empty())
            return {};
        v = &(*v)[0];
    }
    if (v->is_string())
        return v->get<std::string>();
    if (v->is_number_unsigned())
        return std::to_string(v->get<std::uint64_t>());
    if (v->is_number_integer())
        return std::to_string(v->get<long long>());
    return {};
}

CmisObject objectFrom(const json& j) {
    const json* props = nullptr;
    if (j.contains("succinctProperties"))
        props = &j["succinctProperties"];
    CmisObject o;
    if (!props || !props->is_object())
        return o;
    o.objectId = text(*props, "cmis:objectId");
    o.name = text(*props, "cmis:name");
    o.baseTypeId = text(*props, "cmis:baseTypeId");
    o.description = text(*props, "cmis:description");
    o.changeToken = text(*props, "cmis:changeToken");
    // Unreadable stays 0, which verification then reports as a size mismatch.
    const auto length = text(*props, "cmis:contentStreamLength");
    std::from_chars(length.data(), length.data() + length.size(), o.contentStreamLength);
    return o;
}

json parseJson(const std::string& body, const std::string& what) {
    auto j = json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        throw GatewayRejected(
            trf("{}: the answer is not CMIS Browser Binding JSON. Check that the profile's URL is "
                "the repository's browser binding (…/cmis/versions/1.1/browser).",
                what),
            502);
    return j;
}

FormPart field(std::string name, std::string value) {
    return {std::move(name), std::move(value), {}, {}, {}};
}

std::string mediaTypeOf(const std::string& fileName) {
    auto ext = std::filesystem::path(fileName).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    if (ext == ".pdf")
        return "application/pdf";
    if (ext == ".png")
        return "image/png";
    if (ext == ".jpg" || ext == ".jpeg")
        return "image/jpeg";
    if (ext == ".tif" || ext == ".tiff")
        return "image/tiff";
    return "application/octet-stream";
}

} // namespace

std::string parseCmisRootFolderUrl(const std::string& body) {
    const auto j = parseJson(body, tr("Reading the CMIS repository information"));
    // {"<repositoryId>": {"repositoryId": ..., "rootFolderUrl": ..., ...}, ...}: the first one.
    std::string root;
    for (const auto& [id, info] : j.items()) {
        if (info.is_object() && info.contains("rootFolderUrl") && info["rootFolderUrl"].is_string()) {
            root = info["rootFolderUrl"].get<std::string>();
            break;
        }
    }
    if (root.empty())
        throw GatewayRejected(
            tr("Reading the CMIS repository information: the gateway names no repository root "
               "folder. Check the profile's URL."),
            502);
    while (root.size() > 1 && root.back() == '/')
        root.pop_back();
    return root;
}

CmisObject parseCmisObject(const std::string& body, const std::string& what) {
    return objectFrom(parseJson(body, what));
}

CmisChildrenPage parseCmisChildren(const std::string& body, const std::string& what) {
    const auto j = parseJson(body, what);
    CmisChildrenPage page;
    if (j.contains("objects") && j["objects"].is_array())
        for (const auto& entry : j["objects"])
            if (entry.is_object() && entry.contains("object"))
                page.objects.push_back(objectFrom(entry["object"]));
    if (j.contains("hasMoreItems")) {
        // Anything but a boolean would make docdesk guess whether the listing is complete.
        if (!j["hasMoreItems"].is_boolean())
            throw GatewayRejected(
                trf("{}: the answer is not CMIS Browser Binding JSON (hasMoreItems is not true or "
                    "false).",
                    what),
                502);
        page.hasMoreItems = j["hasMoreItems"].get<bool>();
    }
    return page;
}

void throwForCmisAnswer(const HttpResponse& r, const std::string& what) {
    const auto j = json::parse(r.body, nullptr, false);
    if (r.status != 401 && j.is_object() && j.contains("exception") && j["exception"].is_string()) {
        const auto message =
            j.contains("message") && j["message"].is_string() ? j["message"].get<std::string>() : "";
        throw GatewayRejected(trf("{}: the gateway answered {} ({}: {}).", what, r.status,
                                  j["exception"].get<std::string>(), message.substr(0, 300)),
                              r.status, r.retryAfter);
    }
    throwForStatus(r, what);
}

std::string cmisContentMarker(const std::string& sha256) {
    return "docdesk-sha256:" + sha256;
}

CmisConnector::CmisConnector(GatewayConnection connection, int pageSize)
    : transport_(std::move(connection)), pageSize_(std::clamp(pageSize, 1, 1000)) {
    serviceUrl_ = transport_.connection().baseUrl;
}

const std::string& CmisConnector::rootFolderUrl(std::stop_token stop) {
    if (!rootFolderUrl_.empty())
        return rootFolderUrl_;
    HttpRequest get;
    get.url = serviceUrl_;
    const auto r = transport_.perform(get, stop);
    if (r.status != 200)
        throwForCmisAnswer(r, tr("Reading the CMIS repository information"));
    rootFolderUrl_ = parseCmisRootFolderUrl(r.body);
    return rootFolderUrl_;
}

std::string CmisConnector::urlOf(const std::string& path, std::stop_token stop) {
    std::string url = rootFolderUrl(stop);
    for (const auto& seg : pathSegments(path))
        url += "/" + encodePathSegment(seg);
    return url;
}

std::optional<CmisObject> CmisConnector::objectAt(const std::string& path, std::stop_token stop) {
    HttpRequest get;
    get.url = urlOf(path, stop) + "?cmisselector=object&succinct=true";
    const auto r = transport_.perform(get, stop);
    if (r.status == 404)
        return std::nullopt;
    if (r.status != 200)
        throwForCmisAnswer(r, trf("Reading {}", path.empty() ? "/" : path));
    return parseCmisObject(r.body, trf("Reading {}", path));
}

std::vector<CmisObject> CmisConnector::children(const std::string& folder, std::stop_token stop) {
    std::vector<CmisObject> out;
    constexpr int kMaxPages = 10'000; // a folder of a million entries; beyond that, something is wrong
    for (int page = 0; page < kMaxPages; ++page) {
        HttpRequest get;
        get.url = urlOf(folder, stop) +
                  "?cmisselector=children&succinct=true&maxItems=" + std::to_string(pageSize_) +
                  "&skipCount=" + std::to_string(out.size());
        const auto r = transport_.perform(get, stop);
        if (r.status != 200)
            throwForCmisAnswer(r, trf("Listing {}", folder.empty() ? "/" : folder));
        auto listed = parseCmisChildren(r.body, trf("Listing {}", folder));
        const size_t got = listed.objects.size();
        std::move(listed.objects.begin(), listed.objects.end(), std::back_inserter(out));
        if (!listed.hasMoreItems)
            return out;
        if (got == 0) // claims more but sends nothing: stop instead of asking forever
            throw GatewayRejected(
                trf("Listing {}: the gateway announced more entries but sent none.", folder), 502);
    }
    throw GatewayRejected(trf("Listing {}: the folder has too many entries.", folder), 502);
}

void CmisConnector::ensureFolder(const std::string& folder, std::stop_token stop) {
    std::string parent;
    for (const auto& seg : pathSegments(folder)) {
        const std::string path = parent + seg;
        if (!knownFolders_.contains(path)) {
            auto existing = objectAt(path, stop);
            if (!existing) {
                HttpRequest create;
                create.method = "POST";
                create.url = urlOf(parent, stop);
                create.form = {
                    field("cmisaction", "createFolder"),      field("propertyId[0]", "cmis:name"),
                    field("propertyValue[0]", seg),           field("propertyId[1]", "cmis:objectTypeId"),
                    field("propertyValue[1]", "cmis:folder"), field("succinct", "true")};
                const auto r = transport_.perform(create, stop);
                // 409: created by a parallel upload in the meantime; whether it exists now counts.
                if (r.status != 201 && r.status != 200) {
                    existing = r.status == 409 ? objectAt(path, stop) : std::nullopt;
                    if (!existing)
                        throwForCmisAnswer(r, trf("Creating folder {}", path));
                }
            }
            if (existing && existing->baseTypeId != "cmis:folder")
                throw GatewayRejected(trf("Creating folder {}: a document of that name is in the way.", path),
                                      409);
            knownFolders_.insert(path);
        }
        parent = path + "/";
    }
}

Delivery CmisConnector::verify(const std::string& path, const DocumentToDeliver& document,
                               std::stop_token stop) {
    const auto object = objectAt(path, stop);
    if (!object)
        throw GatewayRejected(
            trf("Verifying {}: the document cannot be found on the gateway after creating it.",
                document.fileName),
            502);
    if (object->contentStreamLength != document.bytes)
        throw GatewayRejected(trf("Verifying {}: the gateway holds {} bytes, {} were sent.",
                                  document.fileName, object->contentStreamLength, document.bytes),
                              502);
    Delivery d;
    d.location = object->objectId;
    d.etag = object->changeToken;
    d.bytes = object->contentStreamLength;
    return d;
}

namespace {

// "a, b ,c" -> {"a", "b", "c"}: the secondary types a rules field lists.
std::vector<std::string> commaSeparated(const std::string& value) {
    std::vector<std::string> values;
    for (size_t start = 0; start <= value.size();) {
        const auto comma = value.find(',', start);
        auto v = value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        v.erase(0, v.find_first_not_of(' '));
        v.erase(v.find_last_not_of(' ') + 1);
        if (!v.empty())
            values.push_back(v);
        if (comma == std::string::npos)
            break;
        start = comma + 1;
    }
    return values;
}

// The CMIS properties of a new document: its name, type and description (which carries our
// content marker), then every rules field whose name is a CMIS property id ("prefix:name").
std::vector<std::pair<std::string, std::vector<std::string>>>
cmisPropertiesOf(const DocumentToDeliver& document, const std::string& name, const std::string& marker) {
    std::vector<std::pair<std::string, std::vector<std::string>>> properties = {
        {"cmis:name", {name}},
        {"cmis:objectTypeId", {"cmis:document"}},
        {"cmis:description", {document.title.empty() ? marker : document.title + " (" + marker + ")"}}};
    for (const auto& [key, value] : document.fields) {
        if (key.find(':') == std::string::npos || key == "cmis:name" || key == "cmis:description")
            continue;
        if (key == "cmis:objectTypeId")
            properties[1].second = {value};
        else if (key == "cmis:secondaryObjectTypeIds")
            properties.emplace_back(key, commaSeparated(value));
        else
            properties.emplace_back(key, std::vector<std::string>{value});
    }
    return properties;
}

} // namespace

Delivery CmisConnector::deliver(const DocumentToDeliver& document, std::stop_token stop,
                                const TransferProgress& progress) {
    ensureFolder(document.remoteFolder, stop);
    const std::string marker = cmisContentMarker(document.sha256);
    const auto isOurs = [&](const CmisObject& o) {
        return o.baseTypeId != "cmis:folder" && o.description.find(marker) != std::string::npos;
    };
    const auto existing = children(document.remoteFolder, stop);
    constexpr int kMaxNames = 100;
    for (int n = 1; n <= kMaxNames; ++n) {
        const std::string name = numberedPath(document.fileName, n).string();
        const std::string path = joinPath(document.remoteFolder, name);
        const auto taken =
            std::find_if(existing.begin(), existing.end(), [&](auto& o) { return o.name == name; });
        if (taken != existing.end()) {
            if (isOurs(*taken))
                return verify(path, document, stop); // an earlier run's copy
            continue;
        }

        HttpRequest create;
        create.method = "POST";
        create.url = urlOf(document.remoteFolder, stop);
        const auto properties = cmisPropertiesOf(document, name, marker);
        create.form = {field("cmisaction", "createDocument")};
        for (size_t i = 0; i < properties.size(); ++i) {
            const auto index = std::to_string(i);
            create.form.push_back(field("propertyId[" + index + "]", properties[i].first));
            const auto& values = properties[i].second;
            if (properties[i].first == "cmis:secondaryObjectTypeIds")
                for (size_t v = 0; v < values.size(); ++v)
                    create.form.push_back(
                        field("propertyValue[" + index + "][" + std::to_string(v) + "]", values[v]));
            else
                create.form.push_back(field("propertyValue[" + index + "]", values.empty() ? "" : values[0]));
        }
        create.form.push_back(field("succinct", "true"));
        create.form.push_back({"content", {}, document.file, name, mediaTypeOf(name)});
        const auto r = transport_.perform(create, stop, progressOfDocument(progress, document.bytes));
        if (r.status == 409) {
            // Taken meanwhile (a parallel upload, or our own earlier request whose answer was lost).
            const auto object = objectAt(path, stop);
            if (object && isOurs(*object))
                return verify(path, document, stop);
            continue;
        }
        if (r.status != 201 && r.status != 200)
            throwForCmisAnswer(r, trf("Uploading {}", document.fileName));
        return verify(path, document, stop);
    }
    throw GatewayRejected(
        trf("Uploading {}: {} names in a row are taken on the gateway.", document.fileName, kMaxNames), 409);
}

} // namespace docdesk::gateway
