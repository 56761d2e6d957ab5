#pragma once
// A private Secret Service for a test: its own D-Bus session bus (dbus-daemon) and a
// gnome-keyring-daemon whose login keyring is created and unlocked with a known password,
// all in a temporary folder. The test process is pointed at that bus (environment), so
// platform::osKeyring() and child processes started with environment() use it.
#include "platform/ChildProcess.h"
#include "tests/support/TestSupport.h"

#include <map>
#include <memory>
#include <string>

namespace docdesk::test {

class KeyringSession {
  public:
    // Starts both daemons and waits (at most 10 s) until org.freedesktop.secrets is on the
    // bus. Throws std::runtime_error when either cannot be started.
    KeyringSession();
    KeyringSession(const KeyringSession&) = delete;
    KeyringSession& operator=(const KeyringSession&) = delete;
    // Stops the daemons (this process's bus connection is told not to exit when they go).
    ~KeyringSession();

    // Variables pointing a child process at this session.
    const std::map<std::string, std::string>& environment() const { return environment_; }
    const std::filesystem::path& keyringFolder() const { return keyrings_; }

  private:
    TempDir dir_;
    std::filesystem::path keyrings_;
    std::map<std::string, std::string> environment_;
    std::unique_ptr<platform::ChildProcess> bus_;
    std::unique_ptr<platform::ChildProcess> keyring_;
};

} // namespace docdesk::test
