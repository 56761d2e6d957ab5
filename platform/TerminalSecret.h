#pragma once
// Reading a secret (passphrase, password) typed by the user, without echo, or one line from
// a file descriptor handed over by a script. The bytes go into the caller's buffer (guarded
// memory), never into a std::string.
#include <cstddef>
#include <span>
#include <string>

namespace docdesk::platform {

// Shows `prompt` on the controlling terminal and reads one line with echo off. Returns the
// length (without the newline). Throws std::runtime_error when there is no terminal, or the
// line does not fit into `buffer`.
std::size_t readSecretFromTerminal(const std::string& prompt, std::span<unsigned char> buffer);

// Reads one line (up to a newline or end of file) from descriptor `fd`, unbuffered so later
// reads get the following lines. Throws std::runtime_error when it cannot be read or does not fit.
std::size_t readSecretFromDescriptor(int fd, std::span<unsigned char> buffer);

} // namespace docdesk::platform
