#include "core/ocr/Receipt.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <regex>
#include <sstream>
#include <vector>

namespace docdesk::ocr {
namespace {

// ASCII lower case; UTF-8 bytes stay as they are (keywords are matched in ASCII or exact UTF-8).
std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return char(c < 0x80 ? std::tolower(c) : c); });
    return out;
}

bool containsAny(const std::string& lowered, std::initializer_list<const char*> words) {
    return std::any_of(words.begin(), words.end(), [&](const char* w) { return lowered.find(w) != std::string::npos; });
}

std::vector<std::string> linesOf(std::string_view text) {
    std::vector<std::string> lines;
    std::istringstream in{std::string(text)};
    for (std::string line; std::getline(in, line);) {
        const auto first = line.find_first_not_of(" \t\r");
        if (first == std::string::npos)
            continue;
        lines.push_back(line.substr(first, line.find_last_not_of(" \t\r") - first + 1));
    }
    return lines;
}

// Amounts like 12,34 / 1.234,56 / 12.34 / 1,234.56 (OCR sometimes puts a space before the
// decimals: "12, 34"), as cents.
std::vector<long> amountsIn(const std::string& line) {
    static const std::regex amount(R"((^|[^\d])(\d{1,3}(?:[.,' ]\d{3})*|\d+)\s?[.,]\s?(\d{2})(?!\d))");
    std::vector<long> out;
    for (auto it = std::sregex_iterator(line.begin(), line.end(), amount); it != std::sregex_iterator(); ++it) {
        std::string whole = (*it)[2];
        std::erase_if(whole, [](char c) { return !std::isdigit(static_cast<unsigned char>(c)); });
        if (whole.size() > 7)
            continue;
        out.push_back(std::stol(whole) * 100 + std::stol((*it)[3]));
    }
    return out;
}

bool isChangeLine(const std::string& l) {
    return containsAny(l, {"rückgeld", "ruckgeld", "rockgeld", "zurück", "zuruck", "change"});
}

// How strongly a line names the total: 2 SUMME/TOTAL/ZU ZAHLEN, 1 a payment (BAR, EC-CASH...),
// 0 none. Subtotals, VAT, net, given and change lines are 0 whatever else they say.
int totalStrength(const std::string& l) {
    if (isChangeLine(l) || containsAny(l, {"zwischen", "subtotal", "sub total", "sub-total", "mwst", "mw st", "ust",
                                           "vat", "tax", "netto", "net ", "brutto ", "gegeben", "tendered",
                                           "steuer", "%"}))
        return 0;
    if (containsAny(l, {"summe", "total", "zu zahlen", "zuzahlen", "gesamt", "amount due", "balance due",
                        "endbetrag", "zahlbetrag"}))
        return 2;
    // Whole words only: SALATBAR is a product, DeutschlandCard a loyalty card.
    static const std::regex payment(
        "(^|[^a-z\\x80-\\xff])(bar|ec-cash|ec cash|eccash|girocard|kreditkarte|ec-karte|karte|kartenzahlung|visa|"
        "mastercard|maestro|cash|card)([^a-z\\x80-\\xff]|$)");
    return std::regex_search(l, payment) ? 1 : 0;
}

std::string centsText(long cents) {
    std::string s = std::to_string(cents / 100) + ".";
    const long c = cents % 100;
    return s + (c < 10 ? "0" : "") + std::to_string(c);
}

// Whether a line holds an amount and nothing else but a currency.
bool onlyAnAmount(const std::string& line) {
    std::string rest = lower(line);
    for (const char* currency : {"eur", "\xE2\x82\xAC", "usd", "gbp", "\xC2\xA3", "chf"})
        if (const auto at = rest.find(currency); at != std::string::npos)
            rest.erase(at, std::strlen(currency));
    return amountsIn(line).size() == 1 &&
           std::none_of(rest.begin(), rest.end(), [](unsigned char c) { return std::isalpha(c) || c >= 0x80; });
}

// A card payment is the total itself (cash given may be more).
bool isCardPayment(const std::string& line) {
    return containsAny(lower(line), {"karte", "card", "girocard", "ec-cash", "ec cash", "visa", "maestro"}) &&
           amountsIn(line).size() == 1;
}

// The amounts of line i, or that of the line under it when the line holds only its label (or its
// amount is unreadable) and that line is a bare amount or a card payment.
std::vector<long> lineAmounts(const std::vector<std::string>& lines, size_t i) {
    auto amounts = amountsIn(lines[i]);
    if (amounts.empty() && i + 1 < lines.size() && (onlyAnAmount(lines[i + 1]) || isCardPayment(lines[i + 1])))
        amounts = amountsIn(lines[i + 1]);
    return amounts;
}

// The first amount of the strongest kind of total line; -1 when none. `strength` gets its kind.
long strongestAmount(const std::vector<std::string>& lines, int& strength) {
    strength = 0;
    long best = -1;
    for (size_t i = 0; i < lines.size(); ++i) {
        const int s = totalStrength(lower(lines[i]));
        if (s <= strength && !(s == strength && s > 0 && best < 0))
            continue;
        const auto amounts = lineAmounts(lines, i);
        if (amounts.empty())
            continue;
        strength = s;
        best = amounts.back();
    }
    return best;
}

