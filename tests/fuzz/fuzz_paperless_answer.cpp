// paperless-ngx answers (JSON) as HttpFormConnector reads them: a post_document answer (the
// task id), the task list, a document list and a document's metadata, all from the same bytes.
#include "FuzzInput.h"
#include "core/gateway/HttpFormConnector.h"

using namespace docdesk;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string body(fuzz::textOf(data, size));
    try {
        (void)gateway::parsePaperlessTaskId(body);
        if (const auto task = gateway::parsePaperlessTask(body, "a1b2c3")) {
            (void)task->status;
        }
        if (const auto ids = gateway::parsePaperlessDocumentIds(body))
            for (const auto& id : *ids)
                fuzz::require(!id.empty(), "document ids are not empty");
        (void)gateway::parsePaperlessMetadata(body);
    } catch (const Error& e) {
        fuzz::expectMessage(e);
    }
    return 0;
}
