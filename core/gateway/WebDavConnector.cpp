#include "core/gateway/WebDavConnector.h"

#include "core/common/FreeName.h"
#include "core/common/Sha256.h"
#include "core/common/Translate.h"
#include "core/common/XmlText.h"

#include <array>
#include <cctype>
#include <charconv>
#include <cstdio>

namespace docdesk::gateway {
namespace {

std::string xmlUnescape(std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '&') {
            out += s[i];
            continue;
        }
        const auto end = s.find(';', i);
        if (end == std::string_view::npos) {
            out += s.substr(i);
            break;
        }
        const auto entity = s.substr(i + 1, end - i - 1);
        if (entity == "amp")
            out += '&';
        else if (entity == "lt")
            out += '<';
        else if (entity == "gt")
            out += '>';
        else if (entity == "quot")
            out += '"';
        else if (entity == "apos")
            out += '\'';
        else
            out += s.substr(i, end - i + 1);
        i = end;
    }
    return out;
}

// A field name as an XML element name: letters, digits, '-', '_', '.'; others become '_'.
std::string propertyName(const std::string& field) {
    std::string out;
    for (const unsigned char c : field)
        out += (std::isalnum(c) || c == '-' || c == '_' || c == '.') ? char(c) : '_';
    if (out.empty() || !(std::isalpha(static_cast<unsigned char>(out[0])) || out[0] == '_'))
        out = "_" + out;
    return out;
}

// The elements with local name `name` (any namespace prefix) in `xml`, as raw inner text.
// A deliberately small reader: multistatus answers are flat and docdesk only needs a few values.
std::vector<std::string> elements(std::string_view xml, std::string_view name) {
    std::vector<std::string> out;
    size_t pos = 0;
    while ((pos = xml.find('<', pos)) != std::string_view::npos) {
        const auto tagEnd = xml.find('>', pos);
        if (tagEnd == std::string_view::npos)
            break;
        auto tag = xml.substr(pos + 1, tagEnd - pos - 1);
        pos = tagEnd + 1;
        if (tag.empty() || tag[0] == '/' || tag[0] == '?' || tag[0] == '!')
            continue;
        const auto nameEnd = tag.find_first_of(" \t\r\n/");
        auto qname = tag.substr(0, nameEnd);
        const auto colon = qname.find(':');
        const auto local = colon == std::string_view::npos ? qname : qname.substr(colon + 1);
        if (local != name)
            continue;
        if (tag.back() == '/') {
            out.emplace_back();
            continue;
        }
        const std::string closing = "</" + std::string(qname) + ">";
        const auto close = xml.find(closing, pos);
        if (close == std::string_view::npos)
            break;
        out.emplace_back(xml.substr(pos, close - pos));
        pos = close + closing.size();
    }
    return out;
}

std::string firstElement(std::string_view xml, std::string_view name) {
    auto all = elements(xml, name);
    return all.empty() ? std::string() : xmlUnescape(all.front());
}

std::uint64_t parseSize(const std::string& text) {
    std::uint64_t v = 0;
    std::from_chars(text.data(), text.data() + text.size(), v);
    return v;
}

std::string percentDecode(std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size()) {
            int v = 0;
            std::from_chars(s.data() + i + 1, s.data() + i + 3, v, 16);
            out += char(v);
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

} // namespace

std::vector<std::string> pathSegments(const std::string& folder) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= folder.size()) {
        const auto end = folder.find('/', start);
        const auto seg = folder.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (!seg.empty() && seg != ".") {
            if (seg == "..")
                throw Error(trf("The remote folder {} leaves the gateway's folder.", folder));
            out.push_back(seg);
        }
        if (end == std::string::npos)
            break;
        start = end + 1;
    }
    return out;
}

