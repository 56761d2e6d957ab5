#include "platform/ChildProcess.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <system_error>
#include <thread>
#include <unistd.h>
#include <utility>

extern char** environ;

namespace docdesk::platform {
namespace {

[[noreturn]] void throwErrno(const char* what, int err = errno) {
    throw std::system_error(err, std::generic_category(), what);
}

ExitStatus decode(int status, const struct rusage& usage) {
    ExitStatus s;
    s.peakResidentKiB = usage.ru_maxrss; // Linux: KiB
    const auto seconds = [](const timeval& t) { return double(t.tv_sec) + double(t.tv_usec) / 1e6; };
    s.cpuSeconds = seconds(usage.ru_utime) + seconds(usage.ru_stime);
    if (WIFEXITED(status))
        s.code = WEXITSTATUS(status);
    else if (WIFSIGNALED(status))
        s.signal = WTERMSIG(status);
    return s;
}

} // namespace

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const ChildOptions& options) {
    if (argv.empty())
        throw std::invalid_argument("ChildProcess: empty command");

    std::map<std::string, std::string> env;
    for (char** e = environ; *e; ++e) {
        std::string kv(*e);
        const auto eq = kv.find('=');
        if (eq != std::string::npos)
            env[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    for (const auto& [k, v] : options.environment)
        env[k] = v;
    std::vector<std::string> envStrings;
    envStrings.reserve(env.size());
    for (const auto& [k, v] : env)
        envStrings.push_back(k + "=" + v);
    std::vector<char*> envp;
    for (auto& s : envStrings)
        envp.push_back(s.data());
    envp.push_back(nullptr);
    std::vector<std::string> args = argv;
    std::vector<char*> argp;
    for (auto& s : args)
        argp.push_back(s.data());
    argp.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    int inPipe[2] = {-1, -1};
    int outPipe[2] = {-1, -1};
    auto cleanup = [&] {
        posix_spawn_file_actions_destroy(&actions);
        for (int fd : {inPipe[0], inPipe[1], outPipe[0], outPipe[1]})
            if (fd >= 0)
                ::close(fd);
    };
    if (options.pipeStdin) {
        if (::pipe2(inPipe, O_CLOEXEC) != 0) {
            cleanup();
            throwErrno("pipe");
        }
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0);
    }
    if (options.pipeStdout) {
        if (::pipe2(outPipe, O_CLOEXEC) != 0) {
            cleanup();
            throwErrno("pipe");
        }
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1);
    } else if (options.discardStdout) {
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    }
    if (!options.stderrFile.empty())
        posix_spawn_file_actions_addopen(&actions, 2, options.stderrFile.c_str(),
                                         O_WRONLY | O_CREAT | O_APPEND, 0644);
    else if (options.discardStderr)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    if (!options.workingDirectory.empty())
        posix_spawn_file_actions_addchdir_np(&actions, options.workingDirectory.c_str());

    pid_t pid = -1;
    const int rc = posix_spawnp(&pid, argp[0], &actions, nullptr, argp.data(), envp.data());
    if (rc != 0) {
        cleanup();
        throw std::system_error(rc, std::generic_category(), "cannot start " + argv[0]);
    }
    posix_spawn_file_actions_destroy(&actions);
    pid_ = pid;
    if (options.pipeStdin) {
        ::close(inPipe[0]);
        stdinFd_ = inPipe[1];
    }
    if (options.pipeStdout) {
        ::close(outPipe[1]);
        stdoutFd_ = outPipe[0];
    }
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)), stdinFd_(std::exchange(other.stdinFd_, -1)),
      stdoutFd_(std::exchange(other.stdoutFd_, -1)), buffer_(std::move(other.buffer_)),
      status_(other.status_) {}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
    if (this != &other) {
        reset();
        pid_ = std::exchange(other.pid_, -1);
        stdinFd_ = std::exchange(other.stdinFd_, -1);
        stdoutFd_ = std::exchange(other.stdoutFd_, -1);
        buffer_ = std::move(other.buffer_);
        status_ = other.status_;
    }
    return *this;
}

ChildProcess::~ChildProcess() {
    reset();
}

