#pragma once
// The worker's end of its pipes and its signals: one header, one source per OS
// (WorkerIo_posix.cpp here). The protocol gets a private copy of stdout, and stdout itself is
// pointed at stderr, so a driver that prints to stdout cannot corrupt the JSON lines.
#include <optional>
#include <string>

namespace docdesk::scanworker {

class ProtocolChannel {
  public:
    ProtocolChannel(); // takes over stdin and stdout
    ProtocolChannel(const ProtocolChannel&) = delete;
    ProtocolChannel& operator=(const ProtocolChannel&) = delete;
    ~ProtocolChannel();

    // The next request line. With `wait`, blocks until one arrives, input ends or a signal
    // arrives; without, returns at once (empty when no whole line is there yet).
    std::optional<std::string> readLine(bool wait);
    // True once stdin is closed (the client went away) and no line is left.
    bool inputEnded() const { return ended_ && buffer_.find('\n') == std::string::npos; }
    // Writes one line; false when the client is gone.
    bool writeLine(const std::string& line);

  private:
    bool fill(bool wait);
    int in_ = 0;
    int out_ = -1;
    bool ended_ = false;
    bool interrupted_ = false;
    std::string buffer_;
};

// SIGTERM (and SIGHUP) call `onTerminate` from the signal handler; it must be
// async-signal-safe. SIGINT is ignored: Ctrl+C reaches the whole process group, and the
// client decides whether that cancels the scan. SIGPIPE is ignored (writeLine reports it).
void installSignalHandlers(void (*onTerminate)() noexcept);

} // namespace docdesk::scanworker
