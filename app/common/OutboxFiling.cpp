#include "app/common/OutboxFiling.h"

#include "core/common/Translate.h"
#include "platform/AppDirs.h"

namespace docdesk::app {

std::filesystem::path outboxStagingFolder(const std::string& sessionId) {
    const auto folder = platform::appDirs().data / "outbox-staging" / sessionId;
    std::filesystem::create_directories(folder);
    return folder;
}

namespace {

void moveDocument(gateway::Outbox& outbox, const std::string& profile, const std::filesystem::path& staging,
                  pipeline::FiledDocument& document, const std::string& title,
                  const std::map<std::string, std::string>& fields) {
    if (!document.ok())
        return;
    try {
        for (auto& f : document.files) {
            gateway::NewOutboxItem item;
            item.profile = profile;
            item.remoteFolder = f.path.parent_path().lexically_relative(staging).generic_string();
            if (item.remoteFolder == ".")
                item.remoteFolder.clear();
            item.fileName = f.path.filename().string();
            item.title = title;
            item.fields = fields;
            item.sha256 = f.sha256; // hashed while it was written: no second read
            const auto queued = outbox.enqueue(f.path, item, true);
            if (f.path == document.path)
                document.path = queued.file;
            f.path = queued.file;
        }
        if (document.sidecar)
            std::filesystem::remove(*document.sidecar); // the fields travel as item fields instead
    } catch (const std::exception& e) {
        document.status = pipeline::FilingStatus::Failed;
        document.error = trf("Could not put the document into the outbox: {}", e.what());
    }
}

} // namespace

void moveIntoOutbox(gateway::Outbox& outbox, const std::string& profile, const std::filesystem::path& staging,
                    const rules::FilingPlan& plan, std::vector<pipeline::FiledDocument>& filed,
                    std::vector<pipeline::FiledDocument>& passThroughFiled) {
    for (size_t k = 0; k < filed.size() && k < plan.documents.size(); ++k)
        moveDocument(outbox, profile, staging, filed[k], plan.documents[k].fileName, plan.documents[k].fieldValues());
    for (auto& d : passThroughFiled)
        moveDocument(outbox, profile, staging, d, d.path.filename().string(), {});
    std::error_code ignored;
    std::filesystem::remove_all(staging, ignored); // only empty folders are left by now
}

void recordOutboxItems(journal::Session& session, const std::string& target, const std::vector<std::int64_t>& ids,
                       const std::vector<pipeline::FiledDocument>& filed,
                       const std::vector<pipeline::FiledDocument>& passThrough) {
    for (size_t k = 0; k < ids.size(); ++k) {
        const auto& d = k < filed.size() ? filed[k] : passThrough.at(k - filed.size());
        if (ids[k] != 0 && d.ok() && !d.alreadyFiled)
            session.moveFiling(ids[k], target, d.path.string());
    }
}

} // namespace docdesk::app
