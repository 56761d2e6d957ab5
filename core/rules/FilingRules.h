#pragma once
// The rules of a filing plan as plain values: how pages are separated into documents, which
// fields are read from barcodes, and where each document goes. The defaults are what mail rooms
// already print (DESIGN.md): PATCHT separator sheets dropped, ASN labels start a document.
// RulesFile.h reads them from a file; the CLI and GUI may change them afterwards.
#include "core/model/PageTransforms.h"
#include "core/rules/BarcodeMatch.h"
#include "core/rules/NameTemplate.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace docdesk::rules {

// Separator sheets: a page with one of these barcodes ends the document before it.
struct SeparatorRule {
    std::vector<std::string> values{"PATCHT"}; // exact, case-sensitive barcode texts
    std::optional<Pattern> pattern;            // or any barcode whose text matches (search)
    bool keepPage = false;                     // keep the sheet as the first page of the next document

    // The separating barcode text on a page, if any.
    std::optional<std::string> separatorOn(const std::vector<BarcodeHit>& barcodes) const;
};

// Archive serial numbers: "ASN00123" (prefix, then a number). The page is kept and starts a new
// document; the number becomes field "asn". Like paperless-ngx, the prefix is stripped, then
// whitespace and every non-digit. Unlike paperless-ngx (which splits on the prefix alone and
// fails the document on an out-of-range number), a label without digits or outside [min, max]
// only gives a warning on its document: a damaged label must not cut a document in two.
struct AsnRule {
    bool enabled = true;
    std::string prefix = "ASN";
    bool split = true; // false: the field only, no new document
    std::uint64_t min = 0;
    std::uint64_t max = 4294967295; // paperless-ngx's range
    BarcodeFilter filter;           // e.g. a zone where the labels are stuck
};

// paperless-ngx tag barcodes: "TAG:invoice" (prefix compared ignoring case). One barcode may
// hold several, comma-separated ("TAG:a,TAG:b"). The tags of a document become field "tags"
// (unique, in order of appearance, joined with ", ").
struct TagRule {
    bool enabled = true;
    std::string prefix = "TAG:";
    bool split = false; // a page with a tag barcode starts a new document (kept)
    BarcodeFilter filter;
};

// A new document whenever the value read by `pattern` differs from the current document's.
// Pages without such a barcode stay with the document before them.
struct ValueChangeRule {
    Pattern pattern;
    std::string field; // optional: the field that receives the value
    BarcodeFilter filter;
};

// Checks on a field's value; a failed check is a warning on the document, never a failure.
struct FieldValidation {
    std::optional<Pattern> pattern; // the whole value must match
    std::optional<double> min;      // the value must be a number >= min
    std::optional<double> max;      // ... and <= max
};

// Where a field is read: barcodes, or the page's OCR text (rules "source": "text").
enum class FieldSource { Barcode, Text };

// A field read from the first barcode (of the document's pages, in order) that the filter
// accepts and the pattern finds; or, for FieldSource::Text, from the first page whose OCR text
// (only the words whose centre lies in the filter's zone, when it has one) the pattern finds.
struct FieldRule {
    std::string name;
    Pattern pattern; // group 1 if present, else the whole match
    BarcodeFilter filter;
    FieldValidation validation;
    FieldSource source = FieldSource::Barcode;
};

enum class BlankPages {
    Keep,     // blank pages are ordinary pages
    Drop,     // blank pages are left out (duplex backs)
    Separate, // a blank page is left out and ends the document before it
};

// What analysis may change on a page before it is filed (DESIGN.md data flow, step 3). The
// user's own edits always win; these only say which proposals are made.
enum class AutoCrop {
    Auto, // photos and flatbed scans are cut to the documents found on them
    Off,  // pages are filed whole
};

struct PageEditRules {
    AutoCrop crop = AutoCrop::Auto;
    bool deskew = true;        // scanned pages are straightened by their measured skew
    bool splitReceipts = true; // several documents on one photo or scan: one page (and document) each
    // How pages are filed where the user chose nothing (PageMode::Original): colour, grey, black
    // and white, or shadow removal (which only photos get: scans are evenly lit).
    PageMode mode = PageMode::Original;
};

// What filed PDFs get beyond the pages: a searchable text layer (OCR, about a second per page
// and core) and the PDF/A-2b archive form.
struct OutputRules {
    bool ocr = false;
    bool pdfa = false;
    std::string ocrLanguages;   // Tesseract codes joined by '+' ("deu+eng"); empty: the system
                                // language plus English (ocr::defaultLanguages)
    bool receiptFields = false; // fields merchant, date, total, currency from a receipt's text
};

struct FilingRules {
    SeparatorRule separators;
    AsnRule asn;
    TagRule tags;
    std::optional<ValueChangeRule> splitOnChange;
    BlankPages blankPages = BlankPages::Keep;
    int everyPages = 0;   // > 0: a document has at most this many pages
    bool perFile = false; // every source file starts a new document
    PageEditRules pageEdits;
    OutputRules output;
    std::vector<FieldRule> fields;
    NameTemplate folder; // empty: the target folder itself
    NameTemplate fileName = NameTemplate::parse("{source}_{counter:03}", NameTemplate::Kind::FileName);
};

// Whether planning needs the pages' OCR text (text fields, receipt fields) or filing does.
bool needsText(const FilingRules& rules);

// Field names the rules fill themselves.
inline constexpr const char* kAsnField = "asn";
inline constexpr const char* kTagsField = "tags";

// A name a field rule may have: 1-64 letters, digits, '_', '-', '.'; not "asn" or "tags" (the
// names must also survive "{field:NAME|fallback}" in templates).
bool isValidFieldName(std::string_view name);

} // namespace docdesk::rules
