#pragma once
// Translation of user-visible strings through the gettext catalog "docdesk" (the GUI's wx
// translations read the same .mo files). Mark strings with tr("...") where they are shown and
// with DD_N("...") where they are only stored and translated later.
#include <fmt/format.h>
#include <string>

#define DD_N(s) s

namespace docdesk {

// The translation of `msgid` in the current locale (the msgid itself when there is none).
const char* tr(const char* msgid);

// Translates `msgid`, then fills its {} placeholders (fmt syntax) with `args`.
template <typename... Args> std::string trf(const char* msgid, Args&&... args) {
    return fmt::format(fmt::runtime(tr(msgid)), std::forward<Args>(args)...);
}

// The singular or plural form for `n` in the current language, with its {} placeholders
// filled: trnf("{} page stored", "{} pages stored", n, n).
const char* trn(const char* singular, const char* plural, unsigned long n);
template <typename... Args>
std::string trnf(const char* singular, const char* plural, unsigned long n, Args&&... args) {
    return fmt::format(fmt::runtime(trn(singular, plural, n)), std::forward<Args>(args)...);
}

// Points the catalog at `localeDir` (<prefix>/share/locale or the build tree) and selects the
// user's locale. Call once at start-up, before any tr().
void initTranslations(const std::string& localeDir);

} // namespace docdesk
