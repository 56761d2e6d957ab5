#pragma once
// A fake CMIS repository (no real CMIS server runs) on FakeHttpServer, speaking the subset of
// the CMIS 1.1 Browser Binding the CMIS connector uses, as OASIS CMIS v1.1 part II section 5
// specifies it, with succinct JSON (5.2.9): the service document at /cmis/browser (repository
// infos with rootFolderUrl, 5.3.1), objects by path (`<root>/a/b?cmisselector=object`, 5.3.3),
// folder children with maxItems/skipCount paging and hasMoreItems/numItems
// (cmisselector=children), and the POST actions createFolder and createDocument (5.4.1) with
// propertyId[i]/propertyValue[i] (propertyValue[i][j] for multi-valued properties) and the
// `content` part. Errors are JSON {"exception", "message"} with the spec's statuses (5.2.10):
// 401 without valid Basic auth, 404 objectNotFound, 409 nameConstraintViolation when the name is
// taken, 400 constraint for a property no type or secondary type defines. The tree is in
// memory. The secondary type "P:cm:titled" defines cm:title; cmis:document and cmis:folder
// define only cmis: properties.
#include "tests/support/FakeHttpServer.h"

#include <memory>

namespace docdesk::test {

struct FakeCmisObject {
    std::string id;
    std::string parentId;
    std::string name;
    bool isFolder = false;
    std::string objectTypeId;
    std::string description;
    std::vector<std::string> secondaryTypes;
    std::map<std::string, std::string> properties; // other properties
    std::string content;
};

class FakeCmisServer {
  public:
    FakeCmisServer(std::string user = "alice", std::string password = "pa55word");
    ~FakeCmisServer();

    std::string url() const; // the browser binding's service URL
    const FakeHttpServer& http() const { return *http_; }

    // The object at `path` ("Invoices/2026/a.pdf"), or nullopt.
    std::optional<FakeCmisObject> objectAt(const std::string& path) const;
    std::vector<FakeCmisObject> documents() const; // every document in the tree
    // Puts a document in place directly (a colleague's file taking a name).
    void addDocument(const std::string& folderPath, const std::string& name, const std::string& content);
    void addFolder(const std::string& parentPath, const std::string& name);

    void dropNextCreateAnswers(int count); // store the document, then close without answering
    void answerNextCreates(int count, int status, std::string retryAfter = {}); // without storing
    int createDocumentCount() const;

  private:
    struct State;
    std::shared_ptr<State> state_;
    std::unique_ptr<FakeHttpServer> http_;
};

} // namespace docdesk::test
