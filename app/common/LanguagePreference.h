#pragma once
// The language chosen in Preferences ("" = the system's, "en", "de"), applied to the gettext
// catalog that core's tr() reads. The GUI applies the same choice to wx's translations.
#include <string>

namespace docdesk::app {

// Call after app::initialise(): makes tr() (and the workers started later, which inherit the
// environment) use `language` whatever the user's locale says. Empty leaves the system's.
void applyLanguagePreference(const std::string& language);

} // namespace docdesk::app