void throwForStatus(const HttpResponse& r, const std::string& what) {
    std::string message;
    switch (r.status) {
    case 401:
        message = trf("{}: the gateway did not accept the user name or password (401).", what);
        break;
    case 403:
        message = trf("{}: the gateway does not allow this (403). Ask the operator for write access.", what);
        break;
    case 404:
    case 409:
        message = trf("{}: the folder does not exist on the gateway ({}).", what, r.status);
        break;
    case 413:
        message = trf("{}: the document is larger than the gateway accepts (413).", what);
        break;
    case 507:
        message =
            trf("{}: the gateway's storage is full (507). Uploading is paused until the operator makes room.",
                what);
        break;
    default:
        if (r.status >= 300 && r.status < 400)
            message = trf("{}: the gateway redirected to {} ({}); uploads never follow redirects. Check the "
                          "profile's URL.",
                          what, r.header("location"), r.status);
        else
            message = trf("{}: the gateway answered {}.", what, r.status);
    }
    throw GatewayRejected(message, r.status, r.retryAfter);
}

WebDavConnector::WebDavConnector(GatewayConnection connection, ChunkedUploadOptions chunked)
    : transport_(std::move(connection)), chunked_(chunked) {
    base_ = transport_.connection().baseUrl;
    if (base_.empty() || base_.back() != '/')
        base_ += '/';
    // "https://host/remote.php/dav/files/alice/Scans/" -> "https://host/remote.php/dav/uploads/alice/"
    const std::string files = "/remote.php/dav/files/";
    if (const auto at = base_.find(files); at != std::string::npos) {
        const auto userEnd = base_.find('/', at + files.size());
        if (userEnd != std::string::npos && userEnd > at + files.size())
            uploadsUrl_ = base_.substr(0, at) + "/remote.php/dav/uploads/" +
                          base_.substr(at + files.size(), userEnd - at - files.size()) + "/";
    }
    chunked_.chunkSize = std::max<std::uint64_t>(chunked_.chunkSize, 1);
}

std::string WebDavConnector::folderUrl(const std::string& folder) const {
    std::string url = base_;
    for (const auto& seg : pathSegments(folder))
        url += encodePathSegment(seg) + "/";
    return url;
}

namespace {
// PROPFIND depth 0 asking only for the resource type: is something there, and is it a folder.
HttpRequest resourceTypeRequest(const std::string& url) {
    HttpRequest propfind;
    propfind.method = "PROPFIND";
    propfind.url = url;
    propfind.headers = {"Depth: 0", "Content-Type: application/xml; charset=utf-8"};
    propfind.body = R"(<?xml version="1.0" encoding="utf-8"?><D:propfind xmlns:D="DAV:"><D:prop>)"
                    R"(<D:resourcetype/></D:prop></D:propfind>)";
    return propfind;
}
} // namespace

bool WebDavConnector::folderExists(const std::string& url, std::stop_token stop) {
    const auto r = transport_.perform(resourceTypeRequest(url), stop);
    return r.status == 207 && parseResourceProperties(r.body).isFolder;
}

void WebDavConnector::ensureFolder(const std::string& folder, std::stop_token stop) {
    std::string path;
    for (const auto& seg : pathSegments(folder)) {
        path += seg + "/";
        if (knownFolders_.contains(path))
            continue;
        HttpRequest mkcol;
        mkcol.method = "MKCOL";
        mkcol.url = folderUrl(path);
        const auto r = transport_.perform(mkcol, stop);
        // 201 created; 405 means something is there already (Apache, Nextcloud). Parallel
        // uploads race to create the same folder, and the loser may get another status (Apache
        // answers 403), so whether the folder exists now is what counts.
        if (r.status != 201 && r.status != 405 && !folderExists(mkcol.url, stop))
            throwForStatus(r, trf("Creating folder {}", path));
        knownFolders_.insert(path);
    }
}

std::vector<RemoteEntry> WebDavConnector::listFolder(const std::string& folder, std::stop_token stop) {
    return listUrl(folderUrl(folder), trf("Listing {}", folder.empty() ? "/" : folder), stop);
}

