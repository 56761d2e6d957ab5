#pragma once
// Target folder and file name templates ("routing and naming"), e.g.
//   folder:    {field:vendor|unsorted}/{date:%Y}
//   file name: {field:asn|unknown}_{counter:04}
// Placeholders:
//   {field:NAME}          a field of the document; missing -> a warning and "missing-NAME"
//   {field:NAME|TEXT}     ... or TEXT when the document has no such field (TEXT may be empty)
//   {date}, {date:FMT}    the capture date; FMT takes the strftime conversions %Y %y %m %d %e
//                         %j %H %M %S %F %T %u %% (no month names: they would change with
//                         the language), default %Y-%m-%d
//   {counter}, {counter:04}  the document's number in the plan (from NamingContext::firstCounter),
//                         optionally zero-padded to a width
//   {source}              the name of the first page's source file without folder and extension
//   {{ and }}             literal braces
// In a folder template "/" separates folders. Every inserted value is made safe: no "/" or
// "\" inside a value, no control characters or characters Windows forbids, no "." or ".."
// components, no leading dots, no trailing dots or spaces, at most kMaxComponentBytes bytes.
#include <ctime>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace docdesk::rules {

inline constexpr std::size_t kMaxComponentBytes = 100;

// Values the templates are filled from, besides the document's fields.
struct NamingContext {
    std::tm date{};       // the capture date (local time); all zero means 1900-01-00
    int firstCounter = 1; // {counter} of the plan's first document
};

// What a template is rendered for: one document.
struct NamingInput {
    const std::map<std::string, std::string>* fields = nullptr; // name -> value
    std::string source;                                         // source of the first page
    int counter = 1;
};

class NameTemplate {
  public:
    enum class Kind { Folder, FileName };

    NameTemplate() = default;
    // RulesError (message starting with `where`) on a syntax error, an unknown placeholder, an
    // absolute path or "..", or a "/" in a file name template.
    static NameTemplate parse(const std::string& text, Kind kind, const std::string& where = {});

    const std::string& text() const { return text_; }
    bool empty() const { return parts_.empty(); }

    struct Rendered {
        std::vector<std::string> components;    // sanitised; empty ones left out
        std::vector<std::string> missingFields; // fields used without fallback that were absent
    };
    Rendered render(const NamingInput& input, const NamingContext& context) const;

  private:
    struct Part {
        enum class Type { Literal, Separator, Field, Date, Counter, Source } type = Type::Literal;
        std::string text;     // literal text, field name or date format
        std::string fallback; // for fields
        bool hasFallback = false;
        int width = 0; // for counters
    };
    // The part for the placeholder `inner` ("field:NAME|fallback", "date:FORMAT", "counter:4",
    // "source") of template `text`; RulesError for an unknown or malformed one.
    static Part parsePlaceholder(const std::string& inner, const std::string& text, const std::string& where);
    // RulesError when a folder made only of literal text is "." or "..".
    void refuseDotComponents(const std::string& where) const;

    std::string text_;
    std::vector<Part> parts_;
};

// `value` made into one safe path component (see the list at the top); may return "".
std::string sanitizeComponent(std::string_view value);

// `candidate` if `exists` says it is free, else "name (2).ext", "name (3).ext", ... — the first
// that is free (the numbering of core/common/FreeName.h). Only a forecast of the name: a file is
// placed with placeUnderFreeName and an atomic try (DurableFiles::createNewDurably), since a
// name found free here can be taken before anything is written. docdesk::Error after 9999 tries.
std::filesystem::path uniquePath(const std::filesystem::path& candidate,
                                 const std::function<bool(const std::filesystem::path&)>& exists);

} // namespace docdesk::rules
