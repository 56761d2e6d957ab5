#pragma once
// The data of a shop receipt from its OCR text: the merchant, the date (ISO), the total paid
// and the currency, for German and English receipts. The total is the amount of the SUMME /
// TOTAL / ZU ZAHLEN / GESAMT line (then BAR, EC-CASH, KARTE... when none is printed), never a
// subtotal, a VAT or net line, the cash given or the change. Heuristics over plain text; each
// part is empty when it is not found.
#include <optional>
#include <string>
#include <string_view>

namespace docdesk::ocr {

struct ReceiptData {
    std::string merchant; // as printed, e.g. "ALDI SÜD"
    std::string date;     // YYYY-MM-DD
    std::string total;    // "12.34"
    std::string currency; // ISO 4217: "EUR", "USD", "GBP", "CHF"
};

// The receipt's data, or nothing when neither a date nor a total is found (not a receipt).
std::optional<ReceiptData> parseReceipt(std::string_view text);

// Whether a line of OCR text may hold a receipt's date or total, read well or not: it names a
// total or a payment, or holds something like a date ("06. i\") 2020", "13.04.20"). The OCR engine
// reads such lines once more when it doubts them.
bool mayHoldReceiptData(std::string_view line);

// Edit distance of two short texts, in bytes (insertions, deletions, substitutions).
std::size_t editDistance(const std::string& a, const std::string& b);

} // namespace docdesk::ocr
