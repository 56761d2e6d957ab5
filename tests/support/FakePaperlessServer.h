#pragma once
// A fake paperless-ngx (no real paperless runs) on FakeHttpServer, answering the part of the
// REST API the HTTP form connector uses, as paperless-ngx documents it (docs/api.md, "POST
// /api/documents/post_document/", "Tasks", "Filtering" and "GET /api/documents/<id>/metadata/"):
//   POST /api/documents/post_document/  multipart: document, title, created, tags (repeated),
//        archive_serial_number, correspondent, document_type, storage_path
//        -> 200 with the task's UUID as a JSON string
//   GET  /api/tasks/?task_id=<uuid>     -> [ {task_id, task_file_name, status (PENDING, STARTED,
//        SUCCESS, FAILURE), result, related_document, ...} ]
//   GET  /api/documents/?checksum__iexact=<md5> -> {count, next, previous, results: [{id, title,...}]}
//   GET  /api/documents/<id>/metadata/  -> {original_checksum (MD5), original_size, original_filename, ...}
// Every request needs "Authorization: Token <token>" (else 401 {"detail": ...}). Like paperless,
// a file whose MD5 is already stored fails its task with "... It is a duplicate of ...".
// Tests can make tasks stay STARTED for a few polls, fail, drop the answer to a post after the
// document was stored, or answer 503 with Retry-After.
#include "tests/support/FakeHttpServer.h"

#include <memory>

namespace docdesk::test {

struct FakePaperlessDocument {
    int id = 0;
    std::string title;
    std::string created;
    std::vector<std::string> tags;
    std::string asn;
    std::string correspondent;
    std::string documentType;
    std::string originalFileName;
    std::string md5;
    std::string sha256;
    std::uint64_t bytes = 0;
};

class FakePaperlessServer {
  public:
    explicit FakePaperlessServer(std::string token = "s3cr3t-token");

    std::string url() const { return http_->url(); }
    const FakeHttpServer& http() const { return *http_; }
    std::vector<FakePaperlessDocument> documents() const;

    // How the next tasks behave (set before the upload).
    void setPollsUntilDone(int polls);                 // polls a task stays STARTED
    void failNextTasks(int count, std::string reason); // FAILURE with `reason`
    void dropNextPostAnswers(int count);               // store, then close without answering
    void answerNextPosts(int count, int status, std::string extraHeader = {}); // e.g. 503 + Retry-After
    // The next `count` checksum lookups find nothing, as while paperless is still consuming.
    void hideFromChecksumLookups(int count);
    int postCount() const;

  private:
    FakeHttpResponse handle(const FakeHttpRequest& request);

    struct Task {
        std::string id;
        std::string fileName;
        std::string status;
        std::string result;
        int documentId = 0;
        int pollsLeft = 0;
    };
    struct State;
    std::shared_ptr<State> state_;
    std::unique_ptr<FakeHttpServer> http_;
};

} // namespace docdesk::test
