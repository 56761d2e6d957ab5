#include "tests/support/FakePaperlessServer.h"

#include "core/common/Md5.h"
#include "core/common/Sha256.h"

#include <mutex>
#include <nlohmann/json.hpp>

namespace docdesk::test {

using nlohmann::json;

struct FakePaperlessServer::State {
    std::string token;
    mutable std::mutex mutex;
    std::vector<FakePaperlessDocument> documents;
    std::vector<Task> tasks;
    int pollsUntilDone = 0;
    int failTasks = 0;
    std::string failReason;
    int dropPosts = 0;
    int answerPosts = 0;
    int answerStatus = 0;
    std::string answerHeader;
    int posts = 0;
    int hideLookups = 0;
    int nextTask = 1;
};

FakePaperlessServer::FakePaperlessServer(std::string token) : state_(std::make_shared<State>()) {
    state_->token = std::move(token);
    http_ = std::make_unique<FakeHttpServer>([this](const FakeHttpRequest& r) { return handle(r); });
}

std::vector<FakePaperlessDocument> FakePaperlessServer::documents() const {
    std::lock_guard lock(state_->mutex);
    return state_->documents;
}

void FakePaperlessServer::setPollsUntilDone(int polls) {
    std::lock_guard lock(state_->mutex);
    state_->pollsUntilDone = polls;
}

void FakePaperlessServer::failNextTasks(int count, std::string reason) {
    std::lock_guard lock(state_->mutex);
    state_->failTasks = count;
    state_->failReason = std::move(reason);
}

void FakePaperlessServer::dropNextPostAnswers(int count) {
    std::lock_guard lock(state_->mutex);
    state_->dropPosts = count;
}

void FakePaperlessServer::answerNextPosts(int count, int status, std::string extraHeader) {
    std::lock_guard lock(state_->mutex);
    state_->answerPosts = count;
    state_->answerStatus = status;
    state_->answerHeader = std::move(extraHeader);
}

void FakePaperlessServer::hideFromChecksumLookups(int count) {
    std::lock_guard lock(state_->mutex);
    state_->hideLookups = count;
}

int FakePaperlessServer::postCount() const {
    std::lock_guard lock(state_->mutex);
    return state_->posts;
}

FakeHttpResponse FakePaperlessServer::handle(const FakeHttpRequest& request) {
    auto& s = *state_;
    std::lock_guard lock(s.mutex);
    if (request.header("authorization") != "Token " + s.token)
        return FakeHttpResponse::json(401, R"({"detail":"Invalid token."})");

    if (request.method == "POST" && request.path == "/api/documents/post_document/") {
        ++s.posts;
        if (s.answerPosts > 0) {
            --s.answerPosts;
            auto r = FakeHttpResponse::text(s.answerStatus, "busy");
            if (!s.answerHeader.empty())
                r.headers.emplace_back(s.answerHeader.substr(0, s.answerHeader.find(':')),
                                       s.answerHeader.substr(s.answerHeader.find(':') + 2));
            return r;
        }
        const auto* document = request.part("document");
        if (!document || document->fileName.empty())
            return FakeHttpResponse::json(400, R"({"document":["No file was submitted."]})");
        for (const char* idField :
             {"correspondent", "document_type", "storage_path", "archive_serial_number"})
            if (const auto* p = request.part(idField);
                p && (p->data.empty() || p->data.find_first_not_of("0123456789") != std::string::npos))
                return FakeHttpResponse::json(400, json{{idField, {"A valid integer is required."}}}.dump());
        Task task;
        task.id = "b8e6c1d2-0000-4000-8000-" + std::to_string(100000000000 + s.nextTask++);
        task.fileName = document->fileName;
        task.pollsLeft = s.pollsUntilDone;
        const auto md5 = md5Hex(std::as_bytes(std::span(document->data)));
        const auto duplicate =
            std::find_if(s.documents.begin(), s.documents.end(), [&](auto& d) { return d.md5 == md5; });
        if (s.failTasks > 0) {
            --s.failTasks;
            task.status = "FAILURE";
            task.result = s.failReason;
        } else if (duplicate != s.documents.end()) {
            task.status = "FAILURE";
            task.result = "Not consuming " + document->fileName + ": It is a duplicate of " +
                          duplicate->title + " (#" + std::to_string(duplicate->id) + ").";
        } else {
            // Consumed right away here; the task still reports STARTED for `pollsLeft` polls.
            FakePaperlessDocument d;
            d.id = int(s.documents.size()) + 1;
            const auto* title = request.part("title");
            d.title = title ? title->data : document->fileName;
            if (const auto* p = request.part("created"))
                d.created = p->data;
            d.tags = request.partValues("tags");
            if (const auto* p = request.part("archive_serial_number"))
                d.asn = p->data;
            if (const auto* p = request.part("correspondent"))
                d.correspondent = p->data;
            if (const auto* p = request.part("document_type"))
                d.documentType = p->data;
            d.originalFileName = document->fileName;
            d.md5 = md5;
            d.sha256 = sha256Hex(std::as_bytes(std::span(document->data)));
            d.bytes = document->data.size();
            s.documents.push_back(d);
            task.status = "SUCCESS";
            task.result = "Success. New document id " + std::to_string(d.id) + " created";
            task.documentId = d.id;
        }
        s.tasks.push_back(task);
        if (s.dropPosts > 0) {
            --s.dropPosts;
            return FakeHttpResponse::dropped();
        }
        return FakeHttpResponse::json(200, json(task.id).dump());
    }

    if (request.method == "GET" && request.path == "/api/tasks/") {
        json list = json::array();
        for (auto& t : s.tasks) {
            if (t.id != request.queryValue("task_id"))
                continue;
            const bool running = t.pollsLeft > 0;
            if (running)
                --t.pollsLeft;
            list.push_back({{"id", 1},
                            {"task_id", t.id},
                            {"task_name", "consume_file"},
                            {"task_file_name", t.fileName},
                            {"date_created", "2026-01-02T10:00:00Z"},
                            {"date_done", running ? json(nullptr) : json("2026-01-02T10:00:05Z")},
                            {"type", "file"},
                            {"status", running ? "STARTED" : t.status},
                            {"result", running ? json(nullptr) : json(t.result)},
                            {"acknowledged", false},
                            {"related_document",
                             !running && t.documentId ? json(std::to_string(t.documentId)) : json(nullptr)}});
        }
        return FakeHttpResponse::json(200, list.dump());
    }

    if (request.method == "GET" && request.path == "/api/documents/") {
        json results = json::array();
        const auto checksum = request.queryValue("checksum__iexact");
        const bool hide = !checksum.empty() && s.hideLookups > 0;
        if (hide)
            --s.hideLookups;
        for (const auto& d : s.documents)
            if (!hide && (checksum.empty() || d.md5 == checksum))
                results.push_back(
                    {{"id", d.id}, {"title", d.title}, {"original_file_name", d.originalFileName}});
        return FakeHttpResponse::json(
            200,
            json{{"count", results.size()}, {"next", nullptr}, {"previous", nullptr}, {"results", results}}
                .dump());
    }

    const std::string prefix = "/api/documents/";
    if (request.method == "GET" && request.path.starts_with(prefix) && request.path.ends_with("/metadata/")) {
        const auto id = request.path.substr(prefix.size(), request.path.size() - prefix.size() - 10);
        for (const auto& d : s.documents)
            if (std::to_string(d.id) == id)
                return FakeHttpResponse::json(200, json{{"original_checksum", d.md5},
                                                        {"original_size", d.bytes},
                                                        {"original_mime_type", "application/pdf"},
                                                        {"media_filename", d.originalFileName},
                                                        {"has_archive_version", false},
                                                        {"original_metadata", json::array()},
                                                        {"original_filename", d.originalFileName}}
                                                       .dump());
        return FakeHttpResponse::json(404, R"({"detail":"No Document matches the given query."})");
    }
    return FakeHttpResponse::json(404, R"({"detail":"Not found."})");
}

} // namespace docdesk::test
