#pragma once
// What every gateway connector (WebDAV, CMIS, HTTP form upload) does for the
// uploader: deliver one document and prove it arrived. A delivery must be safe to repeat:
// after a dropped connection or a crash the uploader calls deliver() again, and the connector
// finds its own earlier copy instead of creating a second one.
#include "core/gateway/HttpTransport.h"

#include <cstdint>
#include <filesystem>
#include <map>
#include <stop_token>
#include <string>

namespace docdesk::gateway {

struct DocumentToDeliver {
    std::filesystem::path file; // the local file, streamed
    std::string remoteFolder;   // below the gateway's base ("Invoices/2026"), may be empty
    std::string fileName;       // wanted name on the server
    std::uint64_t bytes = 0;
    std::string sha256; // of the local file, lower-case hex
    std::string title;
    std::map<std::string, std::string> fields;
};

struct Delivery {
    std::string location;    // the document's URL or server id
    std::string etag;        // server version tag when there is one
    std::uint64_t bytes = 0; // as the server reports it (verified equal to the local size)
};

class Connector {
  public:
    virtual ~Connector() = default;
    // Uploads and verifies. Throws TransportError / GatewayRejected / TransferCancelled.
    virtual Delivery deliver(const DocumentToDeliver& document, std::stop_token stop,
                             const TransferProgress& progress) = 0;
    virtual HttpTransport& transport() = 0;
};

// `progress` in terms of the document's `bytes`, for a transfer whose body is larger than the
// file (a multipart form: the file plus the fields), so the upload's figures never pass 100 %.
TransferProgress progressOfDocument(const TransferProgress& progress, std::uint64_t bytes);

// The connector for `connection`'s profile type.
std::unique_ptr<Connector> makeConnector(vault::Connector type, GatewayConnection connection);

} // namespace docdesk::gateway
