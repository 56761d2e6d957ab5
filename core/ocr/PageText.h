#pragma once
// The text OCR found on one page: every word with its box (pixels of the image it was read
// from, top-left origin) and confidence, and the page's text in reading order. It travels as
// JSON from docdesk-worker (where Tesseract runs) to the filing step, which lays it under the
// page image as an invisible, searchable text layer. Also: the Tesseract languages installed
// and the default choice (the system language plus English).
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace docdesk::ocr {

struct Word {
    std::string text; // UTF-8
    int x = 0;        // box in pixels of the recognised image, top-left origin
    int y = 0;
    int width = 0;
    int height = 0;
    int confidence = 0; // 0..100
    int line = 0;       // index of its text line on the page
};

struct PageText {
    int width = 0; // pixels of the image the boxes refer to
    int height = 0;
    std::string text; // the page's text in reading order, lines separated by '\n'
    std::vector<Word> words;
};

// {"width", "height", "text", "words": [[text, x, y, w, h, confidence, line], ...]}
nlohmann::json toJson(const PageText& page);
// The inverse; throws nlohmann::json::exception for a malformed record.
PageText pageTextFromJson(const nlohmann::json& j);

// The folder holding Tesseract's *.traineddata (TESSDATA_PREFIX, else Debian's); empty if none.
std::string tessdataFolder();
// Installed language codes ("deu", "eng", ...), sorted; "osd" is left out.
std::vector<std::string> installedLanguages();
// The languages of a locale name ("de_DE.UTF-8" -> "deu+eng", "C" -> "eng"); only the system
// language's data is left out when not installed.
std::string defaultLanguages(std::string_view locale);
// The same against a listing of installedLanguages() made beforehand (a dialog lists once).
std::string defaultLanguages(std::string_view locale, const std::vector<std::string>& installed);
// The default for this process's locale (LC_ALL, LC_MESSAGES, LANG).
std::string defaultLanguages();
std::string defaultLanguages(const std::vector<std::string>& installed);
// Checks a language choice like "deu+eng": throws docdesk::Error naming the Debian package of
// a language whose data is missing, or for a malformed choice.
void requireLanguages(const std::string& languages);
// The same against a listing of installedLanguages() made beforehand (empty: Tesseract's data
// was not found at all).
void requireLanguages(const std::string& languages, const std::vector<std::string>& installed);
// The languages to read with: `languages`, or the default when it is empty; checked as
// requireLanguages does, against one listing of the installed ones.
std::string requireLanguagesOrDefault(const std::string& languages);
// The codes of a choice: "deu+eng" -> {"deu", "eng"} (empty parts left out).
std::vector<std::string> languageCodes(const std::string& languages);

} // namespace docdesk::ocr
