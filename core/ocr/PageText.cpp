#include "core/ocr/PageText.h"

#include "core/common/Error.h"
#include "core/common/Translate.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>

namespace docdesk::ocr {
namespace fs = std::filesystem;

nlohmann::json toJson(const PageText& page) {
    auto words = nlohmann::json::array();
    for (const Word& w : page.words)
        words.push_back({w.text, w.x, w.y, w.width, w.height, w.confidence, w.line});
    return {{"width", page.width}, {"height", page.height}, {"text", page.text}, {"words", words}};
}

PageText pageTextFromJson(const nlohmann::json& j) {
    PageText page;
    page.width = j.at("width").get<int>();
    page.height = j.at("height").get<int>();
    page.text = j.at("text").get<std::string>();
    for (const auto& w : j.at("words"))
        page.words.push_back({w.at(0).get<std::string>(), w.at(1).get<int>(), w.at(2).get<int>(),
                              w.at(3).get<int>(), w.at(4).get<int>(), w.at(5).get<int>(),
                              w.at(6).get<int>()});
    return page;
}

std::string tessdataFolder() {
    std::error_code ec;
    if (const char* prefix = std::getenv("TESSDATA_PREFIX"); prefix && *prefix)
        return fs::is_directory(prefix, ec) ? std::string(prefix) : std::string();
    for (const char* dir : {"/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata",
                            "/usr/share/tessdata", "/usr/local/share/tessdata"})
        if (fs::is_directory(dir, ec))
            return dir;
    return {};
}

std::vector<std::string> installedLanguages() {
    std::vector<std::string> out;
    const std::string folder = tessdataFolder();
    std::error_code ec;
    if (folder.empty())
        return out;
    for (const auto& entry : fs::directory_iterator(folder, ec)) {
        const auto& p = entry.path();
        if (p.extension() == ".traineddata" && p.stem() != "osd")
            out.push_back(p.stem().string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

namespace {

// ISO 639-1 (locale) to Tesseract's ISO 639-2 codes, for the languages docdesk's users write.
std::string tesseractCode(std::string_view iso639_1) {
    static const std::map<std::string, std::string, std::less<>> codes{
        {"de", "deu"}, {"en", "eng"}, {"fr", "fra"}, {"es", "spa"}, {"it", "ita"}, {"nl", "nld"},
        {"pt", "por"}, {"pl", "pol"}, {"da", "dan"}, {"sv", "swe"}, {"nb", "nor"}, {"fi", "fin"},
        {"cs", "ces"}, {"hu", "hun"}, {"tr", "tur"}, {"ru", "rus"}};
    const auto it = codes.find(iso639_1);
    return it == codes.end() ? std::string() : it->second;
}

bool contains(const std::vector<std::string>& installed, const std::string& code) {
    return std::find(installed.begin(), installed.end(), code) != installed.end();
}

// The locale a process runs in (LC_ALL, LC_MESSAGES, LANG); "C" when none is set.
std::string processLocale() {
    for (const char* name : {"LC_ALL", "LC_MESSAGES", "LANG"})
        if (const char* v = std::getenv(name); v && *v)
            return v;
    return "C";
}

} // namespace

std::string defaultLanguages(std::string_view locale, const std::vector<std::string>& installed) {
    const std::string system = tesseractCode(locale.substr(0, std::min<size_t>(2, locale.size())));
    if (system.empty() || system == "eng" || !contains(installed, system))
        return "eng";
    return system + "+eng";
}

std::string defaultLanguages(std::string_view locale) {
    return defaultLanguages(locale, installedLanguages());
}

std::string defaultLanguages(const std::vector<std::string>& installed) {
    return defaultLanguages(processLocale(), installed);
}

std::string defaultLanguages() {
    return defaultLanguages(processLocale());
}

std::vector<std::string> languageCodes(const std::string& languages) {
    std::vector<std::string> codes;
    size_t start = 0;
    while (start < languages.size()) {
        const size_t end = std::min(languages.find('+', start), languages.size());
        if (end > start)
            codes.push_back(languages.substr(start, end - start));
        start = end + 1;
    }
    return codes;
}

void requireLanguages(const std::string& languages, const std::vector<std::string>& installed) {
    if (languages.empty() || languages.size() > 100 || languages.front() == '+' || languages.back() == '+' ||
        languages.find("++") != std::string::npos ||
        !std::all_of(languages.begin(), languages.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '+';
        }))
        throw Error(trf("'{}' is no OCR language choice; use Tesseract codes joined by '+', e.g. deu+eng.",
                        languages));
    if (installed.empty())
        throw Error(
            tr("Text recognition needs Tesseract, whose language data was not found (Debian packages "
               "tesseract-ocr, tesseract-ocr-eng and tesseract-ocr-deu; or set TESSDATA_PREFIX to its "
               "tessdata folder). Documents can still be filed without text recognition."));
    for (const std::string& code : languageCodes(languages))
        if (!contains(installed, code))
            throw Error(trf("Text recognition needs the Tesseract language data '{}', which is not installed "
                            "(Debian package tesseract-ocr-{}).",
                            code, code));
}

void requireLanguages(const std::string& languages) {
    requireLanguages(languages, installedLanguages());
}

std::string requireLanguagesOrDefault(const std::string& languages) {
    const auto installed = installedLanguages();
    const std::string chosen = languages.empty() ? defaultLanguages(installed) : languages;
    requireLanguages(chosen, installed);
    return chosen;
}

} // namespace docdesk::ocr