std::vector<RemoteEntry> WebDavConnector::listUrl(const std::string& url, const std::string& what,
                                                  std::stop_token stop) {
    HttpRequest propfind;
    propfind.method = "PROPFIND";
    propfind.url = url;
    propfind.headers = {"Depth: 1", "Content-Type: application/xml; charset=utf-8"};
    propfind.body = R"(<?xml version="1.0" encoding="utf-8"?><D:propfind xmlns:D="DAV:"><D:prop>)"
                    R"(<D:resourcetype/><D:getcontentlength/><D:getetag/></D:prop></D:propfind>)";
    const auto r = transport_.perform(propfind, stop);
    if (r.status != 207)
        throwForStatus(r, what);
    const auto selfPath =
        percentDecode(propfind.url.substr(propfind.url.find('/', propfind.url.find("//") + 2)));
    return parseFolderListing(r.body, selfPath);
}

std::vector<RemoteEntry> parseFolderListing(std::string_view multistatus, std::string_view selfPath) {
    std::vector<RemoteEntry> out;
    for (const auto& response : elements(multistatus, "response")) {
        auto href = percentDecode(firstElement(response, "href"));
        if (const auto scheme = href.find("//"); scheme != std::string::npos) {
            // An absolute URL: its path; "http://host" without one is the server's root.
            const auto path = href.find('/', scheme + 2);
            href = path == std::string::npos ? std::string("/") : href.substr(path);
        }
        if (href == selfPath || href + "/" == selfPath)
            continue;
        RemoteEntry e;
        e.isFolder = !elements(response, "collection").empty();
        if (!href.empty() && href.back() == '/')
            href.pop_back();
        e.name = href.substr(href.rfind('/') + 1);
        e.bytes = parseSize(firstElement(response, "getcontentlength"));
        e.etag = firstElement(response, "getetag");
        out.push_back(std::move(e));
    }
    return out;
}

RemoteEntry parseResourceProperties(std::string_view multistatus) {
    RemoteEntry e;
    e.isFolder = !elements(multistatus, "collection").empty();
    e.bytes = parseSize(firstElement(multistatus, "getcontentlength"));
    e.etag = firstElement(multistatus, "getetag");
    return e;
}

std::vector<std::string> failedPropertyStatuses(std::string_view multistatus) {
    std::vector<std::string> failed;
    for (auto& status : elements(multistatus, "status"))
        if (status.find(" 200") == std::string::npos)
            failed.push_back(std::move(status));
    return failed;
}

bool WebDavConnector::sameContent(const std::string& url, const DocumentToDeliver& document,
                                  std::stop_token stop) {
    // Read back and hash: the only proof that the file under our name is ours (an earlier,
    // interrupted run of this delivery) and not someone else's document.
    Sha256 hash;
    std::uint64_t received = 0;
    HttpRequest get;
    get.url = url;
    get.responseSink = [&](std::span<const char> data) {
        received += data.size();
        hash.update(std::as_bytes(data));
    };
    const auto r = transport_.perform(get, stop);
    if (r.status != 200)
        throwForStatus(r, trf("Reading back {}", url));
    return received == document.bytes && hash.hexDigest() == document.sha256;
}

void WebDavConnector::storeFields(const std::string& url, const DocumentToDeliver& document,
                                  std::stop_token stop) {
    std::string props;
    const auto add = [&](const std::string& name, const std::string& value) {
        const auto p = propertyName(name);
        props += "<d:" + p + ">" + xmlText(value) + "</d:" + p + ">";
    };
    add("sha256", document.sha256);
    if (!document.title.empty())
        add("title", document.title);
    for (const auto& [k, v] : document.fields)
        add("field." + k, v);
    HttpRequest patch;
    patch.method = "PROPPATCH";
    patch.url = url;
    patch.headers = {"Content-Type: application/xml; charset=utf-8"};
    patch.body =
        std::string(R"(<?xml version="1.0" encoding="utf-8"?><D:propertyupdate xmlns:D="DAV:" xmlns:d=")") +
        kDocdeskPropertyNamespace + R"("><D:set><D:prop>)" + props + "</D:prop></D:set></D:propertyupdate>";
    const auto r = transport_.perform(patch, stop);
    if (r.status != 207 && r.status != 200 && r.status != 204)
        throwForStatus(r, trf("Storing the fields of {}", document.fileName));
    // A 207 can still carry a failed property (e.g. the server refuses dead properties).
    for (const auto& status : failedPropertyStatuses(r.body))
        throw GatewayRejected(
            trf("Storing the fields of {}: the gateway answered {}.", document.fileName, status), 422);
}

