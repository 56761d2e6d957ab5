#pragma once
// WebDAV (RFC 4918) as Apache mod_dav, Nextcloud and SharePoint speak it: folders created with
// MKCOL, documents sent by one streamed PUT with "If-None-Match: *" (so nothing on the server is
// ever overwritten), fields stored as dead properties in the docdesk namespace (PROPPATCH), and
// the result verified by PROPFIND (size and ETag).
//
// Repeating a delivery is safe: when the name is taken (412), the existing file is read back
// and compared by SHA-256; if it is ours the delivery is complete, otherwise "name (2).ext"…
// is tried, in the same order every time, so a resumed upload finds its earlier copy.
#include "core/gateway/Connector.h"

#include <map>
#include <set>
#include <string_view>
#include <vector>

namespace docdesk::gateway {

inline constexpr const char* kDocdeskPropertyNamespace = "urn:x-docdesk:fields";

struct RemoteEntry {
    std::string name;
    bool isFolder = false;
    std::uint64_t bytes = 0;
    std::string etag;
};

// Nextcloud's chunked upload v2 (docs: Nextcloud developer manual, "Chunked file upload"), used
// for large files when the base URL is a Nextcloud files URL (…/remote.php/dav/files/<user>/…):
// MKCOL …/remote.php/dav/uploads/<user>/<id>, PUT numbered chunks, then MOVE <id>/.file to the
// target with OC-Total-Length. The id comes from the content's SHA-256, so a resumed upload
// reuses the chunks already on the server instead of sending them again.
struct ChunkedUploadOptions {
    std::uint64_t threshold = 64ull * 1024 * 1024; // files at least this large go in chunks
    std::uint64_t chunkSize = 16ull * 1024 * 1024; // Nextcloud accepts 5 MB to 5 GB (the last may be smaller)
};

class WebDavConnector : public Connector {
  public:
    explicit WebDavConnector(GatewayConnection connection, ChunkedUploadOptions chunked = {});

    Delivery deliver(const DocumentToDeliver& document, std::stop_token stop,
                     const TransferProgress& progress) override;
    HttpTransport& transport() override { return transport_; }

    // The entries of `folder` (PROPFIND depth 1), without the folder itself.
    std::vector<RemoteEntry> listFolder(const std::string& folder, std::stop_token stop);
    // Creates `folder` and any missing parents (MKCOL); existing folders are fine.
    void ensureFolder(const std::string& folder, std::stop_token stop);
    // The dead properties in the docdesk namespace of the document at `url`.
    std::map<std::string, std::string> fieldsOf(const std::string& url, std::stop_token stop);

    // The URL of `folder` (slash-separated, each segment encoded) below the base, with a
    // trailing slash.
    std::string folderUrl(const std::string& folder) const;

    // The Nextcloud uploads folder for this base URL ("…/remote.php/dav/uploads/<user>/"),
    // empty when the base is not a Nextcloud files URL.
    const std::string& chunkedUploadsUrl() const { return uploadsUrl_; }

  private:
    std::vector<RemoteEntry> listUrl(const std::string& url, const std::string& what, std::stop_token stop);
    // Sends the document in chunks and moves it to `url`. Returns the MOVE's status.
    long putChunked(const std::string& url, const DocumentToDeliver& document, std::stop_token stop,
                    const TransferProgress& progress);
    bool folderExists(const std::string& url, std::stop_token stop);
    bool sameContent(const std::string& url, const DocumentToDeliver& document, std::stop_token stop);
    void storeFields(const std::string& url, const DocumentToDeliver& document, std::stop_token stop);
    Delivery verify(const std::string& url, const DocumentToDeliver& document, std::stop_token stop);

    HttpTransport transport_;
    std::string base_;
    std::set<std::string> knownFolders_; // created or found in this run: no second MKCOL
    ChunkedUploadOptions chunked_;
    std::string uploadsUrl_;
};

// Throws GatewayRejected with a message that says what the status means for the user.
[[noreturn]] void throwForStatus(const HttpResponse& response, const std::string& what);

// The segments of a slash-separated remote folder path ("a//b/./c" -> a, b, c); Error for "..",
// which would leave the gateway's folder.
std::vector<std::string> pathSegments(const std::string& folder);

// The readers of the gateway's answers, apart from the requests so that they are tested and
// fuzzed on their own (tests/fuzz/fuzz_webdav_answer.cpp). They take whatever a server sends.
// The entries of a PROPFIND depth-1 answer (multistatus), without the folder itself
// (`selfPath`: the folder's URL path, percent-decoded).
std::vector<RemoteEntry> parseFolderListing(std::string_view multistatus, std::string_view selfPath);
// The resource of a PROPFIND depth-0 answer: whether it is a collection, its size and ETag
// (name stays empty).
RemoteEntry parseResourceProperties(std::string_view multistatus);
// The status lines of a PROPPATCH answer other than 200 (properties the server refused).
std::vector<std::string> failedPropertyStatuses(std::string_view multistatus);
// The dead properties in the docdesk namespace of a PROPFIND answer, by local name, with the
// field values as they were stored.
std::map<std::string, std::string> parseDocdeskProperties(const std::string& multistatus);

} // namespace docdesk::gateway
