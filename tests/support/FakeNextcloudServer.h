#pragma once
// A fake Nextcloud WebDAV endpoint (no real Nextcloud runs) on FakeHttpServer, for the WebDAV
// connector's chunked upload. It follows the Nextcloud developer manual, "Chunked file upload"
// (v2): MKCOL /remote.php/dav/uploads/<user>/<id>, PUT <id>/<number> (numbers 1–10000, each with
// a Destination header), MOVE <id>/.file with Destination and OC-Total-Length, which assembles
// the chunks in name order into the target and removes the upload folder. Below
// /remote.php/dav/files/<user>/ it is a plain WebDAV store (RFC 4918 subset: MKCOL, PUT with
// If-None-Match, GET, PROPFIND depth 0/1, PROPPATCH accepted, MOVE with "Overwrite: F" -> 412).
// Basic auth is required. Tests can drop a chunk PUT or the MOVE's answer.
#include "tests/support/FakeHttpServer.h"

#include <memory>

namespace docdesk::test {

class FakeNextcloudServer {
  public:
    FakeNextcloudServer(std::string user = "alice", std::string password = "pa55word");
    ~FakeNextcloudServer();

    std::string filesUrl() const; // http://127.0.0.1:P/remote.php/dav/files/alice/
    const FakeHttpServer& http() const { return *http_; }
    std::optional<std::string> file(const std::string& path) const; // below files/<user>/
    size_t uploadFolders() const;                                   // upload folders still on the server

    void dropChunkPut(int chunkNumber);  // the next PUT of that chunk is dropped unstored
    void dropNextMoveAnswers(int count); // assemble, then close without answering

  private:
    struct State;
    std::shared_ptr<State> state_;
    std::unique_ptr<FakeHttpServer> http_;
};

} // namespace docdesk::test
