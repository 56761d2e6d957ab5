#include "app/common/LanguagePreference.h"

#include <clocale>
#include <cstdlib>
#include <cstring>

namespace docdesk::app {

void applyLanguagePreference(const std::string& language) {
    if (language.empty())
        return;
    // gettext's LANGUAGE overrides the locale's language for messages only (numbers, dates and
    // file-name encoding stay the user's). It is ignored in the plain "C" locale, so messages
    // then use C.UTF-8, which differs from "C" in nothing but the character set.
    ::setenv("LANGUAGE", language.c_str(), 1);
    const char* messages = std::setlocale(LC_MESSAGES, nullptr);
    if (!messages || std::strcmp(messages, "C") == 0 || std::strcmp(messages, "POSIX") == 0)
        std::setlocale(LC_MESSAGES, "C.UTF-8");
}

} // namespace docdesk::app
