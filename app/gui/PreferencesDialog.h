#pragma once
// Preferences (Edit > Preferences, Ctrl+,): the language of the window and the messages —
// the system's, English or German — stored in docdesk.conf and applied at the next start; and
// the languages text recognition reads (default: the system language plus English), used
// where the rules profile names none. Other choices (archive folder, scanner settings, rules file) are
// remembered where they are made, in the filing plan and the scan dialog.
#include <string>
#include <wx/string.h>

class wxWindow;

namespace docdesk::gui {

// The key in docdesk.conf and its values: "" (the system's language), "en", "de".
inline constexpr const char* kLanguageSetting = "preferences/language";

// The stored language choice ("" when none or unknown).
wxString preferredLanguage();

// The key in docdesk.conf for the OCR languages: Tesseract codes joined by '+' ("deu+eng");
// "" for the default (ocr::defaultLanguages()).
inline constexpr const char* kOcrLanguagesSetting = "preferences/ocr_languages";

// The OCR languages for a rules profile's choice: the profile's own when it names some, else the
// stored preference, else "" (the system language plus English). Call on the UI thread.
std::string ocrLanguagesFor(const std::string& profileChoice);

// Shows the dialog modally; saves the choice on OK.
void showPreferencesDialog(wxWindow* parent);

} // namespace docdesk::gui
