#pragma once
// Small helpers shared by the fuzz targets. The rule every target follows: a parser may refuse
// its input only with docdesk's own errors (docdesk::Error and its subclasses carry the message
// the user sees); any other exception escapes the target, and libFuzzer reports it as a crash,
// like a sanitizer finding. A message that is empty is a bug too: the user would learn nothing.
#include "core/common/Error.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace docdesk::fuzz {

inline std::string_view textOf(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

// Checks a refusal: its message must say something.
inline void expectMessage(const Error& e) {
    if (std::string_view(e.what()).empty()) {
        std::fputs("a docdesk::Error without a message\n", stderr);
        std::abort();
    }
}

// Stops the run when an invariant of the parser does not hold.
inline void require(bool condition, const char* what) {
    if (!condition) {
        std::fprintf(stderr, "invariant broken: %s\n", what);
        std::abort();
    }
}

} // namespace docdesk::fuzz
