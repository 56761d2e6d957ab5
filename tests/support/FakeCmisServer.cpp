#include "tests/support/FakeCmisServer.h"

#include <algorithm>
#include <mutex>
#include <nlohmann/json.hpp>

namespace docdesk::test {

using nlohmann::json;

namespace {

const std::string kRoot = "/cmis/browser/repo1/root";

FakeHttpResponse cmisError(int status, const std::string& exception, const std::string& message) {
    return FakeHttpResponse::json(status, json{{"exception", exception}, {"message", message}}.dump());
}

std::vector<std::string> split(const std::string& path) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= path.size()) {
        const auto end = path.find('/', start);
        auto seg = path.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (!seg.empty())
            out.push_back(seg);
        if (end == std::string::npos)
            break;
        start = end + 1;
    }
    return out;
}

} // namespace

struct FakeCmisServer::State {
    std::string user, password;
    mutable std::mutex mutex;
    std::vector<FakeCmisObject> objects; // objects[0] is the root folder
    int nextId = 1;
    int dropCreates = 0;
    int answerCreates = 0;
    int answerStatus = 0;
    std::string retryAfter;
    int creates = 0;
    std::string baseUrl;

    const FakeCmisObject* find(const std::string& path) const {
        const FakeCmisObject* current = &objects[0];
        for (const auto& seg : split(path)) {
            const auto it = std::find_if(objects.begin(), objects.end(),
                                         [&](auto& o) { return o.parentId == current->id && o.name == seg; });
            if (it == objects.end())
                return nullptr;
            current = &*it;
        }
        return current;
    }

    FakeCmisObject& add(const FakeCmisObject& parent, FakeCmisObject o) {
        o.id = "obj-" + std::to_string(nextId++);
        o.parentId = parent.id;
        objects.push_back(std::move(o));
        return objects.back();
    }

    json toJson(const FakeCmisObject& o) const {
        json p = {{"cmis:objectId", o.id},
                  {"cmis:name", o.name},
                  {"cmis:baseTypeId", o.isFolder ? "cmis:folder" : "cmis:document"},
                  {"cmis:objectTypeId", o.objectTypeId},
                  {"cmis:description", o.description},
                  {"cmis:changeToken", "1"},
                  {"cmis:secondaryObjectTypeIds", o.secondaryTypes}};
        if (!o.isFolder) {
            p["cmis:contentStreamLength"] = o.content.size();
            p["cmis:contentStreamFileName"] = o.name;
        }
        for (const auto& [k, v] : o.properties)
            p[k] = v;
        return {{"succinctProperties", p}};
    }
};

