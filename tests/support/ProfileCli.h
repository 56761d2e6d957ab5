#pragma once
// Runs `docdesk-cli profile ...` (and other commands) for the vault tests: config and data
// folders below `home`, no keyring unless the environment names one, and secrets fed the way
// scripts do it — lines on the descriptors named in DOCDESK_PASSPHRASE_FD / DOCDESK_PASSWORD_FD.
#include "platform/ChildProcess.h"

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace docdesk::test {

struct ProfileCliRun {
    std::string out;
    std::string err;
    platform::ExitStatus status;
};

struct ProfileCliSecrets {
    std::vector<std::string> passphrase; // lines for DOCDESK_PASSPHRASE_FD (none: not set)
    std::vector<std::string> password;   // lines for DOCDESK_PASSWORD_FD (none: not set)
};

// Where and how the CLI is started: its working folder (empty: the test's), and a command put
// before it (e.g. a script that enters a mount namespace and then runs "$@").
struct ProfileCliLaunch {
    std::filesystem::path workingDirectory;
    std::vector<std::string> prefix;
};

// Waits at most 60 s (then kills the CLI and reports it as failed).
ProfileCliRun runProfileCli(const std::filesystem::path& home, const std::vector<std::string>& args,
                            const ProfileCliSecrets& secrets = {},
                            const std::map<std::string, std::string>& environment = {},
                            const ProfileCliLaunch& launch = {});

// docdesk-cli with its own data and config folders, no reachable keyring, and `input` on stdin
// (the passphrase and password lines, read through DOCDESK_PASSPHRASE_FD / _PASSWORD_FD = 0);
// stderr goes to `home`/stderr.log (see cliErrors). Waits at most 120 s (code -1 then).
struct CliInputRun {
    std::string out;
    int code = -1;
};
CliInputRun runCliWithInput(const std::filesystem::path& home, const std::vector<std::string>& args,
                            const std::string& input = {});
// What the last runCliWithInput in `home` wrote to stderr.
std::string cliErrors(const std::filesystem::path& home);

} // namespace docdesk::test
