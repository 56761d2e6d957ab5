#pragma once
// Crash reports: on SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT and std::terminate the process
// writes a short text report (program, version, time, signal, backtrace) into a folder, then
// dies with the default action so its exit status still says "crashed". The report holds no
// environment, no arguments beyond the program name, and no memory contents, so it can be
// shown to the user and sent on as it is.
#include <filesystem>
#include <string_view>

namespace docdesk::platform {

// Installs the handlers for this process (call once, early in main). Creates `reportFolder`
// when missing; everything the handler needs is prepared here, because the handler itself may
// only use async-signal-safe calls. Failures (e.g. a read-only folder) leave crashes unreported.
void installCrashHandler(const std::filesystem::path& reportFolder, std::string_view program,
                         std::string_view version);

} // namespace docdesk::platform
