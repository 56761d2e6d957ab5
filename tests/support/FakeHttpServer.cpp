#include "tests/support/FakeHttpServer.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cctype>
#include <charconv>
#include <chrono>
#include <netinet/in.h>
#include <poll.h>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>

namespace docdesk::test {
namespace {

using Clock = std::chrono::steady_clock;
constexpr size_t kMaxHead = 64 * 1024;
constexpr std::uint64_t kMaxBody = 2ull * 1024 * 1024 * 1024;
constexpr size_t kRecordedBodyLimit = 1024 * 1024;

bool sendAll(int fd, const std::string& s) {
    const char* data = s.data();
    size_t n = s.size();
    while (n > 0) {
        const auto w = ::send(fd, data, n, MSG_NOSIGNAL);
        if (w <= 0)
            return false;
        data += w;
        n -= size_t(w);
    }
    return true;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return s;
}

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t");
    const auto e = s.find_last_not_of(" \t\r");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

const char* reasonOf(int status) {
    switch (status) {
    case 100:
        return "Continue";
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 204:
        return "No Content";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 409:
        return "Conflict";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    default:
        return "Fake";
    }
}

// A parameter of a header value such as `form-data; name="x"; filename="y"`.
std::string headerParameter(const std::string& value, const std::string& name) {
    size_t pos = 0;
    while ((pos = value.find(';', pos)) != std::string::npos) {
        ++pos;
        const auto eq = value.find('=', pos);
        if (eq == std::string::npos)
            break;
        if (lower(trim(value.substr(pos, eq - pos))) != name)
            continue;
        auto v = value.substr(eq + 1);
        if (!v.empty() && v[0] == '"') {
            const auto close = v.find('"', 1);
            return v.substr(1, close == std::string::npos ? std::string::npos : close - 1);
        }
        return trim(v.substr(0, v.find(';')));
    }
    return {};
}

std::vector<FakeHttpPart> parseMultipart(const std::string& body, const std::string& boundary) {
    std::vector<FakeHttpPart> parts;
    const std::string delimiter = "--" + boundary;
    size_t pos = body.find(delimiter);
    while (pos != std::string::npos) {
        pos += delimiter.size();
        if (body.compare(pos, 2, "--") == 0)
            break; // the closing delimiter
        pos += 2;  // CRLF
        const auto headEnd = body.find("\r\n\r\n", pos);
        if (headEnd == std::string::npos)
            break;
        FakeHttpPart part;
        size_t line = pos;
        while (line < headEnd) {
            const auto end = body.find("\r\n", line);
            const std::string h = body.substr(line, std::min(end, headEnd) - line);
            line = std::min(end, headEnd) + 2;
            const auto colon = h.find(':');
            if (colon == std::string::npos)
                continue;
            const auto name = lower(trim(h.substr(0, colon)));
            const auto value = trim(h.substr(colon + 1));
            if (name == "content-disposition") {
                part.name = headerParameter(value, "name");
                part.fileName = headerParameter(value, "filename");
            } else if (name == "content-type") {
                part.contentType = value;
            }
        }
        const auto next = body.find("\r\n" + delimiter, headEnd + 4);
        if (next == std::string::npos)
            break;
        part.data = body.substr(headEnd + 4, next - headEnd - 4);
        parts.push_back(std::move(part));
        pos = next + 2;
    }
    return parts;
}

} // namespace

std::string fakePercentDecode(const std::string& s, bool plusIsSpace) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
            out += char(std::stoi(s.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else if (s[i] == '+' && plusIsSpace) {
            out += ' ';
        } else {
            out += s[i];
        }
    }
    return out;
}

std::string fakeBase64Decode(const std::string& s) {
    static const std::string chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    unsigned value = 0;
    int bits = -8;
    for (const char c : s) {
        const auto i = chars.find(c);
        if (i == std::string::npos)
            break;
        value = (value << 6) | unsigned(i);
        bits += 6;
        if (bits >= 0) {
            out += char((value >> bits) & 0xff);
            bits -= 8;
        }
    }
    return out;
}

std::string FakeHttpRequest::header(const std::string& lowerName) const {
    const auto it = headers.find(lowerName);
    return it == headers.end() ? std::string() : it->second;
}

std::string FakeHttpRequest::queryValue(const std::string& name) const {
    const auto it = query.find(name);
    return it == query.end() ? std::string() : it->second;
}

const FakeHttpPart* FakeHttpRequest::part(const std::string& name) const {
    for (const auto& p : parts)
        if (p.name == name)
            return &p;
    return nullptr;
}

std::vector<std::string> FakeHttpRequest::partValues(const std::string& name) const {
    std::vector<std::string> out;
    for (const auto& p : parts)
        if (p.name == name)
            out.push_back(p.data);
    return out;
}

FakeHttpResponse FakeHttpResponse::json(int status, std::string body) {
    return {status, {{"Content-Type", "application/json"}}, std::move(body), false};
}

FakeHttpResponse FakeHttpResponse::text(int status, std::string body) {
    return {status, {{"Content-Type", "text/plain"}}, std::move(body), false};
}

FakeHttpResponse FakeHttpResponse::dropped() {
    FakeHttpResponse r;
    r.dropConnection = true;
    return r;
}

FakeHttpServer::FakeHttpServer(FakeHttpHandler handler, int maxConnections)
    : handler_(std::move(handler)), maxConnections_(maxConnections) {
    listenFd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    const int one = 1;
    ::setsockopt(listenFd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK); // loopback only
    socklen_t len = sizeof a;
    if (::bind(listenFd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(listenFd_, 64) != 0 ||
        ::getsockname(listenFd_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
        throw std::runtime_error("fake HTTP server cannot listen on 127.0.0.1");
    port_ = ntohs(a.sin_port);
    acceptThread_ = std::thread([this] { acceptLoop(); });
}

FakeHttpServer::~FakeHttpServer() {
    stopping_ = true;
    ::shutdown(listenFd_, SHUT_RDWR);
    acceptThread_.join();
    {
        std::lock_guard lock(mutex_);
        for (const int fd : openFds_)
            ::shutdown(fd, SHUT_RDWR);
    }
    for (auto& t : threads_)
        t.join();
    ::close(listenFd_);
}

std::string FakeHttpServer::url() const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/";
}

std::vector<FakeHttpRequest> FakeHttpServer::requests() const {
    std::lock_guard lock(mutex_);
    return records_;
}

size_t FakeHttpServer::requestCount() const {
    std::lock_guard lock(mutex_);
    return records_.size();
}

size_t FakeHttpServer::countOf(const std::string& method, const std::string& pathPrefix) const {
    std::lock_guard lock(mutex_);
    return size_t(std::count_if(records_.begin(), records_.end(), [&](auto& r) {
        return r.method == method && r.path.starts_with(pathPrefix);
    }));
}

void FakeHttpServer::acceptLoop() {
    while (!stopping_) {
        pollfd p{listenFd_, POLLIN, 0};
        if (::poll(&p, 1, 200) <= 0)
            continue;
        const int client = ::accept(listenFd_, nullptr, nullptr);
        if (client < 0)
            continue;
        if (active_ >= maxConnections_) {
            sendAll(client,
                    "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            ::close(client);
            continue;
        }
        ++active_;
        std::lock_guard lock(mutex_);
        openFds_.push_back(client);
        threads_.emplace_back([this, client] { serve(client); });
    }
}

void FakeHttpServer::serve(int fd) {
    std::string buffer;
    char chunk[65536];
    // Reads more into `buffer`; false at end of stream, error, shutdown or after 30 s of silence.
    const auto readMore = [&] {
        const auto deadline = Clock::now() + std::chrono::seconds(30);
        while (!stopping_ && Clock::now() < deadline) {
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, 200) <= 0)
                continue;
            const auto n = ::recv(fd, chunk, sizeof chunk, 0);
            if (n <= 0)
                return false;
            buffer.append(chunk, size_t(n));
            return true;
        }
        return false;
    };
    const auto readExactly = [&](size_t n) {
        while (buffer.size() < n)
            if (!readMore())
                return false;
        return true;
    };
    const auto readLine = [&](std::string& line) {
        size_t end;
        while ((end = buffer.find("\r\n")) == std::string::npos)
            if (buffer.size() > kMaxHead || !readMore())
                return false;
        line = buffer.substr(0, end);
        buffer.erase(0, end + 2);
        return true;
    };

    for (bool keepAlive = true; keepAlive && !stopping_;) {
        size_t headEnd;
        while ((headEnd = buffer.find("\r\n\r\n")) == std::string::npos)
            if (buffer.size() > kMaxHead || !readMore())
                goto done;
        {
            FakeHttpRequest req;
            const std::string head = buffer.substr(0, headEnd + 2);
            buffer.erase(0, headEnd + 4);
            const auto lineEnd = head.find("\r\n");
            const std::string requestLine = head.substr(0, lineEnd);
            const auto sp1 = requestLine.find(' ');
            const auto sp2 = requestLine.find(' ', sp1 + 1);
            if (sp1 == std::string::npos || sp2 == std::string::npos)
                break;
            req.method = requestLine.substr(0, sp1);
            req.target = requestLine.substr(sp1 + 1, sp2 - sp1 - 1);
            const auto q = req.target.find('?');
            req.path = fakePercentDecode(req.target.substr(0, q), false);
            if (q != std::string::npos) {
                std::string query = req.target.substr(q + 1);
                size_t p = 0;
                while (p <= query.size()) {
                    const auto amp = query.find('&', p);
                    const auto pair = query.substr(p, amp == std::string::npos ? std::string::npos : amp - p);
                    const auto eq = pair.find('=');
                    if (!pair.empty())
                        req.query[fakePercentDecode(pair.substr(0, eq), true)] =
                            eq == std::string::npos ? std::string()
                                                    : fakePercentDecode(pair.substr(eq + 1), true);
                    if (amp == std::string::npos)
                        break;
                    p = amp + 1;
                }
            }
            for (size_t pos = lineEnd + 2; pos < head.size();) {
                const auto end = head.find("\r\n", pos);
                const std::string line = head.substr(pos, end - pos);
                pos = end + 2;
                const auto colon = line.find(':');
                if (colon != std::string::npos)
                    req.headers[lower(trim(line.substr(0, colon)))] = trim(line.substr(colon + 1));
            }
            if (lower(req.header("connection")) == "close")
                keepAlive = false;
            if (lower(req.header("expect")) == "100-continue" &&
                !sendAll(fd, "HTTP/1.1 100 Continue\r\n\r\n"))
                break;
            // The body: Content-Length or chunked.
            if (lower(req.header("transfer-encoding")).find("chunked") != std::string::npos) {
                for (;;) {
                    std::string sizeLine;
                    if (!readLine(sizeLine))
                        goto done;
                    std::uint64_t size = 0;
                    if (std::from_chars(sizeLine.data(), sizeLine.data() + sizeLine.size(), size, 16).ec !=
                        std::errc())
                        goto done;
                    if (size == 0) {
                        std::string trailer;
                        do {
                            if (!readLine(trailer))
                                goto done;
                        } while (!trailer.empty());
                        break;
                    }
                    if (req.body.size() + size > kMaxBody || !readExactly(size + 2))
                        goto done;
                    req.body.append(buffer, 0, size);
                    buffer.erase(0, size + 2);
                }
            } else if (const auto cl = req.header("content-length"); !cl.empty()) {
                std::uint64_t length = 0;
                if (std::from_chars(cl.data(), cl.data() + cl.size(), length).ec != std::errc() ||
                    length > kMaxBody || !readExactly(length))
                    goto done;
                req.body = buffer.substr(0, length);
                buffer.erase(0, length);
            }
            req.bodyBytes = req.body.size();
            const auto contentType = req.header("content-type");
            if (lower(contentType).starts_with("multipart/form-data"))
                req.parts = parseMultipart(req.body, headerParameter(contentType, "boundary"));

            FakeHttpResponse response;
            try {
                std::lock_guard lock(handlerMutex_);
                response = handler_(req);
            } catch (const std::exception& e) {
                // A fake's own bug or an unreadable request: an answer, not a crashed test run.
                response = FakeHttpResponse::text(500, std::string("fake handler failed: ") + e.what());
            }
            {
                FakeHttpRequest record = req;
                if (record.body.size() > kRecordedBodyLimit)
                    record.body.clear();
                for (auto& part : record.parts)
                    if (part.data.size() > kRecordedBodyLimit)
                        part.data.clear();
                std::lock_guard lock(mutex_);
                records_.push_back(std::move(record));
            }
            if (response.dropConnection)
                break;
            std::string out =
                "HTTP/1.1 " + std::to_string(response.status) + " " + reasonOf(response.status) + "\r\n";
            for (const auto& [name, value] : response.headers)
                out += name + ": " + value + "\r\n";
            out += "Content-Length: " + std::to_string(response.body.size()) + "\r\n";
            if (!keepAlive)
                out += "Connection: close\r\n";
            out += "\r\n";
            if (req.method != "HEAD")
                out += response.body;
            if (!sendAll(fd, out))
                break;
        }
    }
done : {
    std::lock_guard lock(mutex_);
    openFds_.erase(std::remove(openFds_.begin(), openFds_.end(), fd), openFds_.end());
}
    ::close(fd);
    --active_;
}

} // namespace docdesk::test
