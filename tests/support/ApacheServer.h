#pragma once
// A real Apache httpd with mod_dav for the gateway tests, started by the test as the current
// user on free loopback ports: its own ServerRoot, config, PidFile and logs in a temp folder,
// HTTP and HTTPS (a self-signed certificate for 127.0.0.1 made with openssl), Basic auth from
// an htpasswd file. The logs are copied into the test artefacts when the server stops.
#include "platform/ChildProcess.h"
#include "tests/support/TestSupport.h"

#include <filesystem>
#include <memory>
#include <string>

namespace docdesk::test {

// A TCP port on 127.0.0.1 that nothing listens on right now.
int freeLoopbackPort();
// Waits (at most `timeout`) until something accepts connections on 127.0.0.1:port.
bool waitForPort(int port, std::chrono::milliseconds timeout);

class ApacheServer {
  public:
    struct Options {
        std::string user = "alice";
        std::string password = "s3cret-Pass";
        // Directives added at the end of the main config (e.g. to make a path answer 507).
        std::string extraConfig;
        std::string name = "apache"; // names the log copy in the artefacts
    };
    explicit ApacheServer(Options options);
    ApacheServer() : ApacheServer(Options{}) {}
    ~ApacheServer();
    ApacheServer(const ApacheServer&) = delete;
    ApacheServer& operator=(const ApacheServer&) = delete;

    int httpPort() const { return httpPort_; }
    int httpsPort() const { return httpsPort_; }
    std::string httpUrl() const;  // http://127.0.0.1:P/dav/
    std::string httpsUrl() const; // https://127.0.0.1:P/dav/
    const std::filesystem::path& davRoot() const { return davRoot_; }
    const std::filesystem::path& certificate() const { return cert_; } // PEM, for the profile's CA bundle
    std::string publicKeyPin() const { return pin_; }                  // sha256//BASE64
    const Options& options() const { return options_; }
    std::string accessLog() const; // "%h \"%r\" %>s bytes-received" per request
    std::string errorLog() const;

    // Every regular file below davRoot, relative, sorted.
    std::vector<std::string> storedFiles() const;

  private:
    Options options_;
    TempDir dir_;
    std::filesystem::path davRoot_, cert_;
    std::string pin_;
    int httpPort_ = 0, httpsPort_ = 0;
    std::unique_ptr<platform::ChildProcess> process_;
};

} // namespace docdesk::test
