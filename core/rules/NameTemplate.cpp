#include "core/rules/NameTemplate.h"

#include "core/common/FreeName.h"
#include "core/common/Translate.h"
#include "core/rules/BarcodeMatch.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fmt/format.h>

namespace docdesk::rules {
namespace {

constexpr std::string_view kDateConversions = "YymdejHMSFTu%";
constexpr std::string_view kForbiddenInComponent = "/\\:*?\"<>|";

std::string whereOf(const std::string& where) {
    return where.empty() ? std::string() : where + ": ";
}

void checkDateFormat(const std::string& format, const std::string& where) {
    for (size_t i = 0; i < format.size(); ++i) {
        if (format[i] != '%')
            continue;
        if (i + 1 >= format.size() || kDateConversions.find(format[i + 1]) == std::string_view::npos)
            throw RulesError(whereOf(where) +
                             trf("unsupported date format '{}' (use %Y, %m, %d, %H, %M, %S, ...)", format));
        ++i;
    }
}

// Our own strftime subset: locale-independent (file names must not change with the user's
// language) and with a format checked at parse time.
std::string formatDate(const std::string& format, const std::tm& date) {
    std::string out;
    for (size_t i = 0; i < format.size(); ++i) {
        if (format[i] != '%' || i + 1 >= format.size()) {
            out += format[i];
            continue;
        }
        switch (format[++i]) {
        case 'Y':
            out += fmt::format("{:04}", date.tm_year + 1900);
            break;
        case 'y':
            out += fmt::format("{:02}", (date.tm_year + 1900) % 100);
            break;
        case 'm':
            out += fmt::format("{:02}", date.tm_mon + 1);
            break;
        case 'd':
            out += fmt::format("{:02}", date.tm_mday);
            break;
        case 'e':
            out += fmt::format("{:2}", date.tm_mday);
            break;
        case 'j':
            out += fmt::format("{:03}", date.tm_yday + 1);
            break;
        case 'H':
            out += fmt::format("{:02}", date.tm_hour);
            break;
        case 'M':
            out += fmt::format("{:02}", date.tm_min);
            break;
        case 'S':
            out += fmt::format("{:02}", date.tm_sec);
            break;
        case 'F':
            out += formatDate("%Y-%m-%d", date);
            break;
        case 'T':
            out += formatDate("%H:%M:%S", date);
            break;
        case 'u':
            out += std::to_string(date.tm_wday == 0 ? 7 : date.tm_wday);
            break;
        default:
            out += format[i]; // "%%" (others are refused by checkDateFormat)
            break;
        }
    }
    return out;
}

std::string trimDotsAndSpaces(std::string s) {
    const auto first = s.find_first_not_of(" .");
    if (first == std::string::npos)
        return {};
    const auto last = s.find_last_not_of(" .");
    return s.substr(first, last - first + 1);
}

bool isReservedDeviceName(const std::string& s) {
    std::string base = s.substr(0, s.find('.'));
    while (!base.empty() && base.back() == ' ')
        base.pop_back();
    for (auto& c : base)
        c = char(std::toupper(static_cast<unsigned char>(c)));
    if (base == "CON" || base == "PRN" || base == "AUX" || base == "NUL")
        return true;
    return base.size() == 4 && (base.starts_with("COM") || base.starts_with("LPT")) && base[3] >= '1' &&
           base[3] <= '9';
}

// A value placed inside a component: it must not split or escape it.
std::string flattenValue(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (const char c : value) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7F)
            continue;
        out += (c == '/' || c == '\\') ? '-' : c;
    }
    return out;
}

} // namespace

std::string sanitizeComponent(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (const char c : value) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7F)
            continue;
        out += kForbiddenInComponent.find(c) == std::string_view::npos ? c : '-';
    }
    out = trimDotsAndSpaces(std::move(out));
    if (out.size() > kMaxComponentBytes) {
        size_t cut = kMaxComponentBytes;
        // Never cut inside a UTF-8 sequence.
        while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80)
            --cut;
        out = trimDotsAndSpaces(out.substr(0, cut));
    }
    if (!out.empty() && isReservedDeviceName(out))
        out.insert(0, "_");
    return out;
}

NameTemplate::Part NameTemplate::parsePlaceholder(const std::string& inner, const std::string& text,
                                                  const std::string& where) {
    const auto colon = inner.find(':');
    const std::string name = inner.substr(0, colon);
    const std::string arg = colon == std::string::npos ? std::string() : inner.substr(colon + 1);
    Part p;
    if (name == "field") {
        p.type = Part::Type::Field;
        const auto bar = arg.find('|');
        p.text = arg.substr(0, bar);
        if (bar != std::string::npos) {
            p.hasFallback = true;
            p.fallback = arg.substr(bar + 1);
        }
        if (p.text.empty())
            throw RulesError(whereOf(where) + trf("{{field:NAME}} needs a field name in '{}'", text));
    } else if (name == "date") {
        p.type = Part::Type::Date;
        p.text = colon == std::string::npos ? "%Y-%m-%d" : arg;
        checkDateFormat(p.text, where);
    } else if (name == "counter") {
        p.type = Part::Type::Counter;
        if (!arg.empty()) {
            const auto [end, ec] = std::from_chars(arg.data(), arg.data() + arg.size(), p.width);
            if (ec != std::errc() || end != arg.data() + arg.size() || p.width < 0 || p.width > 12)
                throw RulesError(whereOf(where) +
                                 trf("{{counter:WIDTH}} needs a width from 0 to 12 in '{}'", text));
        }
    } else if (name == "source" && colon == std::string::npos) {
        p.type = Part::Type::Source;
    } else {
        throw RulesError(
            whereOf(where) +
            trf("unknown placeholder '{{{}}}' in '{}' (known: field, date, counter, source)", inner, text));
    }
    return p;
}