std::string findTotal(const std::vector<std::string>& lines) {
    int strength = 0;
    const long best = strongestAmount(lines, strength);
    if (strength == 1) {
        // Cash given and change printed, the sum not readable: the total is their difference.
        long change = -1;
        for (size_t i = 0; i < lines.size() && change < 0; ++i)
            if (isChangeLine(lower(lines[i])))
                if (const auto a = lineAmounts(lines, i); !a.empty())
                    change = a.back();
        if (change > 0 && change < best)
            return centsText(best - change);
    }
    return best < 0 ? std::string() : centsText(best);
}

std::string isoDate(int y, int m, int d) {
    if (y < 100)
        y += 2000;
    if (y < 1990 || y > 2099 || m < 1 || m > 12 || d < 1 || d > 31)
        return {};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
    return buf;
}

std::string findDateIn(const std::vector<std::string>& lines) {
    static const std::regex dmy(R"((?:^|[^\d])(\d{1,2})\s?[./,-]\s?(\d{1,2})\s?[./,-]\s?(\d{4}|\d{2})(?!\d))");
    static const std::regex ymd(R"((?:^|[^\d])(\d{4})-(\d{2})-(\d{2})(?!\d))");
    for (const auto& line : lines) {
        std::smatch m;
        if (std::regex_search(line, m, ymd))
            if (auto d = isoDate(std::stoi(m[1]), std::stoi(m[2]), std::stoi(m[3])); !d.empty())
                return d;
        for (auto it = std::sregex_iterator(line.begin(), line.end(), dmy); it != std::sregex_iterator(); ++it)
            if (auto d = isoDate(std::stoi((*it)[3]), std::stoi((*it)[2]), std::stoi((*it)[1])); !d.empty())
                return d;
    }
    return {};
}

// The date of a "Datum"/"Date" line first (a printed best-before or card expiry date stays out),
// else the first date on the receipt.
std::string findDate(const std::vector<std::string>& lines) {
    std::vector<std::string> labelled;
    for (const auto& line : lines)
        if (containsAny(lower(line), {"datum", "date"}))
            labelled.push_back(line);
    if (auto d = findDateIn(labelled); !d.empty())
        return d;
    return findDateIn(lines);
}

// Chains whose logo often is not text OCR can read, while their name is printed elsewhere on the
// receipt (an address line, the footer): the largest German, Austrian, Swiss, British and US ones.
std::string knownChain(const std::vector<std::string>& lines) {
    static const std::vector<std::pair<std::regex, std::string>> chains = [] {
        std::vector<std::pair<std::regex, std::string>> out;
        for (const char* name : {"Aldi", "Lidl", "Rewe", "Edeka", "Penny", "Kaufland", "Real", "Marktkauf",
                                 "Globus", "Norma", "Tegut", "Rossmann", "Budni", "Hornbach", "Obi", "Toom",
                                 "Bauhaus", "Hagebau", "Hellweg", "Ikea", "Roller", "Poco", "MediaMarkt", "Saturn",
                                 "Tchibo", "Deichmann", "Migros", "Coop", "Spar", "Billa", "Hofer", "Tesco",
                                 "Sainsbury's", "Asda", "Morrisons", "Waitrose", "Walmart", "Target", "Costco"})
            out.emplace_back(std::regex(std::string("(^|[^A-Za-z])") + name + "($|[^A-Za-z])", std::regex::icase), name);
        out.emplace_back(std::regex("(^|[^A-Za-z])dm[- ]drogerie", std::regex::icase), "dm");
        return out;
    }();
    for (const auto& line : lines)
        for (const auto& [pattern, name] : chains)
            if (std::regex_search(line, pattern))
                return name;
    return {};
}

// A known chain anywhere on the receipt, else the first line near the top that reads like a
// name: mostly letters, not a greeting or a receipt heading.
std::string findMerchant(const std::vector<std::string>& lines) {
    if (auto chain = knownChain(lines); !chain.empty())
        return chain;
    for (size_t i = 0; i < lines.size() && i < 8; ++i) {
        const std::string l = lower(lines[i]);
        if (containsAny(l, {"willkommen", "welcome", "kassenbon", "beleg", "rechnung", "receipt", "invoice",
                            "quittung", "kasse", "tel", "www", "http", "@"}))
            continue;
        size_t letters = 0;
        for (const unsigned char c : lines[i])
            letters += std::isalpha(c) || c >= 0x80 ? 1 : 0;
        if (letters >= 3 && letters * 10 >= lines[i].size() * 6)
            return lines[i];
    }
    return {};
}

std::string findCurrency(const std::string& text) {
    const std::string l = lower(text);
    if (containsAny(l, {"eur", "\xE2\x82\xAC"})) // €
        return "EUR";
    if (containsAny(l, {"chf", "sfr"}))
        return "CHF";
    if (containsAny(l, {"gbp", "\xC2\xA3"})) // £
        return "GBP";
    if (containsAny(l, {"usd", "$"}))
        return "USD";
    if (containsAny(l, {"summe", "zu zahlen", "mwst", "bar"}))
        return "EUR"; // a German receipt that does not print its currency
    return {};
}

} // namespace

std::optional<ReceiptData> parseReceipt(std::string_view text) {
    const auto lines = linesOf(text);
    ReceiptData r;
    r.date = findDate(lines);
    r.total = findTotal(lines);
    if (r.date.empty() && r.total.empty())
        return std::nullopt;
    r.merchant = findMerchant(lines);
    r.currency = findCurrency(std::string(text));
    return r;
}

} // namespace docdesk::ocr