void ChildProcess::reset() noexcept {
    if (stdinFd_ >= 0)
        ::close(std::exchange(stdinFd_, -1));
    if (stdoutFd_ >= 0)
        ::close(std::exchange(stdoutFd_, -1));
    if (pid_ > 0 && !status_) {
        ::kill(pid_, SIGKILL);
        int st = 0;
        while (::waitpid(pid_, &st, 0) < 0 && errno == EINTR) {
        }
    }
    pid_ = -1;
}

bool ChildProcess::running() {
    return !waitFor(std::chrono::milliseconds(0));
}

void ChildProcess::signal(int sig) {
    if (pid_ > 0 && !status_)
        ::kill(pid_, sig);
}

std::optional<ExitStatus> ChildProcess::waitFor(std::chrono::milliseconds timeout) {
    if (status_)
        return status_;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        int st = 0;
        struct rusage usage {};
        const pid_t r = ::wait4(pid_, &st, WNOHANG, &usage);
        if (r == pid_) {
            status_ = decode(st, usage);
            return status_;
        }
        if (r < 0 && errno != EINTR)
            throwErrno("waitpid");
        if (std::chrono::steady_clock::now() >= deadline)
            return std::nullopt;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

ExitStatus ChildProcess::wait() {
    if (status_)
        return *status_;
    int st = 0;
    struct rusage usage {};
    while (::wait4(pid_, &st, 0, &usage) < 0) {
        if (errno != EINTR)
            throwErrno("waitpid");
    }
    status_ = decode(st, usage);
    return *status_;
}

void ChildProcess::writeStdin(const std::string& data) {
    const char* p = data.data();
    size_t left = data.size();
    while (left > 0) {
        const ssize_t n = ::write(stdinFd_, p, left);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            throwErrno("write to child");
        }
        p += n;
        left -= static_cast<size_t>(n);
    }
}

void ChildProcess::closeStdin() {
    if (stdinFd_ >= 0)
        ::close(std::exchange(stdinFd_, -1));
}

std::optional<std::string> ChildProcess::readLine(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (const auto nl = buffer_.find('\n'); nl != std::string::npos) {
            std::string line = buffer_.substr(0, nl);
            buffer_.erase(0, nl + 1);
            return line;
        }
        if (stdoutFd_ < 0)
            return std::nullopt;
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0)
            return std::nullopt;
        pollfd pfd{stdoutFd_, POLLIN, 0};
        const int pr = ::poll(&pfd, 1, static_cast<int>(left.count()));
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr <= 0)
            return std::nullopt;
        char buf[4096];
        const ssize_t n = ::read(stdoutFd_, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            ::close(std::exchange(stdoutFd_, -1));
            if (!buffer_.empty())
                return std::exchange(buffer_, {});
            return std::nullopt;
        }
        buffer_.append(buf, static_cast<size_t>(n));
    }
}

bool ChildProcess::readExactly(std::span<std::byte> out, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    size_t filled = std::min(out.size(), buffer_.size()); // what readLine read ahead
    if (filled > 0) {
        std::memcpy(out.data(), buffer_.data(), filled);
        buffer_.erase(0, filled);
    }
    while (filled < out.size()) {
        if (stdoutFd_ < 0)
            return false;
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0)
            return false;
        pollfd pfd{stdoutFd_, POLLIN, 0};
        const int pr = ::poll(&pfd, 1, static_cast<int>(left.count()));
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr <= 0)
            return false;
        const ssize_t n = ::read(stdoutFd_, out.data() + filled, out.size() - filled);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            ::close(std::exchange(stdoutFd_, -1));
            return false;
        }
        filled += static_cast<size_t>(n);
    }
    return true;
}

std::string ChildProcess::readAll() {
    std::string out = std::exchange(buffer_, {});
    if (stdoutFd_ < 0)
        return out;
    char buf[65536];
    for (;;) {
        const ssize_t n = ::read(stdoutFd_, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        out.append(buf, static_cast<size_t>(n));
    }
    ::close(std::exchange(stdoutFd_, -1));
    return out;
}

std::filesystem::path executableDirectory() {
    std::error_code ec;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::filesystem::current_path() : self.parent_path();
}

} // namespace docdesk::platform
