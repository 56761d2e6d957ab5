#pragma once
// What the filing rules look at in a barcode: its text (exact values, prefixes, regular
// expressions), its symbology and where it sits on the page. Shared by separators, ASN, tags,
// value-change splitting and field extraction.
#include "core/common/Error.h"
#include "core/model/BarcodeHit.h"

#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

namespace docdesk::rules {

// Rules that cannot be used: a bad rules file, option, pattern or template. The message
// (translated) names the key path, e.g. "profiles.mailroom.fields[1].pattern: ...".
class RulesError : public Error {
  public:
    using Error::Error;
};

// Barcode texts longer than this are never matched against regular expressions (std::regex
// recurses per character; a 7 kB QR code must not exhaust a worker thread's stack).
inline constexpr std::size_t kMaxMatchedTextBytes = 4096;

// A regular expression as the user wrote it: ECMAScript syntax; a leading "(?i)" ignores case.
class Pattern {
  public:
    // RulesError (with `where` in front of the reason) when `text` is not a valid expression.
    static Pattern compile(const std::string& text, const std::string& where = {});

    const std::string& text() const { return text_; }
    // Searches `s`; the value is capture group 1 when the expression has one and it took
    // part in the match, else the whole match. Anchor with ^...$ to require the whole text.
    std::optional<std::string> find(std::string_view s) const;
    // True when the whole of `s` matches.
    bool matchesWhole(std::string_view s) const;

  private:
    std::string text_;
    std::regex regex_;
};

// A rectangle of the page in fractions of its width and height (0,0 top-left; 1,1 bottom-right).
struct Zone {
    double left = 0;
    double top = 0;
    double right = 1;
    double bottom = 1;

    bool contains(double x, double y) const { return x >= left && x <= right && y >= top && y <= bottom; }
    bool valid() const {
        return 0 <= left && left < right && right <= 1 && 0 <= top && top < bottom && bottom <= 1;
    }
};

// Which barcodes a rule considers. An empty filter accepts every barcode.
struct BarcodeFilter {
    std::vector<std::string> symbologies; // ZXing names ("Code128", "QRCode", "EAN-13"); empty: any
    std::optional<Zone> zone;             // the barcode's centre must lie inside

    // A barcode on a page of `pageWidth` x `pageHeight` pixels. With a zone and an unknown page
    // size (0) nothing is accepted: the zone is there to keep look-alike codes out.
    bool accepts(const BarcodeHit& hit, int pageWidth, int pageHeight) const;
};

// Symbology names compared the forgiving way: "EAN-13", "ean13" and "EAN_13" are one name.
bool sameSymbology(std::string_view a, std::string_view b);

} // namespace docdesk::rules
