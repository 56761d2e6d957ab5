#include "tests/support/ProfileCli.h"

#include "tests/support/TestSupport.h"

#include <atomic>
#include <fcntl.h>
#include <optional>
#include <stdexcept>
#include <unistd.h>

namespace docdesk::test {
namespace fs = std::filesystem;

namespace {

// The read end of a pipe holding `lines` (inherited by the child: no close-on-exec).
class SecretPipe {
  public:
    explicit SecretPipe(const std::vector<std::string>& lines) {
        int fds[2];
        if (::pipe2(fds, 0) != 0)
            throw std::runtime_error("pipe failed");
        readFd_ = fds[0];
        std::string text;
        for (const auto& line : lines)
            text += line + "\n";
        if (::write(fds[1], text.data(), text.size()) != static_cast<ssize_t>(text.size()))
            throw std::runtime_error("pipe write failed");
        ::close(fds[1]);
    }
    SecretPipe(const SecretPipe&) = delete;
    SecretPipe& operator=(const SecretPipe&) = delete;
    ~SecretPipe() { ::close(readFd_); }
    int fd() const { return readFd_; }

  private:
    int readFd_ = -1;
};

std::string readText(const fs::path& file) {
    if (!fs::exists(file))
        return {};
    const auto bytes = readFile(file);
    return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

} // namespace

ProfileCliRun runProfileCli(const fs::path& home, const std::vector<std::string>& args,
                            const ProfileCliSecrets& secrets,
                            const std::map<std::string, std::string>& environment,
                            const ProfileCliLaunch& launch) {
    static std::atomic<int> counter{0};
    platform::ChildOptions options;
    options.environment = {{"XDG_CONFIG_HOME", (home / "config").string()},
                           {"XDG_DATA_HOME", (home / "data").string()},
                           {"HOME", home.string()},
                           {"LANGUAGE", "C"},
                           {"LC_ALL", "C"},
                           {"DOCDESK_NO_KEYRING", "1"},
                           {"DOCDESK_PASSPHRASE_FD", ""},
                           {"DOCDESK_PASSWORD_FD", ""}};
    for (const auto& [k, v] : environment)
        options.environment[k] = v;
    std::optional<SecretPipe> passphrase, password;
    if (!secrets.passphrase.empty()) {
        passphrase.emplace(secrets.passphrase);
        options.environment["DOCDESK_PASSPHRASE_FD"] = std::to_string(passphrase->fd());
    }
    if (!secrets.password.empty()) {
        password.emplace(secrets.password);
        options.environment["DOCDESK_PASSWORD_FD"] = std::to_string(password->fd());
    }
    options.pipeStdout = true;
    const fs::path errFile = home / ("cli-stderr-" + std::to_string(++counter) + ".txt");
    options.stderrFile = errFile;
    options.workingDirectory = launch.workingDirectory;
    std::vector<std::string> argv = launch.prefix;
    argv.push_back(cliPath().string());
    argv.insert(argv.end(), args.begin(), args.end());
    platform::ChildProcess cli(argv, options);
    ProfileCliRun run;
    run.out = cli.readAll();
    const auto status = cli.waitFor(std::chrono::seconds(60));
    if (status) {
        run.status = *status;
    } else {
        cli.signal(9);
        run.status = cli.wait();
    }
    run.err = readText(errFile);
    return run;
}

CliInputRun runCliWithInput(const std::filesystem::path& home, const std::vector<std::string>& args,
                            const std::string& input) {
    std::vector<std::string> argv{cliPath().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    platform::ChildOptions o;
    o.pipeStdin = true;
    o.pipeStdout = true;
    o.stderrFile = home / "stderr.log";
    o.environment["XDG_DATA_HOME"] = (home / "data").string();
    o.environment["XDG_CONFIG_HOME"] = (home / "config").string();
    o.environment["DBUS_SESSION_BUS_ADDRESS"] = "unix:path=" + (home / "no-bus").string();
    o.environment["DOCDESK_PASSPHRASE_FD"] = "0";
    o.environment["DOCDESK_PASSWORD_FD"] = "0";
    o.environment["LANG"] = "C.UTF-8";
    platform::ChildProcess p(argv, o);
    p.writeStdin(input);
    p.closeStdin();
    CliInputRun r;
    r.out = p.readAll();
    const auto status = p.waitFor(std::chrono::seconds(120));
    r.code = status ? status->code : -1;
    return r;
}

std::string cliErrors(const std::filesystem::path& home) {
    const auto bytes = readFile(home / "stderr.log");
    return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

} // namespace docdesk::test
