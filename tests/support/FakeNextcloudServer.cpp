#include "tests/support/FakeNextcloudServer.h"

#include <algorithm>
#include <mutex>

namespace docdesk::test {
namespace {

const std::string kDav = "/remote.php/dav/";

struct Entry {
    bool folder = false;
    std::string content;
    int version = 1;
};

std::string parentOf(const std::string& path) {
    const auto slash = path.rfind('/');
    return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

std::string encodeHref(const std::string& path) {
    static const char hex[] = "0123456789ABCDEF";
    std::string out;
    for (const unsigned char c : path) {
        if (std::isalnum(c) || c == '/' || c == '-' || c == '.' || c == '_' || c == '~') {
            out += char(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

FakeHttpResponse status(int code) {
    return FakeHttpResponse::text(code, "");
}

} // namespace

struct FakeNextcloudServer::State {
    std::string user, password;
    mutable std::mutex mutex;
    std::map<std::string, Entry> entries; // decoded paths without trailing slash
    int dropChunk = 0;
    int dropMoves = 0;

    std::string propEntry(const std::string& path, const Entry& e) const {
        std::string href = encodeHref(path) + (e.folder ? "/" : "");
        std::string xml = "<d:response><d:href>" + href + "</d:href><d:propstat><d:prop>";
        xml += e.folder ? "<d:resourcetype><d:collection/></d:resourcetype>" : "<d:resourcetype/>";
        if (!e.folder)
            xml += "<d:getcontentlength>" + std::to_string(e.content.size()) + "</d:getcontentlength>";
        xml += "<d:getetag>\"v" + std::to_string(e.version) + "-" + std::to_string(e.content.size()) +
               "\"</d:getetag></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>";
        return xml;
    }
};

FakeNextcloudServer::FakeNextcloudServer(std::string user, std::string password)
    : state_(std::make_shared<State>()) {
    state_->user = user;
    state_->password = std::move(password);
    state_->entries[kDav + "files/" + user] = Entry{true, {}, 1};
    state_->entries[kDav + "uploads/" + user] = Entry{true, {}, 1};
    http_ = std::make_unique<FakeHttpServer>([state = state_](const FakeHttpRequest& r) -> FakeHttpResponse {
        auto& s = *state;
        std::lock_guard lock(s.mutex);
        const auto auth = r.header("authorization");
        if (!auth.starts_with("Basic ") || fakeBase64Decode(auth.substr(6)) != s.user + ":" + s.password) {
            auto response = status(401);
            response.headers.emplace_back("WWW-Authenticate", "Basic realm=\"fake nextcloud\"");
            return response;
        }
        std::string path = r.path;
        while (path.size() > 1 && path.back() == '/')
            path.pop_back();
        const std::string uploads = kDav + "uploads/" + s.user + "/";
        const bool inUploads = path.starts_with(uploads);
        const auto it = s.entries.find(path);
        const bool exists = it != s.entries.end();

        if (r.method == "MKCOL") {
            if (exists)
                return status(405);
            const auto parent = s.entries.find(parentOf(path));
            if (parent == s.entries.end() || !parent->second.folder)
                return status(409);
            if (inUploads && r.header("destination").empty())
                return status(400); // v2 names the target when the upload starts
            s.entries[path] = Entry{true, {}, 1};
            return status(201);
        }
        if (r.method == "PUT") {
            const auto parent = s.entries.find(parentOf(path));
            if (parent == s.entries.end() || !parent->second.folder)
                return status(409);
            if (inUploads) {
                const auto name = path.substr(path.rfind('/') + 1);
                if (r.header("destination").empty() ||
                    name.find_first_not_of("0123456789") != std::string::npos || std::stoi(name) < 1 ||
                    std::stoi(name) > 10000)
                    return status(400);
                if (s.dropChunk == std::stoi(name)) {
                    s.dropChunk = 0;
                    return FakeHttpResponse::dropped();
                }
            } else if (exists && r.header("if-none-match") == "*") {
                return status(412);
            }
            s.entries[path] = Entry{false, r.body, exists ? it->second.version + 1 : 1};
            return status(exists ? 204 : 201);
        }
        if (r.method == "GET") {
            if (!exists || it->second.folder)
                return status(404);
            return FakeHttpResponse::text(200, it->second.content);
        }
        if (r.method == "PROPFIND") {
            if (!exists)
                return status(404);
            std::string xml =
                R"(<?xml version="1.0"?><d:multistatus xmlns:d="DAV:">)" + s.propEntry(path, it->second);
            if (it->second.folder && r.header("depth") == "1")
                for (const auto& [p, e] : s.entries)
                    if (parentOf(p) == path)
                        xml += s.propEntry(p, e);
            xml += "</d:multistatus>";
            auto response = FakeHttpResponse::text(207, xml);
            response.headers = {{"Content-Type", "application/xml; charset=utf-8"}};
            return response;
        }
        if (r.method == "PROPPATCH") {
            if (!exists)
                return status(404);
            auto response = FakeHttpResponse::text(
                207, R"(<?xml version="1.0"?><d:multistatus xmlns:d="DAV:"><d:response><d:href>)" +
                         encodeHref(path) +
                         R"(</d:href><d:propstat><d:prop/><d:status>HTTP/1.1 200 OK</d:status></d:propstat>)"
                         R"(</d:response></d:multistatus>)");
            return response;
        }
        if (r.method == "MOVE" && inUploads && path.ends_with("/.file")) {
            const auto folder = parentOf(path);
            if (!s.entries.contains(folder))
                return status(404);
            auto destination = r.header("destination");
            if (const auto scheme = destination.find("//"); scheme != std::string::npos)
                destination = destination.substr(destination.find('/', scheme + 2));
            destination = fakePercentDecode(destination, false);
            if (!destination.starts_with(kDav + "files/" + s.user + "/"))
                return status(400);
            if (s.entries.contains(destination) && r.header("overwrite") == "F")
                return status(412);
            const auto parent = s.entries.find(parentOf(destination));
            if (parent == s.entries.end() || !parent->second.folder)
                return status(409);
            std::vector<std::pair<int, std::string>> chunks;
            for (const auto& [p, e] : s.entries)
                if (parentOf(p) == folder)
                    chunks.emplace_back(std::stoi(p.substr(p.rfind('/') + 1)), e.content);
            std::sort(chunks.begin(), chunks.end());
            std::string content;
            for (const auto& c : chunks)
                content += c.second;
            if (r.header("oc-total-length") != std::to_string(content.size()))
                return status(400);
            const bool replaced = s.entries.contains(destination);
            s.entries[destination] = Entry{false, std::move(content), 1};
            for (auto e = s.entries.begin(); e != s.entries.end();)
                e = (e->first == folder || parentOf(e->first) == folder) ? s.entries.erase(e) : std::next(e);
            if (s.dropMoves > 0) {
                --s.dropMoves;
                return FakeHttpResponse::dropped();
            }
            return status(replaced ? 204 : 201);
        }
        return status(405);
    });
}

FakeNextcloudServer::~FakeNextcloudServer() = default;

std::string FakeNextcloudServer::filesUrl() const {
    return http_->url() + "remote.php/dav/files/" + state_->user + "/";
}

std::optional<std::string> FakeNextcloudServer::file(const std::string& path) const {
    std::lock_guard lock(state_->mutex);
    const auto it = state_->entries.find(kDav + "files/" + state_->user + "/" + path);
    if (it == state_->entries.end() || it->second.folder)
        return std::nullopt;
    return it->second.content;
}

size_t FakeNextcloudServer::uploadFolders() const {
    std::lock_guard lock(state_->mutex);
    const std::string root = kDav + "uploads/" + state_->user;
    return size_t(std::count_if(state_->entries.begin(), state_->entries.end(),
                                [&](auto& e) { return parentOf(e.first) == root; }));
}

void FakeNextcloudServer::dropChunkPut(int chunkNumber) {
    std::lock_guard lock(state_->mutex);
    state_->dropChunk = chunkNumber;
}

void FakeNextcloudServer::dropNextMoveAnswers(int count) {
    std::lock_guard lock(state_->mutex);
    state_->dropMoves = count;
}

} // namespace docdesk::test