FakeCmisServer::FakeCmisServer(std::string user, std::string password) : state_(std::make_shared<State>()) {
    state_->user = std::move(user);
    state_->password = std::move(password);
    FakeCmisObject root;
    root.id = "root-id";
    root.isFolder = true;
    root.objectTypeId = "cmis:folder";
    state_->objects.push_back(root);
    http_ = std::make_unique<FakeHttpServer>([state = state_](const FakeHttpRequest& r) -> FakeHttpResponse {
        auto& s = *state;
        std::lock_guard lock(s.mutex);
        const auto auth = r.header("authorization");
        if (!auth.starts_with("Basic ") || fakeBase64Decode(auth.substr(6)) != s.user + ":" + s.password) {
            auto response = cmisError(401, "permissionDenied", "Authentication required");
            response.headers.emplace_back("WWW-Authenticate", "Basic realm=\"fake cmis\"");
            return response;
        }
        if (r.method == "GET" && (r.path == "/cmis/browser" || r.path == "/cmis/browser/")) {
            const std::string base = s.baseUrl + "cmis/browser/repo1";
            return FakeHttpResponse::json(200, json{{"repo1",
                                                     {{"repositoryId", "repo1"},
                                                      {"repositoryName", "Fake repository"},
                                                      {"cmisVersionSupported", "1.1"},
                                                      {"rootFolderId", "root-id"},
                                                      {"repositoryUrl", base},
                                                      {"rootFolderUrl", base + "/root"}}}}
                                                   .dump());
        }
        if (!r.path.starts_with(kRoot))
            return cmisError(404, "objectNotFound", "No such repository");
        const std::string path = r.path.substr(kRoot.size());
        const FakeCmisObject* object = s.find(path);
        if (!object)
            return cmisError(404, "objectNotFound", "No object at " + path);

        if (r.method == "GET") {
            const auto selector = r.queryValue("cmisselector");
            if (selector == "object")
                return FakeHttpResponse::json(200, s.toJson(*object).dump());
            if (selector == "children") {
                if (!object->isFolder)
                    return cmisError(400, "invalidArgument", "Not a folder");
                std::vector<const FakeCmisObject*> kids;
                for (const auto& o : s.objects)
                    if (o.parentId == object->id)
                        kids.push_back(&o);
                std::sort(kids.begin(), kids.end(), [](auto* a, auto* b) { return a->name < b->name; });
                const size_t maxItems =
                    r.queryValue("maxItems").empty() ? 100 : std::stoul(r.queryValue("maxItems"));
                const size_t skip =
                    r.queryValue("skipCount").empty() ? 0 : std::stoul(r.queryValue("skipCount"));
                json objects = json::array();
                for (size_t i = skip; i < kids.size() && i < skip + maxItems; ++i)
                    objects.push_back({{"object", s.toJson(*kids[i])}});
                const json page = {{"objects", objects},
                                   {"hasMoreItems", skip + maxItems < kids.size()},
                                   {"numItems", kids.size()}};
                return FakeHttpResponse::json(200, page.dump());
            }
            return cmisError(400, "notSupported", "Selector not supported by the fake: " + selector);
        }
        if (r.method != "POST")
            return cmisError(405, "notSupported", "Method not supported");

        // Properties from propertyId[i] / propertyValue[i] / propertyValue[i][j].
        std::map<std::string, std::vector<std::string>> properties;
        for (int i = 0; i < 100; ++i) {
            const auto* id = r.part("propertyId[" + std::to_string(i) + "]");
            if (!id)
                break;
            auto& values = properties[id->data];
            if (const auto* v = r.part("propertyValue[" + std::to_string(i) + "]"))
                values.push_back(v->data);
            for (int j = 0; j < 100; ++j) {
                const auto* v = r.part("propertyValue[" + std::to_string(i) + "][" + std::to_string(j) + "]");
                if (!v)
                    break;
                values.push_back(v->data);
            }
        }
        const auto first = [&](const std::string& name) {
            const auto it = properties.find(name);
            return it == properties.end() || it->second.empty() ? std::string() : it->second[0];
        };
        const auto* action = r.part("cmisaction");
        const std::string cmisaction = action ? action->data : "";
        if (cmisaction != "createFolder" && cmisaction != "createDocument")
            return cmisError(400, "notSupported", "cmisaction not supported by the fake: " + cmisaction);
        if (!object->isFolder)
            return cmisError(400, "invalidArgument", "Target is not a folder");
        const auto name = first("cmis:name");
        if (name.empty() || name.find('/') != std::string::npos)
            return cmisError(400, "invalidArgument", "Invalid cmis:name");
        FakeCmisObject created;
        created.name = name;
        created.isFolder = cmisaction == "createFolder";
        created.objectTypeId = first("cmis:objectTypeId");
        if (created.objectTypeId != (created.isFolder ? "cmis:folder" : "cmis:document"))
            return cmisError(400, "constraint", "Unknown object type " + created.objectTypeId);
        created.description = first("cmis:description");
        if (properties.contains("cmis:secondaryObjectTypeIds"))
            created.secondaryTypes = properties["cmis:secondaryObjectTypeIds"];
        for (const auto& [k, v] : properties) {
            if (k.starts_with("cmis:"))
                continue;
            const bool defined =
                k == "cm:title" && std::find(created.secondaryTypes.begin(), created.secondaryTypes.end(),
                                             "P:cm:titled") != created.secondaryTypes.end();
            if (!defined)
                return cmisError(400, "constraint",
                                 "Property " + k + " is not defined by the object's types");
            created.properties[k] = v.empty() ? "" : v[0];
        }
        if (!created.isFolder) {
            ++s.creates;
            if (s.answerCreates > 0) {
                --s.answerCreates;
                auto response = cmisError(s.answerStatus, "runtime", "Injected by the test");
                if (!s.retryAfter.empty())
                    response.headers.emplace_back("Retry-After", s.retryAfter);
                return response;
            }
            const auto* content = r.part("content");
            if (!content)
                return cmisError(400, "constraint", "This fake's cmis:document requires content");
            created.content = content->data;
        }
        for (const auto& o : s.objects)
            if (o.parentId == object->id && o.name == name)
                return cmisError(409, "nameConstraintViolation",
                                 "An object named " + name + " already exists");
        const auto& stored = s.add(*object, std::move(created));
        if (!stored.isFolder && s.dropCreates > 0) {
            --s.dropCreates;
            return FakeHttpResponse::dropped();
        }
        return FakeHttpResponse::json(201, s.toJson(stored).dump());
    });
    state_->baseUrl = http_->url();
}

FakeCmisServer::~FakeCmisServer() = default;

std::string FakeCmisServer::url() const {
    return http_->url() + "cmis/browser";
}

std::optional<FakeCmisObject> FakeCmisServer::objectAt(const std::string& path) const {
    std::lock_guard lock(state_->mutex);
    const auto* o = state_->find(path);
    return o ? std::optional<FakeCmisObject>(*o) : std::nullopt;
}

std::vector<FakeCmisObject> FakeCmisServer::documents() const {
    std::lock_guard lock(state_->mutex);
    std::vector<FakeCmisObject> out;
    for (const auto& o : state_->objects)
        if (!o.isFolder)
            out.push_back(o);
    return out;
}

void FakeCmisServer::addDocument(const std::string& folderPath, const std::string& name,
                                 const std::string& content) {
    std::lock_guard lock(state_->mutex);
    const auto* parent = state_->find(folderPath);
    if (!parent)
        throw std::runtime_error("fake CMIS: no folder " + folderPath);
    FakeCmisObject o;
    o.name = name;
    o.objectTypeId = "cmis:document";
    o.content = content;
    state_->add(*parent, std::move(o));
}

void FakeCmisServer::addFolder(const std::string& parentPath, const std::string& name) {
    std::lock_guard lock(state_->mutex);
    const auto* parent = state_->find(parentPath);
    if (!parent)
        throw std::runtime_error("fake CMIS: no folder " + parentPath);
    FakeCmisObject o;
    o.name = name;
    o.isFolder = true;
    o.objectTypeId = "cmis:folder";
    state_->add(*parent, std::move(o));
}

void FakeCmisServer::dropNextCreateAnswers(int count) {
    std::lock_guard lock(state_->mutex);
    state_->dropCreates = count;
}

void FakeCmisServer::answerNextCreates(int count, int status, std::string retryAfter) {
    std::lock_guard lock(state_->mutex);
    state_->answerCreates = count;
    state_->answerStatus = status;
    state_->retryAfter = std::move(retryAfter);
}

int FakeCmisServer::createDocumentCount() const {
    std::lock_guard lock(state_->mutex);
    return state_->creates;
}

} // namespace docdesk::test
