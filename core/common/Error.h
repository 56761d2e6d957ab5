#pragma once
// docdesk's typed exceptions. Each carries a message for the user (already translated)
// that says what happened and, where there is one, what to do about it. Expected per-page
// outcomes (no barcode, blank page) are values, not exceptions.
#include <stdexcept>
#include <string>

namespace docdesk {

class Error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// The session is open in another docdesk instance.
class SessionLockedError : public Error {
  public:
    using Error::Error;
};

// The session's files or index cannot be read or written (disk full, permissions, damage).
class JournalError : public Error {
  public:
    using Error::Error;
};

// A file is not something docdesk can read as pages (or it is damaged).
class UnreadableFileError : public Error {
  public:
    using Error::Error;
};

} // namespace docdesk
