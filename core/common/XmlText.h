#pragma once
// Text as XML character data or an attribute value, one way for every XML docdesk writes (the
// WebDAV properties of a filed document, the XMP metadata of a PDF/A).
#include <string>
#include <string_view>

namespace docdesk {

// &, <, > and " escaped. XML 1.0 cannot carry control characters other than tab and line
// breaks, not even as character references; they become their visible "control pictures"
// (U+2400 + code: the GS1 group separator 0x1D becomes U+241D), so nothing of a barcode's
// value is lost (fromControlPictures turns them back).
std::string xmlText(std::string_view s);

// The text xmlText was given, from its unescaped result: control pictures back to the
// control characters they stand for.
std::string fromControlPictures(std::string_view text);

} // namespace docdesk
