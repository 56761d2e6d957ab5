// WebDAV answers (multistatus XML) as WebDavConnector reads them: a folder listing (PROPFIND
// depth 1), a resource's properties (depth 0), a PROPPATCH result and the docdesk dead
// properties, all from the same bytes.
#include "FuzzInput.h"
#include "core/gateway/WebDavConnector.h"

using namespace docdesk;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string body(fuzz::textOf(data, size));
    try {
        for (const auto& entry : gateway::parseFolderListing(body, "/dav/Invoices/"))
            fuzz::require(entry.name.find('/') == std::string::npos, "an entry's name is one path segment");
        (void)gateway::parseResourceProperties(body);
        (void)gateway::failedPropertyStatuses(body);
        (void)gateway::parseDocdeskProperties(body);
    } catch (const Error& e) {
        fuzz::expectMessage(e);
    }
    return 0;
}
