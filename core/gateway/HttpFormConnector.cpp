#include "core/gateway/HttpFormConnector.h"

#include "core/common/Md5.h"
#include "core/common/Translate.h"
#include "core/gateway/RetryPolicy.h"
#include "core/gateway/WebDavConnector.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

namespace docdesk::gateway {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

std::string fieldOr(const DocumentToDeliver& d, const std::string& name) {
    const auto it = d.fields.find(name);
    return it == d.fields.end() ? std::string() : it->second;
}

std::string trimmed(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
        s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
        s.remove_suffix(1);
    return std::string(s);
}

bool isId(const std::string& s) {
    return !s.empty() && s.size() < 19 &&
           std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

// A field that paperless takes as an object id: checked here, so the user learns which field
// is wrong instead of reading paperless' 400.
std::string idField(const DocumentToDeliver& d, const std::string& name) {
    const auto value = trimmed(fieldOr(d, name));
    if (!value.empty() && !isId(value))
        throw GatewayRejected(trf("Uploading {}: the field {} must hold a paperless id (a number), not '{}'.",
                                  d.fileName, name, value),
                              400);
    return value;
}

std::string idText(const json& v) {
    if (v.is_number_unsigned())
        return std::to_string(v.get<std::uint64_t>());
    if (v.is_number_integer())
        return std::to_string(v.get<long long>());
    if (v.is_string())
        return v.get<std::string>();
    return {};
}

// The text member `name` of `j`; empty when absent or not text (paperless' answers are not
// trusted to have the documented types).
std::string textMember(const json& j, const char* name) {
    return j.is_object() && j.contains(name) && j[name].is_string() ? j[name].get<std::string>()
                                                                    : std::string();
}

// A short excerpt of an error answer for the message (paperless explains 400s in JSON).
std::string excerpt(const std::string& body) {
    std::string s = body.substr(0, 300);
    std::replace_if(
        s.begin(), s.end(), [](unsigned char c) { return c < 0x20; }, ' ');
    return s;
}

// Like throwForStatus, but a refused login names the token (paperless has no password here).
[[noreturn]] void throwForPaperlessStatus(const HttpResponse& r, const std::string& what) {
    if (r.status == 401)
        throw GatewayRejected(
            trf("{}: paperless did not accept the API token (401). Put a valid token (paperless: "
                "My Profile, API Auth Token) in the profile's password.",
                what),
            401);
    if (r.status == 403)
        throw GatewayRejected(
            trf("{}: the token's paperless user may not do this (403). Ask the operator for the "
                "permission to add documents.",
                what),
            403);
    throwForStatus(r, what);
}

} // namespace

std::optional<PaperlessOriginal> parsePaperlessMetadata(const std::string& body) {
    const auto j = json::parse(body, nullptr, false);
    if (!j.is_object() || !j.contains("original_size") || !j.contains("original_checksum"))
        return std::nullopt;
    PaperlessOriginal s;
    s.bytes = j["original_size"].is_number_unsigned() ? j["original_size"].get<std::uint64_t>() : 0;
    s.md5 = j["original_checksum"].is_string() ? j["original_checksum"].get<std::string>() : std::string();
    return s;
}

std::optional<std::vector<std::string>> parsePaperlessDocumentIds(const std::string& body) {
    const auto j = json::parse(body, nullptr, false);
    if (!j.is_object() || !j.contains("results") || !j["results"].is_array())
        return std::nullopt;
    std::vector<std::string> ids;
    for (const auto& doc : j["results"]) {
        const auto id = doc.contains("id") ? idText(doc["id"]) : std::string();
        if (!id.empty())
            ids.push_back(id);
    }
    return ids;
}

std::optional<PaperlessTask> parsePaperlessTask(const std::string& body, const std::string& taskId) {
    auto j = json::parse(body, nullptr, false);
    if (j.is_object() && j.contains("results")) // a paginated answer
        j = j["results"];
    const json* task = nullptr;
    if (j.is_array())
        for (const auto& t : j)
            if (t.is_object() && textMember(t, "task_id") == taskId)
                task = &t;
    if (!task)
        return std::nullopt;
    PaperlessTask out;
    out.status = textMember(*task, "status");
    out.result = textMember(*task, "result");
    out.relatedDocument = task->contains("related_document") ? idText((*task)["related_document"]) : "";
    return out;
}

std::string parsePaperlessTaskId(const std::string& body) {
    const auto answer = json::parse(body, nullptr, false);
    return answer.is_string() ? answer.get<std::string>() : textMember(answer, "task_id");
}

HttpFormConnector::HttpFormConnector(GatewayConnection connection, TaskPolling polling)
    : transport_([&] {
          // The token travels in our own Authorization header; curl must not add Basic auth.
          connection.user.clear();
          return std::move(connection);
      }()),
      polling_(polling) {
    base_ = transport_.connection().baseUrl;
    if (base_.empty() || base_.back() != '/')
        base_ += '/';
    // A profile may name the API itself ("https://host/api/"); the paths below add "api/".
    if (base_.ends_with("/api/"))
        base_.resize(base_.size() - 4);
}

std::string HttpFormConnector::apiUrl(const std::string& path) const {
    return base_ + "api/" + path;
}

HttpRequest HttpFormConnector::request(const std::string& path) const {
    HttpRequest r;
    r.url = apiUrl(path);
    // The token goes from guarded memory straight into the header curl sends (never a string).
    r.tokenAuthorization = true;
    // The version header picks the documented answer shapes (tasks as a list, ids as numbers).
    r.headers = {"Accept: application/json; version=5"};
    return r;
}

long HttpFormConnector::checkLogin(std::stop_token stop) {
    const auto r = transport_.perform(request("documents/?page_size=1"), stop);
    if (r.status == 401 || r.status == 403)
        throwForPaperlessStatus(r, tr("Logging in to paperless"));
    return r.status;
}

std::optional<HttpFormConnector::StoredOriginal> HttpFormConnector::metadataOf(const std::string& id,
                                                                               std::stop_token stop) {
    const auto r = transport_.perform(request("documents/" + id + "/metadata/"), stop);
    if (r.status == 404)
        return std::nullopt;
    if (r.status != 200)
        throwForPaperlessStatus(r, trf("Reading the metadata of paperless document {}", id));
    const auto stored = parsePaperlessMetadata(r.body);
    if (!stored)
        throw GatewayRejected(
            trf("Reading the metadata of paperless document {}: the answer is not paperless' "
                "document metadata. Check the profile's URL.",
                id),
            502);
    return stored;
}

std::optional<std::string> HttpFormConnector::findByChecksum(const std::string& md5, std::stop_token stop) {
    const auto r = transport_.perform(request("documents/?checksum__iexact=" + md5 + "&page_size=5"), stop);
    if (r.status != 200)
        throwForPaperlessStatus(r, tr("Looking for an earlier copy on paperless"));
    const auto ids = parsePaperlessDocumentIds(r.body);
    if (!ids)
        throw GatewayRejected(
            tr("Looking for an earlier copy on paperless: the answer is not a document list. Check "
               "the profile's URL."),
            502);
    // Confirm each candidate by its stored checksum: a server that ignored the filter would
    // otherwise hand back somebody else's document.
    for (const auto& id : *ids) {
        const auto meta = metadataOf(id, stop);
        if (meta && meta->md5 == md5)
            return id;
    }
    return std::nullopt;
}

Delivery HttpFormConnector::verify(const std::string& id, const DocumentToDeliver& document,
                                   const std::string& md5, std::stop_token stop) {
    const auto meta = metadataOf(id, stop);
    if (!meta)
        throw GatewayRejected(trf("Verifying {}: paperless reported document {}, but it cannot be found.",
                                  document.fileName, id),
                              502);
    if (meta->bytes != document.bytes || meta->md5 != md5)
        throw GatewayRejected(
            trf("Verifying {}: paperless holds {} bytes (MD5 {}), {} bytes (MD5 {}) were sent.",
                document.fileName, meta->bytes, meta->md5, document.bytes, md5),
            502);
    Delivery d;
    d.location = "documents/" + id;
    d.bytes = meta->bytes;
    return d;
}

std::optional<std::string> HttpFormConnector::waitForTask(const std::string& taskId,
                                                          const DocumentToDeliver& document,
                                                          std::stop_token stop) {
    const auto started = Clock::now();
    auto delay = polling_.firstDelay;
    for (int poll = 0; poll < polling_.maxPolls && Clock::now() - started < polling_.maxWait; ++poll) {
        const auto r = transport_.perform(request("tasks/?task_id=" + encodePathSegment(taskId)), stop);
        if (r.status != 200)
            throwForPaperlessStatus(r, trf("Asking paperless how {} is processed", document.fileName));
        if (const auto task = parsePaperlessTask(r.body, taskId)) {
            const auto& status = task->status;
            const auto& result = task->result;
            if (status == "SUCCESS") {
                const auto& id = task->relatedDocument;
                if (!isId(id))
                    throw GatewayRejected(
                        trf("Paperless processed {} but did not say which document it created.",
                            document.fileName),
                        502);
                return id;
            }
            if (status == "FAILURE" || status == "REVOKED") {
                std::string lowered = result;
                std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                               [](unsigned char c) { return char(std::tolower(c)); });
                if (lowered.find("duplicate") != std::string::npos)
                    return std::nullopt;
                // Paperless read the file and refused it: sending it again gives the same answer.
                throw GatewayRejected(trf("Paperless did not accept {}: {}", document.fileName,
                                          result.empty() ? status : result),
                                      422);
            }
        }
        if (!waitUnlessStopped(delay, stop))
            throw TransferCancelled(tr("Upload cancelled."));
        delay = std::min(delay * 2, polling_.maxDelay);
    }
    // Still queued or consuming: the document may yet appear. A retry looks for it by checksum
    // and polls this task again before it would post anything.
    throw GatewayRejected(
        trf("Paperless has not finished processing {} after {} seconds; it will be checked again.",
            document.fileName,
            std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - started).count()),
        504);
}

