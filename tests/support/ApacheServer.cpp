#include "tests/support/ApacheServer.h"

#include <algorithm>
#include <arpa/inet.h>
#include <csignal>
#include <fstream>
#include <netinet/in.h>
#include <sstream>
#include <stdexcept>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace docdesk::test {
namespace fs = std::filesystem;

namespace {

std::string readText(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

void run(const std::vector<std::string>& argv) {
    platform::ChildOptions o;
    o.discardStdout = true;
    o.discardStderr = true;
    platform::ChildProcess p(argv, o);
    const auto status = p.waitFor(std::chrono::seconds(60));
    if (!status || !status->success())
        throw std::runtime_error("test set-up command failed: " + argv.front());
}

std::string runForOutput(const std::string& shell) {
    platform::ChildOptions o;
    o.pipeStdout = true;
    o.discardStderr = true;
    platform::ChildProcess p({"/bin/sh", "-c", shell}, o);
    auto out = p.readAll();
    p.wait();
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r'))
        out.pop_back();
    return out;
}

} // namespace

int freeLoopbackPort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    socklen_t len = sizeof a;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
        ::close(fd);
        throw std::runtime_error("no free port on 127.0.0.1");
    }
    const int port = ntohs(a.sin_port);
    ::close(fd);
    return port;
}

bool waitForPort(int port, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = htons(uint16_t(port));
        const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
        ::close(fd);
        if (ok)
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

ApacheServer::ApacheServer(Options options) : options_(std::move(options)) {
    const fs::path root = dir_.path();
    const fs::path www = root / "www";
    davRoot_ = www / "dav";
    fs::create_directories(davRoot_);
    fs::create_directories(root / "run");
    cert_ = root / "server.pem";
    const fs::path key = root / "server.key";
    run({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.string(), "-out",
         cert_.string(), "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"});
    pin_ = "sha256//" + runForOutput("openssl x509 -in '" + cert_.string() +
                                     "' -pubkey -noout | openssl pkey -pubin -outform der | "
                                     "openssl dgst -sha256 -binary | openssl base64 -A");
    run({"htpasswd", "-bcB", (root / "htpasswd").string(), options_.user, options_.password});

    httpPort_ = freeLoopbackPort();
    httpsPort_ = freeLoopbackPort();
    while (httpsPort_ == httpPort_)
        httpsPort_ = freeLoopbackPort();
    const std::string mods = "/usr/lib/apache2/modules/";
    std::ofstream conf(root / "httpd.conf");
    conf << "ServerRoot \"" << root.string() << "\"\n"
         << "ServerName 127.0.0.1\n"
         << "PidFile \"" << (root / "run/httpd.pid").string() << "\"\n"
         << "DefaultRuntimeDir \"" << (root / "run").string() << "\"\n"
         << "Mutex file:" << (root / "run").string() << " default\n";
    for (const char* m : {"mpm_event", "authn_core", "authn_file", "authz_core", "authz_user", "auth_basic",
                          "dav", "dav_fs", "ssl", "http2", "headers", "alias", "socache_shmcb"})
        conf << "LoadModule " << m << "_module " << mods << "mod_" << m << ".so\n";
    conf << "Listen 127.0.0.1:" << httpPort_ << "\n"
         << "Listen 127.0.0.1:" << httpsPort_ << "\n"
         << "StartServers 1\nServerLimit 2\nThreadsPerChild 16\nMaxRequestWorkers 32\n"
         << "Timeout 30\nLimitRequestBody 0\n"
         << "ErrorLog \"" << (root / "error.log").string() << "\"\nLogLevel warn\n"
         << "LogFormat \"%h \\\"%r\\\" %>s %I\" docdesk\n"
         << "CustomLog \"" << (root / "access.log").string() << "\" docdesk\n"
         << "DocumentRoot \"" << www.string() << "\"\n"
         << "DavLockDB \"" << (root / "run/davlock").string() << "\"\n"
         << "SSLSessionCache shmcb:" << (root / "run/ssl_scache").string() << "(512000)\n"
         << "<Directory \"" << davRoot_.string() << "\">\n"
         << "  DAV On\n  AuthType Basic\n  AuthName docdesk\n"
         << "  AuthUserFile \"" << (root / "htpasswd").string() << "\"\n"
         << "  Require valid-user\n</Directory>\n"
         << "<VirtualHost 127.0.0.1:" << httpsPort_ << ">\n"
         << "  Protocols h2 http/1.1\n  SSLEngine on\n"
         << "  SSLCertificateFile \"" << cert_.string() << "\"\n"
         << "  SSLCertificateKeyFile \"" << key.string() << "\"\n"
         << "</VirtualHost>\n"
         << options_.extraConfig << "\n";
    conf.close();

    platform::ChildOptions o;
    o.discardStdout = true;
    o.stderrFile = root / "stderr.log";
    process_ = std::make_unique<platform::ChildProcess>(
        std::vector<std::string>{"apache2", "-f", (root / "httpd.conf").string(), "-DFOREGROUND"}, o);
    if (!waitForPort(httpPort_, std::chrono::seconds(15)) ||
        !waitForPort(httpsPort_, std::chrono::seconds(5)))
        throw std::runtime_error("Apache did not start: " + readText(root / "stderr.log") + errorLog());
}

ApacheServer::~ApacheServer() {
    if (process_) {
        process_->signal(SIGTERM);
        if (!process_->waitFor(std::chrono::seconds(10)))
            process_.reset(); // SIGKILL
    }
    // Kept for whoever reads a failed run (also of passing runs: they are small).
    std::error_code ec;
    const fs::path keep = artifactsDir() / (options_.name + "-" + std::to_string(httpPort_));
    fs::create_directories(keep, ec);
    for (const char* f : {"error.log", "access.log", "stderr.log", "httpd.conf"})
        fs::copy_file(dir_.path() / f, keep / f, fs::copy_options::overwrite_existing, ec);
}

std::string ApacheServer::httpUrl() const {
    return "http://127.0.0.1:" + std::to_string(httpPort_) + "/dav/";
}
std::string ApacheServer::httpsUrl() const {
    return "https://127.0.0.1:" + std::to_string(httpsPort_) + "/dav/";
}
std::string ApacheServer::accessLog() const {
    return readText(dir_.path() / "access.log");
}
std::string ApacheServer::errorLog() const {
    return readText(dir_.path() / "error.log");
}

std::vector<std::string> ApacheServer::storedFiles() const {
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(davRoot_))
        if (e.is_regular_file()) {
            const auto rel = e.path().lexically_relative(davRoot_).generic_string();
            // mod_dav_fs keeps dead properties in .DAV/ folders beside the documents, and writes a
            // PUT into ".davfs.tmp*" first (left behind when a client aborts mid-body; WebDAV
            // listings never show it): neither is a document.
            const auto name = e.path().filename().string();
            if (!rel.starts_with(".DAV/") && rel.find("/.DAV/") == std::string::npos &&
                !name.starts_with(".davfs.tmp"))
                out.push_back(rel);
        }
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace docdesk::test
