#include "app/common/OutboxFiling.h"

#include "app/common/GatewayUpload.h"
#include "core/common/Translate.h"
#include "platform/AppDirs.h"

#include <algorithm>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <set>

namespace docdesk::app {
namespace fs = std::filesystem;

fs::path outboxStagingFolder(const std::string& sessionId) {
    const auto folder = platform::appDirs().data / "outbox-staging" / sessionId;
    fs::create_directories(folder);
    return folder;
}

namespace {

constexpr std::string_view kOutboxTarget = "outbox:";

struct StagedFile {
    fs::path path;
    std::string sha256;
    bool sidecar = false;
};

std::vector<StagedFile> stagedFiles(const journal::FilingRecord& record) {
    std::vector<StagedFile> out;
    const auto files = nlohmann::json::parse(record.filesJson, nullptr, false);
    if (files.is_array())
        for (const auto& f : files)
            if (f.is_object() && f.value("path", std::string()) != "")
                out.push_back({f["path"].get<std::string>(), f.value("sha256", std::string()),
                               f.value("sidecar", false)});
    if (out.empty() && !record.location.empty())
        out.push_back({record.location, {}, false});
    return out;
}

std::map<std::string, std::string> fieldsOf(const journal::FilingRecord& record) {
    std::map<std::string, std::string> out;
    const auto fields = nlohmann::json::parse(record.fieldsJson, nullptr, false);
    if (fields.is_object())
        for (const auto& [k, v] : fields.items())
            if (v.is_string())
                out[k] = v.get<std::string>();
    return out;
}

bool waitsOutsideOutbox(const journal::FilingRecord& record, const fs::path& outboxFolder) {
    if (!std::string_view(record.target).starts_with(kOutboxTarget) || record.location.empty())
        return false;
    return fs::path(record.location).parent_path().lexically_normal() != outboxFolder;
}

// Moves the files of one record into the outbox, each under "<session>-<record>-<n><ext>".
OutboxMove moveRecord(gateway::Outbox& outbox, journal::Session& session, const fs::path& staging,
                      const journal::FilingRecord& record) {
    OutboxMove move;
    const std::string sessionId = session.summary().id;
    size_t missing = 0, taken = 0, index = 0;
    for (const auto& f : stagedFiles(record)) {
        if (f.sidecar) { // the fields travel as item fields instead
            std::error_code ignored;
            fs::remove(f.path, ignored);
            continue;
        }
        gateway::NewOutboxItem item;
        item.profile = record.target.substr(kOutboxTarget.size());
        const auto folder = f.path.parent_path().lexically_relative(staging).generic_string();
        item.remoteFolder = folder == "." || folder.starts_with("..") ? std::string() : folder;
        item.fileName = f.path.filename().string();
        item.title = record.title;
        item.fields = fieldsOf(record);
        item.sha256 = f.sha256; // hashed while it was written: no second read
        const auto storedName =
            fmt::format("{}-{}-{}{}", sessionId, record.id, index++, f.path.extension().string());
        const auto t = outbox.takeOnce(f.path, item, storedName);
        if (t.outcome == gateway::TakeOutcome::Missing) {
            ++missing;
            continue;
        }
        if (taken++ == 0)
            move.location = fs::absolute(outbox.folder()) / storedName;
    }
    if (missing > 0 && taken == 0) {
        session.forgetFiling(record.id);
        move.forgotten = true;
        move.location.clear();
    } else if (missing > 0) {
        move.error =
            trf("{} of the files of {} are neither in staging nor in the outbox.", missing, record.title);
        move.location.clear();
    } else {
        session.moveFiling(record.id, record.target, move.location.string());
    }
    return move;
}

// Removes the folders below (and including) `folder` that are empty; files stay.
void removeEmptyFolders(const fs::path& folder) {
    std::error_code ec;
    if (!fs::is_directory(folder, ec))
        return;
    for (const auto& e : fs::directory_iterator(folder, ec))
        if (e.is_directory(ec) && !e.is_symlink(ec))
            removeEmptyFolders(e.path());
    fs::remove(folder, ec); // fails (and is meant to) when something is left inside
}

// Moves those of `records` that wait outside the outbox.
std::map<std::int64_t, OutboxMove> moveRecords(gateway::Outbox& outbox, journal::Session& session,
                                               const fs::path& staging,
                                               const std::vector<journal::FilingRecord>& records) {
    std::map<std::int64_t, OutboxMove> out;
    const fs::path outboxFolder = fs::absolute(outbox.folder()).lexically_normal();
    const fs::path stagingRoot = fs::absolute(staging).lexically_normal();
    for (const auto& record : records) {
        if (!waitsOutsideOutbox(record, outboxFolder))
            continue;
        try {
            out[record.id] = moveRecord(outbox, session, stagingRoot, record);
        } catch (const std::exception& e) {
            out[record.id].error = e.what();
        }
    }
    removeEmptyFolders(staging);
    return out;
}

// Removes the files below `staging` that no filing record of the session points to: the
// half-written (".tmp-...") or unrecorded documents of a filing killed in the middle. Their
// pages are in the session and, being unrecorded, they are filed again; left there, they would
// stay forever. Only while nothing else files this session (it holds the session's lock).
void removeUnrecorded(const fs::path& staging, const std::vector<journal::FilingRecord>& records) {
    std::set<fs::path> recorded;
    for (const auto& record : records)
        for (const auto& f : stagedFiles(record))
            recorded.insert(fs::absolute(f.path).lexically_normal());
    std::error_code ec;
    std::vector<fs::path> leftovers;
    for (auto it = fs::recursive_directory_iterator(staging, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
        if (it->is_regular_file(ec) && !recorded.contains(fs::absolute(it->path()).lexically_normal()))
            leftovers.push_back(it->path());
    for (const auto& f : leftovers)
        fs::remove(f, ec);
}

} // namespace

std::map<std::int64_t, OutboxMove> settleOutboxFilings(gateway::Outbox& outbox, journal::Session& session,
                                                       const fs::path& staging) {
    auto moves = moveRecords(outbox, session, staging, session.filings());
    removeUnrecorded(staging, session.filings());
    removeEmptyFolders(staging);
    return moves;
}

OutboxSettlement settleSessionOutbox(journal::Session& session) {
    OutboxSettlement out;
    const auto filings = session.filings();
    const bool waiting = std::any_of(filings.begin(), filings.end(), [](const journal::FilingRecord& r) {
        return std::string_view(r.target).starts_with(kOutboxTarget) && !r.location.empty();
    });
    if (!waiting) // no outbox filing at all: the outbox is not even opened (nor created)
        return out;
    const auto outbox = openOutbox();
    for (const auto& [id, move] :
         settleOutboxFilings(*outbox, session, outboxStagingFolder(session.summary().id))) {
        if (move.forgotten)
            ++out.forgotten;
        else if (!move.error.empty())
            out.errors.push_back(move.error);
        else
            ++out.moved;
    }
    return out;
}

void moveIntoOutbox(gateway::Outbox& outbox, journal::Session& session, const fs::path& staging,
                    const std::vector<std::int64_t>& ids, std::vector<pipeline::FiledDocument>& filed,
                    std::vector<pipeline::FiledDocument>& passThrough) {
    // Only the records of this filing (the whole session was settled before it began).
    std::vector<journal::FilingRecord> records;
    for (const auto id : ids)
        if (id != 0)
            if (auto record = session.filing(id))
                records.push_back(std::move(*record));
    const auto moves = moveRecords(outbox, session, staging, records);
    for (size_t k = 0; k < ids.size() && k < filed.size() + passThrough.size(); ++k) {
        auto& d = k < filed.size() ? filed[k] : passThrough[k - filed.size()];
        const auto it = moves.find(ids[k]);
        if (ids[k] == 0 || !d.ok() || it == moves.end())
            continue;
        if (!it->second.location.empty()) {
            d.path = it->second.location;
        } else {
            d.status = pipeline::FilingStatus::Failed;
            d.error =
                it->second.forgotten
                    ? tr("The document's files were gone before they reached the outbox; file it again.")
                    : trf("Could not put the document into the outbox: {}", it->second.error);
        }
    }
}

} // namespace docdesk::app
