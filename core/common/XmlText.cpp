#include "core/common/XmlText.h"

namespace docdesk {

std::string xmlText(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 && c != '\t' && c != '\n' && c != '\r') {
            out += "\xE2\x90";
            out += static_cast<char>(0x80 + u);
            continue;
        }
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

std::string fromControlPictures(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto b = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
        if (i + 2 < text.size() && b(i) == 0xE2 && b(i + 1) == 0x90 && b(i + 2) >= 0x80 && b(i + 2) < 0xA0) {
            out += static_cast<char>(b(i + 2) - 0x80);
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

} // namespace docdesk