void NameTemplate::refuseDotComponents(const std::string& where) const {
    // A component made only of literal text must not climb out of the target folder.
    std::string component;
    bool onlyLiteral = true;
    auto checkComponent = [&] {
        if (onlyLiteral && (component == ".." || component == "."))
            throw RulesError(whereOf(where) +
                             trf("'{}' is not allowed as a folder in '{}'", component, text_));
        component.clear();
        onlyLiteral = true;
    };
    for (const auto& p : parts_) {
        if (p.type == Part::Type::Separator) {
            checkComponent();
        } else if (p.type == Part::Type::Literal) {
            component += p.text;
        } else {
            onlyLiteral = false;
        }
    }
    checkComponent();
}

NameTemplate NameTemplate::parse(const std::string& text, Kind kind, const std::string& where) {
    NameTemplate t;
    t.text_ = text;
    auto literal = [&](char c) {
        if (t.parts_.empty() || t.parts_.back().type != Part::Type::Literal)
            t.parts_.push_back({});
        t.parts_.back().text += c;
    };
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '{' && i + 1 < text.size() && text[i + 1] == '{') {
            literal('{');
            ++i;
        } else if (c == '}' && i + 1 < text.size() && text[i + 1] == '}') {
            literal('}');
            ++i;
        } else if (c == '}') {
            throw RulesError(whereOf(where) + trf("unmatched '}}' in '{}' (write '}}}}' for a brace)", text));
        } else if (c == '/' || c == '\\') {
            if (kind == Kind::FileName)
                throw RulesError(whereOf(where) + trf("a file name cannot contain '{}': '{}'", c, text));
            if (c == '\\')
                throw RulesError(whereOf(where) + trf("use '/' between folders: '{}'", text));
            if (t.parts_.empty())
                throw RulesError(whereOf(where) +
                                 trf("the folder must be relative to the target: '{}'", text));
            t.parts_.push_back({Part::Type::Separator, {}, {}, false, 0});
        } else if (c == '{') {
            const auto close = text.find('}', i);
            if (close == std::string::npos)
                throw RulesError(whereOf(where) + trf("unclosed '{{' in '{}'", text));
            const std::string inner = text.substr(i + 1, close - i - 1);
            i = close;
            t.parts_.push_back(parsePlaceholder(inner, text, where));
        } else {
            literal(c);
        }
    }
    t.refuseDotComponents(where);
    return t;
}

NameTemplate::Rendered NameTemplate::render(const NamingInput& input, const NamingContext& context) const {
    Rendered r;
    std::string component;
    auto finish = [&] {
        auto clean = sanitizeComponent(component);
        if (!clean.empty())
            r.components.push_back(std::move(clean));
        component.clear();
    };
    for (const auto& p : parts_) {
        switch (p.type) {
        case Part::Type::Literal:
            component += p.text;
            break;
        case Part::Type::Separator:
            finish();
            break;
        case Part::Type::Field: {
            const std::string* value = nullptr;
            if (input.fields) {
                const auto it = input.fields->find(p.text);
                if (it != input.fields->end() && !it->second.empty())
                    value = &it->second;
            }
            if (value) {
                component += flattenValue(*value);
            } else if (p.hasFallback) {
                component += flattenValue(p.fallback);
            } else {
                component += "missing-" + flattenValue(p.text);
                if (std::find(r.missingFields.begin(), r.missingFields.end(), p.text) ==
                    r.missingFields.end())
                    r.missingFields.push_back(p.text);
            }
            break;
        }
        case Part::Type::Date:
            component += flattenValue(formatDate(p.text, context.date));
            break;
        case Part::Type::Counter: {
            const std::string digits = std::to_string(input.counter);
            if (digits.size() < size_t(p.width))
                component += std::string(size_t(p.width) - digits.size(), '0');
            component += digits;
            break;
        }
        case Part::Type::Source:
            component += flattenValue(std::filesystem::path(input.source).stem().string());
            break;
        }
    }
    finish();
    return r;
}

std::filesystem::path uniquePath(const std::filesystem::path& candidate,
                                 const std::function<bool(const std::filesystem::path&)>& exists) {
    if (auto free =
            placeUnderFreeName(candidate, 9999, [&](const std::filesystem::path& p) { return !exists(p); }))
        return *free;
    throw Error(trf("There is no free file name for '{}' in its folder.", candidate.string()));
}

} // namespace docdesk::rules
