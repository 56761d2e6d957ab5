#pragma once
// HTTP form upload as paperless-ngx takes it (docs: paperless-ngx "REST API", sections
// "POST /api/documents/post_document/" and "Tasks"): one multipart POST with the file in the
// part `document` and the metadata beside it (`title`, `created`, repeated `tags`,
// `archive_serial_number`, `correspondent`, `document_type`, `storage_path`), authenticated by
// "Authorization: Token <token>" (the profile's password is the token; the user name is not
// used). The answer is a task id; the document exists only once the task succeeded, so the
// connector polls GET /api/tasks/?task_id=<id> (bounded) and then verifies the stored original
// by /api/documents/<id>/metadata/ (original_size and the MD5 original_checksum).
//
// Repeating a delivery is safe: paperless identifies documents by the MD5 of the original, so
// before posting, GET /api/documents/?checksum__iexact=<md5> looks for an earlier copy (each
// candidate confirmed by its metadata, so a server ignoring the filter cannot fool it), and a
// task that fails as a "duplicate" counts as delivered when that lookup finds the document.
//
// Fields the connector understands (all optional): created (YYYY-MM-DD), tags (comma-separated
// tag ids), asn, correspondent, document_type, storage_path (ids). Other fields are not sent.
#include "core/gateway/Connector.h"

#include <chrono>
#include <optional>
#include <vector>

namespace docdesk::gateway {

struct TaskPolling {
    int maxPolls = 90;
    std::chrono::milliseconds firstDelay{250};
    std::chrono::milliseconds maxDelay{2'000};
    std::chrono::seconds maxWait{120};
};

// The readers of paperless' answers, apart from the requests so that they are tested and
// fuzzed on their own (tests/fuzz/fuzz_paperless_answer.cpp). They take whatever a server sends.
struct PaperlessOriginal {
    std::uint64_t bytes = 0;
    std::string md5;
};
// The stored original of a /api/documents/<id>/metadata/ answer; nullopt when it is none.
std::optional<PaperlessOriginal> parsePaperlessMetadata(const std::string& body);
// The document ids of a /api/documents/ list; nullopt when the answer is no such list.
std::optional<std::vector<std::string>> parsePaperlessDocumentIds(const std::string& body);
struct PaperlessTask {
    std::string status;          // PENDING, STARTED, SUCCESS, FAILURE, REVOKED...
    std::string result;          // paperless' message
    std::string relatedDocument; // the id of the document created (as text), or empty
};
// The task `taskId` in a /api/tasks/ answer (a list, or a paginated one); nullopt when absent.
std::optional<PaperlessTask> parsePaperlessTask(const std::string& body, const std::string& taskId);
// The task id of a post_document answer (a JSON string, or {"task_id": ...}); empty when none.
std::string parsePaperlessTaskId(const std::string& body);

class HttpFormConnector : public Connector {
  public:
    explicit HttpFormConnector(GatewayConnection connection, TaskPolling polling = {});

    Delivery deliver(const DocumentToDeliver& document, std::stop_token stop,
                     const TransferProgress& progress) override;
    HttpTransport& transport() override { return transport_; }

    // The id of the document whose original has MD5 `md5`, or nullopt.
    std::optional<std::string> findByChecksum(const std::string& md5, std::stop_token stop);
    // One authenticated request (Test connection); returns the status, throws GatewayRejected
    // for a refused token.
    long checkLogin(std::stop_token stop);
    std::string apiUrl(const std::string& path) const; // base + "api/" + path

  private:
    using StoredOriginal = PaperlessOriginal;
    HttpRequest request(const std::string& path) const;
    std::optional<StoredOriginal> metadataOf(const std::string& id, std::stop_token stop);
    Delivery verify(const std::string& id, const DocumentToDeliver& document, const std::string& md5,
                    std::stop_token stop);
    // The task's document id, or nullopt when it failed as a duplicate. Throws for other failures.
    std::optional<std::string> waitForTask(const std::string& taskId, const DocumentToDeliver& document,
                                           std::stop_token stop);

    HttpTransport transport_;
    std::string base_;
    TaskPolling polling_;
    std::map<std::string, std::string> pendingTasks_; // sha256 -> task id posted in this run
};

} // namespace docdesk::gateway
