#include "tests/support/KeyringSession.h"

#include <csignal>
#include <cstdlib>
#include <gio/gio.h>
#include <stdexcept>
#include <thread>

namespace docdesk::test {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {
constexpr const char* kKeyringPassword = "test-login-keyring";

bool secretServiceOnBus(const std::map<std::string, std::string>& environment) {
    platform::ChildOptions options;
    options.environment = environment;
    options.pipeStdout = true;
    options.discardStderr = true;
    platform::ChildProcess query({"dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.DBus",
                                  "/", "org.freedesktop.DBus.NameHasOwner", "string:org.freedesktop.secrets"},
                                 options);
    const std::string reply = query.readAll();
    query.wait();
    return reply.find("boolean true") != std::string::npos;
}
} // namespace

KeyringSession::KeyringSession() {
    const fs::path runtime = dir_ / "run";
    fs::create_directories(runtime);
    fs::permissions(runtime, fs::perms::owner_all, fs::perm_options::replace);
    keyrings_ = dir_ / "data" / "keyrings";

    platform::ChildOptions busOptions;
    busOptions.pipeStdout = true;
    busOptions.discardStderr = true; // "Failed to set fd limit" in containers
    bus_ = std::make_unique<platform::ChildProcess>(
        std::vector<std::string>{"dbus-daemon", "--session", "--nofork", "--nopidfile", "--print-address=1"},
        busOptions);
    const auto address = bus_->readLine(10s);
    if (!address || address->empty())
        throw std::runtime_error("dbus-daemon did not print its address");

    environment_ = {{"DBUS_SESSION_BUS_ADDRESS", *address},
                    {"XDG_RUNTIME_DIR", runtime.string()},
                    {"XDG_DATA_HOME", (dir_ / "data").string()},
                    {"HOME", dir_.path().string()},
                    {"DOCDESK_NO_KEYRING", ""}};
    platform::ChildOptions keyringOptions;
    keyringOptions.environment = environment_;
    keyringOptions.pipeStdin = true;
    keyringOptions.discardStdout = true;
    keyringOptions.stderrFile = dir_ / "gnome-keyring.log";
    keyring_ = std::make_unique<platform::ChildProcess>(
        std::vector<std::string>{"gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"},
        keyringOptions);
    keyring_->writeStdin(kKeyringPassword);
    keyring_->closeStdin();
    bool up = false;
    for (int attempt = 0; attempt < 100 && !up; ++attempt) { // at most ~10 s
        up = secretServiceOnBus(environment_);
        if (!up)
            std::this_thread::sleep_for(100ms);
    }
    if (!up)
        throw std::runtime_error("gnome-keyring-daemon did not take org.freedesktop.secrets on the test bus");

    // This process talks to the same bus (platform::osKeyring()).
    ::setenv("DBUS_SESSION_BUS_ADDRESS", address->c_str(), 1);
    ::setenv("XDG_RUNTIME_DIR", runtime.string().c_str(), 1);
    ::unsetenv("DOCDESK_NO_KEYRING");
}

KeyringSession::~KeyringSession() {
    // GIO's shared session connection would raise SIGTERM when its bus goes away.
    if (GDBusConnection* connection = g_bus_get_sync(G_BUS_TYPE_SESSION, nullptr, nullptr)) {
        g_dbus_connection_set_exit_on_close(connection, FALSE);
        g_object_unref(connection);
    }
    for (auto* child : {keyring_.get(), bus_.get()}) {
        if (child == nullptr)
            continue;
        child->signal(SIGTERM);
        if (!child->waitFor(5s))
            child->signal(SIGKILL);
    }
}

} // namespace docdesk::test