std::map<std::string, std::string> WebDavConnector::fieldsOf(const std::string& url, std::stop_token stop) {
    HttpRequest propfind;
    propfind.method = "PROPFIND";
    propfind.url = url;
    propfind.headers = {"Depth: 0", "Content-Type: application/xml; charset=utf-8"};
    propfind.body =
        R"(<?xml version="1.0" encoding="utf-8"?><D:propfind xmlns:D="DAV:"><D:allprop/></D:propfind>)";
    const auto r = transport_.perform(propfind, stop);
    if (r.status != 207)
        throwForStatus(r, trf("Reading the fields of {}", url));
    return parseDocdeskProperties(r.body);
}

std::map<std::string, std::string> parseDocdeskProperties(const std::string& multistatus) {
    // Find the prefix bound to our namespace, then every element using it.
    std::map<std::string, std::string> out;
    const std::string ns = std::string("=\"") + kDocdeskPropertyNamespace + "\"";
    for (size_t at = multistatus.find(ns); at != std::string::npos; at = multistatus.find(ns, at + 1)) {
        const auto xmlns = multistatus.rfind("xmlns", at);
        if (xmlns == std::string::npos)
            continue;
        std::string prefix = multistatus.substr(xmlns + 5, at - xmlns - 5);
        if (!prefix.empty() && prefix[0] == ':')
            prefix.erase(0, 1);
        const std::string open = "<" + prefix + (prefix.empty() ? "" : ":");
        for (size_t p = multistatus.find(open); p != std::string::npos; p = multistatus.find(open, p + 1)) {
            const auto nameEnd = multistatus.find_first_of(" />", p + open.size());
            if (nameEnd == std::string::npos)
                break;
            const auto name = multistatus.substr(p + open.size(), nameEnd - p - open.size());
            const auto gt = multistatus.find('>', nameEnd);
            if (gt == std::string::npos)
                break;
            if (multistatus[gt - 1] == '/') {
                out[name] = "";
                continue;
            }
            const auto close = multistatus.find("</" + prefix + ":" + name + ">", gt);
            if (close == std::string::npos)
                continue;
            out[name] = fromControlPictures(
                xmlUnescape(std::string_view(multistatus).substr(gt + 1, close - gt - 1)));
        }
    }
    return out;
}

Delivery WebDavConnector::verify(const std::string& url, const DocumentToDeliver& document,
                                 std::stop_token stop) {
    HttpRequest propfind;
    propfind.method = "PROPFIND";
    propfind.url = url;
    propfind.headers = {"Depth: 0", "Content-Type: application/xml; charset=utf-8"};
    propfind.body = R"(<?xml version="1.0" encoding="utf-8"?><D:propfind xmlns:D="DAV:"><D:prop>)"
                    R"(<D:getcontentlength/><D:getetag/></D:prop></D:propfind>)";
    const auto r = transport_.perform(propfind, stop);
    if (r.status != 207)
        throwForStatus(r, trf("Verifying {}", document.fileName));
    const auto stored = parseResourceProperties(r.body);
    Delivery d;
    d.location = url;
    d.bytes = stored.bytes;
    d.etag = stored.etag;
    if (d.bytes != document.bytes)
        throw GatewayRejected(trf("Verifying {}: the gateway holds {} bytes, {} were sent.",
                                  document.fileName, d.bytes, document.bytes),
                              502);
    return d;
}