Delivery HttpFormConnector::deliver(const DocumentToDeliver& document, std::stop_token stop,
                                    const TransferProgress& progress) {
    const std::string md5 = md5HexOfFile(document.file);
    // A task posted earlier in this run (its answer timed out): follow it instead of posting again.
    if (const auto pending = pendingTasks_.find(document.sha256); pending != pendingTasks_.end()) {
        const auto id = waitForTask(pending->second, document, stop);
        pendingTasks_.erase(document.sha256);
        if (id)
            return verify(*id, document, md5, stop);
    }
    if (const auto earlier = findByChecksum(md5, stop))
        return verify(*earlier, document, md5, stop);

    HttpRequest post = request("documents/post_document/");
    post.method = "POST";
    post.form.push_back({"document", {}, document.file, document.fileName, {}});
    const auto title =
        document.title.empty() ? std::filesystem::path(document.fileName).stem().string() : document.title;
    post.form.push_back({"title", title, {}, {}, {}});
    if (const auto created = trimmed(fieldOr(document, "created")); !created.empty())
        post.form.push_back({"created", created, {}, {}, {}});
    const auto tags = fieldOr(document, "tags");
    for (size_t start = 0; start < tags.size();) {
        const auto comma = tags.find(',', start);
        const auto tag = trimmed(std::string_view(tags).substr(
            start, comma == std::string::npos ? std::string::npos : comma - start));
        if (!tag.empty()) {
            if (!isId(tag))
                throw GatewayRejected(
                    trf("Uploading {}: the field tags must list paperless tag ids (numbers), not '{}'.",
                        document.fileName, tag),
                    400);
            post.form.push_back({"tags", tag, {}, {}, {}});
        }
        if (comma == std::string::npos)
            break;
        start = comma + 1;
    }
    if (const auto asn = idField(document, "asn"); !asn.empty())
        post.form.push_back({"archive_serial_number", asn, {}, {}, {}});
    for (const char* name : {"correspondent", "document_type", "storage_path"})
        if (const auto id = idField(document, name); !id.empty())
            post.form.push_back({name, id, {}, {}, {}});

    const auto r = transport_.perform(post, stop, progressOfDocument(progress, document.bytes));
    if (r.status == 400)
        throw GatewayRejected(
            trf("Uploading {}: paperless refused the request (400): {}", document.fileName, excerpt(r.body)),
            400);
    if (r.status != 200 && r.status != 201 && r.status != 202)
        throwForPaperlessStatus(r, trf("Uploading {}", document.fileName));
    const std::string taskId = parsePaperlessTaskId(r.body);
    if (taskId.empty())
        throw GatewayRejected(
            trf("Uploading {}: the answer is not a paperless task id. Check the profile's URL.",
                document.fileName),
            502);
    pendingTasks_[document.sha256] = taskId;
    const auto id = waitForTask(taskId, document, stop);
    pendingTasks_.erase(document.sha256);
    if (id)
        return verify(*id, document, md5, stop);
    // Refused as a duplicate: ours when paperless holds a document with our checksum.
    if (const auto earlier = findByChecksum(md5, stop))
        return verify(*earlier, document, md5, stop);
    throw GatewayRejected(
        trf("Paperless refused {} as a duplicate, but no document with its checksum can be found "
            "(it may be in the trash or not visible to this token).",
            document.fileName),
        409);
}

} // namespace docdesk::gateway
