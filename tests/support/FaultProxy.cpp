#include "tests/support/FaultProxy.h"

#include "tests/support/ApacheServer.h"

#include <algorithm>
#include <arpa/inet.h>
#include <chrono>
#include <cstdint>
#include <netinet/in.h>
#include <poll.h>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>

namespace docdesk::test {
namespace {

using Clock = std::chrono::steady_clock;

bool sendAll(int fd, const char* data, size_t n) {
    while (n > 0) {
        const auto w = ::send(fd, data, n, MSG_NOSIGNAL);
        if (w <= 0)
            return false;
        data += w;
        n -= size_t(w);
    }
    return true;
}
bool sendAll(int fd, const std::string& s) {
    return sendAll(fd, s.data(), s.size());
}

// Reads what is available within `timeoutMs`; 0 at end of file or timeout, -1 on error.
ssize_t readSome(int fd, char* buf, size_t n, int timeoutMs) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, timeoutMs) <= 0)
        return 0;
    const auto got = ::recv(fd, buf, n, 0);
    return got == 0 ? -1 : got; // readable but nothing: the peer closed
}

int connectTo(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(uint16_t(port));
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return s;
}

} // namespace

FaultProxy::FaultProxy(int upstreamPort, FaultRule rule)
    : upstreamPort_(upstreamPort), rule_(std::move(rule)) {
    listenFd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    const int one = 1;
    ::setsockopt(listenFd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (::bind(listenFd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(listenFd_, 64) != 0 ||
        ::getsockname(listenFd_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
        throw std::runtime_error("fault proxy cannot listen");
    port_ = ntohs(a.sin_port);
    acceptThread_ = std::thread([this] { acceptLoop(); });
}

FaultProxy::~FaultProxy() {
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

std::string FaultProxy::url() const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/dav/";
}

void FaultProxy::acceptLoop() {
    while (!stopping_) {
        pollfd p{listenFd_, POLLIN, 0};
        if (::poll(&p, 1, 200) <= 0)
            continue;
        const int client = ::accept(listenFd_, nullptr, nullptr);
        if (client < 0)
            continue;
        std::lock_guard lock(mutex_);
        openFds_.push_back(client);
        threads_.emplace_back([this, client] { serve(client); });
    }
}

void FaultProxy::serve(int client) {
    int upstream = -1;
    const auto closeAll = [&] {
        std::lock_guard lock(mutex_);
        for (const int fd : {client, upstream}) {
            if (fd < 0)
                continue;
            openFds_.erase(std::remove(openFds_.begin(), openFds_.end(), fd), openFds_.end());
            ::close(fd);
        }
    };
    // 1. The request head.
    std::string head;
    char buf[65536];
    const auto deadline = Clock::now() + std::chrono::seconds(20);
    size_t headEnd = std::string::npos;
    while (headEnd == std::string::npos && Clock::now() < deadline && !stopping_ && head.size() < 65536) {
        const auto n = readSome(client, buf, sizeof buf, 200);
        if (n < 0)
            break;
        head.append(buf, size_t(n));
        headEnd = head.find("\r\n\r\n");
    }
    if (headEnd == std::string::npos) {
        closeAll();
        return;
    }
    std::string body = head.substr(headEnd + 4);
    head.resize(headEnd + 2); // keep the last header's CRLF
    const auto sp1 = head.find(' ');
    const auto sp2 = head.find(' ', sp1 + 1);
    const std::string method = head.substr(0, sp1);
    const std::string path = head.substr(sp1 + 1, sp2 - sp1 - 1);
    size_t contentLength = 0;
    bool expectContinue = false;
    std::string forwardedHead;
    size_t pos = head.find("\r\n") + 2;
    forwardedHead = head.substr(0, pos);
    while (pos < head.size()) {
        const auto end = head.find("\r\n", pos);
        const std::string line = head.substr(pos, end - pos);
        pos = end + 2;
        const auto name = lower(line.substr(0, line.find(':')));
        if (name == "content-length")
            contentLength = std::stoul(line.substr(line.find(':') + 1));
        if (name == "expect") {
            expectContinue = true;
            continue; // the proxy answers 100 itself where needed
        }
        if (name == "connection")
            continue;
        forwardedHead += line + "\r\n";
    }
    forwardedHead += "Connection: close\r\n\r\n";

    int nth = 0;
    {
        std::lock_guard lock(mutex_);
        auto it =
            std::find_if(perMethod_.begin(), perMethod_.end(), [&](auto& p) { return p.first == method; });
        if (it == perMethod_.end())
            perMethod_.emplace_back(method, 1);
        else
            nth = it->second++;
    }
    const Fault fault = rule_(method, path, nth);
    if (fault.kind != Fault::Kind::None)
        ++injected_;

    const auto readBody = [&](size_t upTo, int forwardTo) {
        if (expectContinue && body.empty() && upTo > 0)
            sendAll(client, "HTTP/1.1 100 Continue\r\n\r\n");
        if (forwardTo >= 0)
            sendAll(forwardTo, body.data(), std::min(body.size(), upTo));
        size_t have = body.size();
        const auto bodyDeadline = Clock::now() + std::chrono::seconds(60);
        while (have < upTo && !stopping_ && Clock::now() < bodyDeadline) {
            const auto n = readSome(client, buf, std::min(sizeof buf, upTo - have), 200);
            if (n < 0)
                return false;
            if (forwardTo >= 0 && n > 0 && !sendAll(forwardTo, buf, size_t(n)))
                return false;
            if (const std::size_t rate = bytesPerSecond_; rate > 0 && n > 0)
                std::this_thread::sleep_for(
                    std::chrono::microseconds(std::int64_t(n) * 1'000'000 / std::int64_t(rate)));
            have += size_t(n);
        }
        return have >= upTo;
    };

    switch (fault.kind) {
    case Fault::Kind::Status: {
        // The body is consumed first, so the client sees the status rather than a reset.
        if (!expectContinue)
            readBody(contentLength, -1);
        sendAll(client, "HTTP/1.1 " + std::to_string(fault.status) + " Injected\r\n" + fault.extraHeaders +
                            "Content-Length: 0\r\nConnection: close\r\n\r\n");
        ::shutdown(client, SHUT_WR);
        readSome(client, buf, sizeof buf, 200);
        break;
    }
    case Fault::Kind::HangAfterHeaders: {
        readBody(contentLength, -1);
        sendAll(client, "HTTP/1.1 201 Created\r\nContent-Length: 1000\r\n\r\n");
        const auto hangUntil = Clock::now() + std::chrono::seconds(60);
        while (!stopping_ && Clock::now() < hangUntil) {
            pollfd p{client, POLLIN, 0};
            if (::poll(&p, 1, 200) > 0 && ::recv(client, buf, sizeof buf, 0) <= 0)
                break; // the client gave up
        }
        break;
    }
    case Fault::Kind::DropMidBody:
    case Fault::Kind::None: {
        upstream = connectTo(upstreamPort_);
        if (upstream < 0)
            break;
        {
            std::lock_guard lock(mutex_);
            openFds_.push_back(upstream);
        }
        sendAll(upstream, forwardedHead);
        if (fault.kind == Fault::Kind::DropMidBody) {
            readBody(contentLength / 2, upstream);
            break; // both connections closed below, half the body sent
        }
        if (!readBody(contentLength, upstream))
            break;
        // The answer, until the server closes (Connection: close).
        const auto answerDeadline = Clock::now() + std::chrono::seconds(120);
        while (!stopping_ && Clock::now() < answerDeadline) {
            pollfd p{upstream, POLLIN, 0};
            if (::poll(&p, 1, 200) <= 0)
                continue;
            const auto n = ::recv(upstream, buf, sizeof buf, 0);
            if (n <= 0 || !sendAll(client, buf, size_t(n)))
                break;
        }
        break;
    }
    }
    closeAll();
}

} // namespace docdesk::test
