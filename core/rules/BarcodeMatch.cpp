#include "core/rules/BarcodeMatch.h"

#include "core/common/Translate.h"

#include <cctype>

namespace docdesk::rules {

namespace {

// Largest repetition count and back-reference number accepted. libstdc++'s regex compiler
// reads these into a `long` without an overflow check (undefined behaviour on 20 digits) and
// already refuses expressions over 100,000 states, so larger numbers are never useful.
constexpr std::size_t kMaxCountDigits = 5;

std::size_t digitsAt(const std::string& s, std::size_t i) {
    std::size_t n = 0;
    while (i + n < s.size() && std::isdigit(static_cast<unsigned char>(s[i + n])))
        ++n;
    return n;
}

// The numbers of `{n,m}` and `\n`, outside character classes: empty when all are in range,
// else the reason (translated).
std::string numbersTooLarge(const std::string& body) {
    bool inClass = false;
    for (std::size_t i = 0; i < body.size(); ++i) {
        const char c = body[i];
        if (c == '\\') {
            if (!inClass && digitsAt(body, i + 1) > kMaxCountDigits)
                return tr("a back-reference number is too large");
            ++i;
        } else if (c == '[') {
            inClass = true;
        } else if (c == ']') {
            inClass = false;
        } else if (c == '{' && !inClass) {
            std::size_t j = i + 1;
            for (int k = 0; k < 2; ++k) {
                const std::size_t n = digitsAt(body, j);
                if (n > kMaxCountDigits)
                    return tr("a repetition count is too large");
                j += n;
                if (j >= body.size() || body[j] != ',')
                    break;
                ++j;
            }
        }
    }
    return {};
}

} // namespace

Pattern Pattern::compile(const std::string& text, const std::string& where) {
    Pattern p;
    p.text_ = text;
    auto flags = std::regex::ECMAScript;
    std::string body = text;
    if (body.starts_with("(?i)")) {
        body.erase(0, 4);
        flags |= std::regex::icase;
    }
    const std::string prefix = where.empty() ? std::string() : where + ": ";
    if (text.empty())
        throw RulesError(prefix + tr("the regular expression is empty"));
    if (const std::string why = numbersTooLarge(body); !why.empty())
        throw RulesError(prefix + trf("invalid regular expression '{}' ({})", text, why));
    try {
        p.regex_ = std::regex(body, flags);
    } catch (const std::regex_error& e) {
        throw RulesError(prefix + trf("invalid regular expression '{}' ({})", text, e.what()));
    }
    return p;
}

std::optional<std::string> Pattern::find(std::string_view s) const {
    if (s.size() > kMaxMatchedTextBytes)
        return std::nullopt;
    std::match_results<std::string_view::const_iterator> m;
    if (!std::regex_search(s.begin(), s.end(), m, regex_))
        return std::nullopt;
    if (m.size() > 1 && m[1].matched)
        return m[1].str();
    return m[0].str();
}

bool Pattern::matchesWhole(std::string_view s) const {
    return s.size() <= kMaxMatchedTextBytes && std::regex_match(s.begin(), s.end(), regex_);
}

bool sameSymbology(std::string_view a, std::string_view b) {
    auto next = [](std::string_view s, size_t& i) -> int {
        while (i < s.size() && !std::isalnum(static_cast<unsigned char>(s[i])))
            ++i;
        return i < s.size() ? std::tolower(static_cast<unsigned char>(s[i++])) : -1;
    };
    size_t i = 0;
    size_t j = 0;
    for (;;) {
        const int ca = next(a, i);
        const int cb = next(b, j);
        if (ca != cb)
            return false;
        if (ca < 0)
            return true;
    }
}

bool BarcodeFilter::accepts(const BarcodeHit& hit, int pageWidth, int pageHeight) const {
    if (!symbologies.empty()) {
        bool known = false;
        for (const auto& s : symbologies)
            known = known || sameSymbology(s, hit.format);
        if (!known)
            return false;
    }
    if (zone) {
        if (pageWidth <= 0 || pageHeight <= 0)
            return false;
        double x = 0;
        double y = 0;
        for (const auto& p : hit.corners) {
            x += p.x / 4;
            y += p.y / 4;
        }
        if (!zone->contains(x / pageWidth, y / pageHeight))
            return false;
    }
    return true;
}

} // namespace docdesk::rules