long WebDavConnector::putChunked(const std::string& url, const DocumentToDeliver& document,
                                 std::stop_token stop, const TransferProgress& progress) {
    // Nextcloud cannot refuse an existing target the way "If-None-Match: *" does for a PUT until
    // the MOVE ("Overwrite: F"), so look first and spare sending the chunks.
    if (const auto r = transport_.perform(resourceTypeRequest(url), stop); r.status == 207)
        return 412;
    else if (r.status != 404)
        throwForStatus(r, trf("Uploading {}", document.fileName));

    // The same document always gets the same upload folder: a resumed upload finds its chunks.
    const std::string uploadUrl = uploadsUrl_ + "docdesk-" + document.sha256.substr(0, 32) + "/";
    HttpRequest mkcol;
    mkcol.method = "MKCOL";
    mkcol.url = uploadUrl;
    mkcol.headers = {"Destination: " + url};
    const auto made = transport_.perform(mkcol, stop);
    std::map<std::string, std::uint64_t> present;
    if (made.status == 405) {
        for (const auto& e : listUrl(uploadUrl, trf("Resuming the upload of {}", document.fileName), stop))
            if (!e.isFolder)
                present[e.name] = e.bytes;
    } else if (made.status != 201) {
        throwForStatus(made, trf("Starting the chunked upload of {}", document.fileName));
    }

    const std::uint64_t chunks = (document.bytes + chunked_.chunkSize - 1) / chunked_.chunkSize;
    if (chunks > 10'000)
        throw GatewayRejected(
            trf("Uploading {}: the file needs more than 10000 chunks; raise the chunk size.",
                document.fileName),
            413);
    for (std::uint64_t i = 0; i < chunks; ++i) {
        const std::uint64_t offset = i * chunked_.chunkSize;
        const std::uint64_t length = std::min(chunked_.chunkSize, document.bytes - offset);
        char number[8];
        std::snprintf(number, sizeof number, "%05llu", static_cast<unsigned long long>(i + 1));
        if (const auto it = present.find(number); it != present.end() && it->second == length) {
            if (progress)
                progress(offset + length, document.bytes);
            continue; // sent by an earlier, interrupted run
        }
        HttpRequest put;
        put.method = "PUT";
        put.url = uploadUrl + number;
        put.bodyFile = document.file;
        put.bodyOffset = offset;
        put.bodyLength = length;
        put.headers = {"Destination: " + url, "OC-Total-Length: " + std::to_string(document.bytes),
                       "Content-Type: application/octet-stream"};
        const TransferProgress chunkProgress = [&](std::uint64_t sent, std::uint64_t) {
            if (progress)
                progress(offset + sent, document.bytes);
        };
        const auto r = transport_.perform(put, stop, chunkProgress);
        if (r.status != 201 && r.status != 204 && r.status != 200)
            throwForStatus(r, trf("Uploading part {} of {}", i + 1, document.fileName));
    }

    HttpRequest move;
    move.method = "MOVE";
    move.url = uploadUrl + ".file";
    move.headers = {"Destination: " + url, "Overwrite: F",
                    "OC-Total-Length: " + std::to_string(document.bytes)};
    const auto r = transport_.perform(move, stop);
    if (r.status == 412)
        return 412;
    if (r.status != 201 && r.status != 204)
        throwForStatus(r, trf("Assembling {} on the gateway", document.fileName));
    return r.status;
}

Delivery WebDavConnector::deliver(const DocumentToDeliver& document, std::stop_token stop,
                                  const TransferProgress& progress) {
    ensureFolder(document.remoteFolder, stop);
    const std::string folder = folderUrl(document.remoteFolder);
    constexpr int kMaxNames = 100;
    for (int n = 1; n <= kMaxNames; ++n) {
        const std::string url = folder + encodePathSegment(numberedPath(document.fileName, n).string());
        HttpResponse r;
        if (!uploadsUrl_.empty() && document.bytes >= chunked_.threshold) {
            r.status = putChunked(url, document, stop, progress);
        } else {
            HttpRequest put;
            put.method = "PUT";
            put.url = url;
            put.bodyFile = document.file;
            // Never replace anything on the server; a taken name is answered with 412.
            put.headers = {"If-None-Match: *", "Content-Type: application/octet-stream"};
            r = transport_.perform(put, stop, progress);
        }
        if (r.status == 412) {
            if (!sameContent(url, document, stop))
                continue; // someone else's document: next name
        } else if (r.status != 201 && r.status != 204 && r.status != 200) {
            throwForStatus(r, trf("Uploading {}", document.fileName));
        }
        storeFields(url, document, stop);
        return verify(url, document, stop);
    }
    throw GatewayRejected(
        trf("Uploading {}: {} names in a row are taken on the gateway.", document.fileName, kMaxNames), 412);
}

} // namespace docdesk::gateway
