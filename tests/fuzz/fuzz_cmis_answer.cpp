// CMIS Browser Binding answers (JSON) as CmisConnector reads them: the service document, an
// object, a page of children, and an error answer, all from the same bytes. Only
// GatewayRejected may come out, with a message.
#include "FuzzInput.h"
#include "core/gateway/CmisConnector.h"

using namespace docdesk;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string body(fuzz::textOf(data, size));
    try {
        const auto root = gateway::parseCmisRootFolderUrl(body);
        fuzz::require(!root.empty(), "a root folder URL is not empty");
    } catch (const Error& e) {
        fuzz::expectMessage(e);
    }
    try {
        (void)gateway::parseCmisObject(body, "Reading a/b.pdf");
    } catch (const Error& e) {
        fuzz::expectMessage(e);
    }
    try {
        (void)gateway::parseCmisChildren(body, "Listing a");
    } catch (const Error& e) {
        fuzz::expectMessage(e);
    }
    for (const long status : {401L, 409L, 500L}) {
        try {
            gateway::throwForCmisAnswer(gateway::HttpResponse{status, body, {}, {}}, "Uploading b.pdf");
        } catch (const Error& e) {
            fuzz::expectMessage(e);
        }
    }
    return 0;
}
