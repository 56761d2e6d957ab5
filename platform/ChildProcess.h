#pragma once
// A child process with optional pipes to its standard input and output. Used for the
// analysis and scanner workers (a crash there costs one page, not the session) and by the
// tests that start real servers and the application itself.
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace docdesk::platform {

struct ChildOptions {
    std::map<std::string, std::string> environment; // added to (or replacing in) the parent's
    bool pipeStdin = false;
    bool pipeStdout = false;
    bool discardStdout = false;
    bool discardStderr = false;
    std::filesystem::path stderrFile; // when set, stderr is appended to this file
    std::filesystem::path workingDirectory;
};

struct ExitStatus {
    int code = -1;  // exit code when exited normally
    int signal = 0; // terminating signal, 0 when exited normally
    // The child's peak resident memory in KiB over its life (its own children's included when
    // it waited for them); 0 when unknown. For memory benchmarks and bounds in tests.
    long peakResidentKiB = 0;
    double cpuSeconds = 0; // user + system time the child used (likewise)
    bool exitedNormally() const { return signal == 0; }
    bool success() const { return signal == 0 && code == 0; }
};

class ChildProcess {
  public:
    // Starts argv[0] (looked up in PATH when it has no slash). Throws std::system_error.
    ChildProcess(const std::vector<std::string>& argv, const ChildOptions& options = {});
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;
    ChildProcess(ChildProcess&& other) noexcept;
    ChildProcess& operator=(ChildProcess&& other) noexcept;
    // Kills (SIGKILL) and reaps a child that is still running.
    ~ChildProcess();

    int pid() const { return pid_; }
    bool running();
    void signal(int sig);
    // Waits at most `timeout`; empty when the child is still running then.
    std::optional<ExitStatus> waitFor(std::chrono::milliseconds timeout);
    ExitStatus wait();

    // Pipes (only when requested in the options).
    void writeStdin(const std::string& data);
    void closeStdin();
    // Reads one line (without the newline) within `timeout`; empty at end of file or timeout.
    std::optional<std::string> readLine(std::chrono::milliseconds timeout);
    // Reads exactly out.size() bytes (binary data after a line, e.g. a worker's pixels) within
    // `timeout`; false at end of file or timeout.
    bool readExactly(std::span<std::byte> out, std::chrono::milliseconds timeout);
    // Reads everything until end of file.
    std::string readAll();

  private:
    void reset() noexcept;
    int pid_ = -1;
    int stdinFd_ = -1;
    int stdoutFd_ = -1;
    std::string buffer_;
    std::optional<ExitStatus> status_;
};

// The folder holding the running executable (to find sibling programs such as the worker).
std::filesystem::path executableDirectory();

} // namespace docdesk::platform
