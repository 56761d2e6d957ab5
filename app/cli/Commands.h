#pragma once
// The docdesk-cli commands. Each takes the arguments after its name and returns the exit code.
#include "core/journal/Session.h"

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

namespace docdesk::cli {

// Wrong command-line usage (exit code 2).
class UsageError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Shared by the commands:
// the value after the option at args[i] (i is advanced); UsageError when it is missing.
std::string optionValue(const std::vector<std::string>& args, size_t& i);
// A --dpi value: a number from 36 to 1200, else UsageError.
double parseDpi(const std::string& text);
// The folder of session `id`; empty or "latest" means the newest. docdesk::Error when none.
std::filesystem::path sessionDirectory(const std::string& id);
// The session a capturing command writes to: a new one, session `id`, or the last one used
// (a new one when there is none). UsageError when both an id and newSession are given.
std::unique_ptr<journal::Session> openSessionForWriting(const std::string& id, bool newSession);

// Ctrl+C (SIGINT) and SIGTERM as a stop request, while it lives: the one place the CLI handles
// them. A signal handler may only set a flag; a thread of its own turns the flag into a
// request on token(), which the command passes to its long calls. One at a time; the previous
// handlers come back when it goes.
class StopOnInterrupt {
  public:
    // A second signal ends the program at once with exit code 130 when `secondEndsProgram`
    // (for a command that may wait on a driver); otherwise it only repeats the request.
    explicit StopOnInterrupt(bool secondEndsProgram = false);
    ~StopOnInterrupt();
    StopOnInterrupt(const StopOnInterrupt&) = delete;
    StopOnInterrupt& operator=(const StopOnInterrupt&) = delete;

    std::stop_token token() const { return stop_.get_token(); }

  private:
    std::stop_source stop_;
    void (*previousInt_)(int) = nullptr;
    void (*previousTerm_)(int) = nullptr;
    std::jthread watcher_; // last: stopped before the rest goes
};

int runImport(const std::vector<std::string>& args);
int runInspect(const std::vector<std::string>& args);
int runCrop(const std::vector<std::string>& args);
int runAnalyse(const std::vector<std::string>& args);
int runSession(const std::vector<std::string>& args);
int runSplit(const std::vector<std::string>& args);
int runFile(const std::vector<std::string>& args);
int runScan(const std::vector<std::string>& args);
int runWatch(const std::vector<std::string>& args);
int runCamera(const std::vector<std::string>& args);
int runProfile(const std::vector<std::string>& args);
int runUpload(const std::vector<std::string>& args);
int runLedger(const std::vector<std::string>& args);

} // namespace docdesk::cli
