#include "core/common/Translate.h"

#include <clocale>
#include <libintl.h>

namespace docdesk {

const char* tr(const char* msgid) {
    return ::dgettext("docdesk", msgid);
}

const char* trn(const char* singular, const char* plural, unsigned long n) {
    return ::dngettext("docdesk", singular, plural, n);
}

void initTranslations(const std::string& localeDir) {
    std::setlocale(LC_ALL, "");
    // Numbers in JSON and file names stay in the C locale whatever the user's language.
    std::setlocale(LC_NUMERIC, "C");
    ::bindtextdomain("docdesk", localeDir.c_str());
    ::bind_textdomain_codeset("docdesk", "UTF-8");
}

} // namespace docdesk
