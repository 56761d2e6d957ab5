#pragma once
// CMIS 1.1 Browser Binding (OASIS CMIS v1.1, part II section 5, JSON), as Alfresco, Nuxeo and
// OpenCMIS servers speak it. The profile's URL is the binding's service URL; its answer names
// the repository's rootFolderUrl. Folders are found by path (`<root>/A/B?cmisselector=object`)
// and created with cmisaction=createFolder; documents are created by one multipart POST
// (cmisaction=createDocument) whose `content` part is streamed from disk; Basic auth.
//
// Repeating a delivery never creates a second document: the document's cmis:description
// carries "docdesk-sha256:<hex>" (a client-side id from the content), and before creating,
// the target folder's children are read (paged with maxItems/skipCount) for an object with
// that marker under the wanted name or its numbered variants "name (2).ext"... A name taken by
// another document moves on to the next number, in the same order every time. After creation
// (or on finding the earlier copy) cmis:contentStreamLength must equal the local size.
//
// Fields: a field named like a CMIS property ("prefix:name", e.g. "cm:title") is sent as that
// property; "cmis:secondaryObjectTypeIds" (comma-separated) adds secondary types (aspects)
// those properties need; "cmis:objectTypeId" picks the document type. Other fields are not sent
// (a repository rejects properties its types do not define).
#include "core/gateway/Connector.h"

#include <optional>
#include <set>
#include <vector>

namespace docdesk::gateway {

struct CmisObject {
    std::string objectId;
    std::string name;
    std::string baseTypeId; // cmis:document, cmis:folder...
    std::string description;
    std::uint64_t contentStreamLength = 0;
    std::string changeToken;
};

class CmisConnector : public Connector {
  public:
    explicit CmisConnector(GatewayConnection connection, int pageSize = 100);

    Delivery deliver(const DocumentToDeliver& document, std::stop_token stop,
                     const TransferProgress& progress) override;
    HttpTransport& transport() override { return transport_; }

    // The repository's root folder URL (from the service document), read once.
    const std::string& rootFolderUrl(std::stop_token stop);
    // The object at `path` below the root ("Invoices/2026/a.pdf"), nullopt when there is none.
    std::optional<CmisObject> objectAt(const std::string& path, std::stop_token stop);
    // Every child of `folder`, read page by page.
    std::vector<CmisObject> children(const std::string& folder, std::stop_token stop);
    // Creates `folder` and any missing parents; existing folders are fine.
    void ensureFolder(const std::string& folder, std::stop_token stop);

  private:
    std::string urlOf(const std::string& path, std::stop_token stop); // root + encoded segments
    Delivery verify(const std::string& path, const DocumentToDeliver& document, std::stop_token stop);

    HttpTransport transport_;
    std::string serviceUrl_;
    std::string rootFolderUrl_;
    int pageSize_;
    std::set<std::string> knownFolders_;
};

// The marker a document's cmis:description carries: "docdesk-sha256:<hex>".
std::string cmisContentMarker(const std::string& sha256);

// The readers of the gateway's answers, apart from the requests so that they are tested and
// fuzzed on their own (tests/fuzz/fuzz_cmis_answer.cpp). They take whatever a server sends and
// throw GatewayRejected (starting with `what`) for an answer that is not Browser Binding JSON.
// The repository's root folder URL from the service document, without trailing slashes.
std::string parseCmisRootFolderUrl(const std::string& body);
// The object of a cmisselector=object answer (succinct properties).
CmisObject parseCmisObject(const std::string& body, const std::string& what);
struct CmisChildrenPage {
    std::vector<CmisObject> objects;
    bool hasMoreItems = false;
};
// One page of a cmisselector=children answer.
CmisChildrenPage parseCmisChildren(const std::string& body, const std::string& what);
// Always throws GatewayRejected for an error answer, with the CMIS exception and message its
// JSON body names.
[[noreturn]] void throwForCmisAnswer(const HttpResponse& response, const std::string& what);

} // namespace docdesk::gateway
