#include "core/ocr/Receipt.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <regex>
#include <sstream>
#include <tuple>
#include <vector>

namespace docdesk::ocr {
namespace {

// Lower case: ASCII and the Latin-1 letters in UTF-8 (OCR reads "RÜCKGELD" as often as
// "Rückgeld"); other UTF-8 bytes stay as they are.
std::string lower(std::string_view s) {
    std::string out(s);
    for (size_t i = 0; i < out.size(); ++i) {
        const auto c = static_cast<unsigned char>(out[i]);
        if (c < 0x80) {
            out[i] = char(std::tolower(c));
        } else if (c == 0xC3 && i + 1 < out.size()) {
            const auto next = static_cast<unsigned char>(out[i + 1]);
            if (next >= 0x80 && next <= 0x9E && next != 0x97) // U+00C0..U+00DE but the sign ×
                out[i + 1] = char(next + 0x20);
            ++i;
        }
    }
    return out;
}

bool containsAny(const std::string& lowered, std::initializer_list<const char*> words) {
    return std::any_of(words.begin(), words.end(),
                       [&](const char* w) { return lowered.find(w) != std::string::npos; });
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
// decimals, "12, 34", or between them, "28,8 1": a receipt's amounts always have two), as cents.
std::vector<long> amountsIn(const std::string& line) {
    static const std::regex amount(R"((^|[^\d])(\d{1,3}(?:[.,' ]\d{3})*|\d+)\s?[.,]\s?(\d) ?(\d)(?!\d))");
    std::vector<long> out;
    for (auto it = std::sregex_iterator(line.begin(), line.end(), amount); it != std::sregex_iterator();
         ++it) {
        std::string whole = (*it)[2];
        std::erase_if(whole, [](char c) { return !std::isdigit(static_cast<unsigned char>(c)); });
        if (whole.size() > 7)
            continue;
        out.push_back(std::stol(whole) * 100 + std::stol((*it)[3]) * 10 + std::stol((*it)[4]));
    }
    return out;
}

bool isChangeLine(const std::string& l) {
    // OCR reads Rückgeld's ü as u, o, ii or üe and its e as a ("Rüekgald").
    static const std::regex rueckgeld("r\\S{1,4}k\\s?g[a-z]ld");
    return containsAny(l, {"rückgeld", "ruckgeld", "rockgeld", "riickgeld", "rueckgeld", "zurück", "zuruck",
                           "change"}) ||
           std::regex_search(l, rueckgeld);
}

bool namesACard(const std::string& lowered) {
    return containsAny(lowered, {"karte", "card", "girocard", "ec-cash", "ec cash", "visa", "maestro"});
}

// How strongly a line names the total: 2 SUMME/TOTAL/ZU ZAHLEN, 1 a payment (BAR, EC-CASH...),
// 0 none. Subtotals, VAT, net, cash given and change lines are 0 whatever else they say; an
// amount "given" by card ("GEGEBEN Mastercard 48.77") is exactly what was paid.
int totalStrength(const std::string& l) {
    if (isChangeLine(l) || containsAny(l, {"zwischen", "subtotal", "sub total", "sub-total", "mwst", "mw st",
                                           "ust", "vat", "tax", "netto", "net ", "brutto ", "steuer", "%"}))
        return 0;
    if (containsAny(l, {"gegeben", "tendered"}) && !namesACard(l))
        return 0;
    // Read with its spaces taken out too: OCR splits a word's letters on thermal print ("SUMM E").
    std::string squeezed = l;
    std::erase(squeezed, ' ');
    for (const auto& text : {l, squeezed})
        if (containsAny(text, {"summe", "total", "zuzahlen", "gesamt", "amountdue", "balancedue", "endbetrag",
                               "zahlbetrag"}))
            return 2;
    // Whole words only: SALATBAR is a product, DeutschlandCard a loyalty card.
    static const std::regex payment("(^|[^a-z\\x80-\\xff])(bar|ec-cash|ec "
                                    "cash|eccash|girocard|kreditkarte|ec-karte|karte|kartenzahlung|visa|"
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
    return amountsIn(line).size() == 1 && std::none_of(rest.begin(), rest.end(), [](unsigned char c) {
               return std::isalpha(c) || c >= 0x80;
           });
}

// A card payment is the total itself (cash given may be more).
bool isCardPayment(const std::string& line) {
    return namesACard(lower(line)) && amountsIn(line).size() == 1;
}

// The amounts of line i, or that of the line under it when the line holds only its label (or its
// amount is unreadable) and that line is a bare amount or a card payment.
std::vector<long> lineAmounts(const std::vector<std::string>& lines, size_t i) {
    auto amounts = amountsIn(lines[i]);
    if (amounts.empty() && i + 1 < lines.size() &&
        (onlyAnAmount(lines[i + 1]) || isCardPayment(lines[i + 1])))
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

// The first amount of the first line that `wanted` accepts; -1 when none.
template <typename Predicate> long firstAmountOf(const std::vector<std::string>& lines, Predicate wanted) {
    for (size_t i = 0; i < lines.size(); ++i)
        if (wanted(lower(lines[i])))
            if (const auto a = lineAmounts(lines, i); !a.empty())
                return a.back();
    return -1;
}

bool isCashGivenLine(const std::string& l) {
    return !isChangeLine(l) && containsAny(l, {"gegeben", "geg.", "tendered", "bar", "cash"});
}

// How many lines print `cents` as one of their amounts.
int linesWith(const std::vector<std::string>& lines, long cents) {
    return int(std::count_if(lines.begin(), lines.end(), [&](const std::string& line) {
        const auto amounts = amountsIn(line);
        return std::find(amounts.begin(), amounts.end(), cents) != amounts.end();
    }));
}

// The amounts of a VAT table's row ("B 7% 9,49 0,66 10,15", "19.00 % 42.01 7.98"): those of a
// line with a tax rate, the rate itself left out, under a heading naming the tax (or naming it
// itself); empty when the line is no such row.
std::vector<long> vatRowAmounts(const std::vector<std::string>& lines, size_t i) {
    static const std::regex rate(R"(\d{1,2}(?:[.,]\d{1,2})?\s?%)");
    const std::string& line = lines[i];
    if (!std::regex_search(line, rate))
        return {};
    bool underHeading = false;
    for (size_t above = i + 1; above-- > 0 && above + 4 > i && !underHeading;)
        underHeading = containsAny(lower(lines[above]), {"mwst", "mw st", "ust", "steuer", "mehrwert", "vat",
                                                         "tax", "netto", "brutto", "net "});
    if (!underHeading)
        return {};
    const auto amounts = amountsIn(std::regex_replace(line, rate, " "));
    return amounts.size() >= 2 && amounts.size() <= 3 ? amounts : std::vector<long>{};
}

// What each row of a VAT table may hold as its gross amount: with three amounts the one that is
// the sum of the other two, or when none is (one is misread) the largest and the sum of the two
// others; with two (net and tax, or tax and gross) their sum or the larger.
std::vector<long> possibleGross(const std::vector<long>& row) {
    std::vector<long> sorted = row;
    std::sort(sorted.begin(), sorted.end());
    const long largest = sorted.back();
    const long others = sorted.size() == 3 ? sorted[0] + sorted[1] : sorted[0] + largest;
    if (sorted.size() == 3 && std::abs(others - largest) <= 1)
        return {largest};
    return {largest, others};
}

// The totals a receipt's VAT table adds up to (the sums of its rows' gross amounts, each row
// read every way possibleGross allows); empty without a table. At most 4 rows are combined.
std::vector<long> vatTableTotals(const std::vector<std::string>& lines) {
    std::vector<long> totals;
    size_t rows = 0;
    for (size_t i = 0; i < lines.size() && rows < 4; ++i) {
        const auto row = vatRowAmounts(lines, i);
        if (row.empty())
            continue;
        const auto gross = possibleGross(row);
        std::vector<long> next;
        for (const long g : gross)
            if (totals.empty() && rows == 0)
                next.push_back(g);
            else
                for (const long t : totals)
                    next.push_back(t + g);
        totals = std::move(next);
        ++rows;
    }
    return totals;
}

// Whether a payment line (BAR, EC-CASH, Karte... but no cash given or change) prints `cents`.
bool paidOnALine(const std::vector<std::string>& lines, long cents) {
    return std::any_of(lines.begin(), lines.end(), [&](const std::string& line) {
        const auto amounts = amountsIn(line);
        return totalStrength(lower(line)) == 1 &&
               std::find(amounts.begin(), amounts.end(), cents) != amounts.end();
    });
}

// A card pays exactly the total, and a VAT table's gross amounts add up to it: when the sum
// line's amount differs from the card payment's, OCR misread one of them, and the one with more
// evidence (printed on more lines, such as the card slip's "EUR 17,06"; the VAT table adding up
// to it) is the right one; on a tie the sum line's. A VAT table whose every row adds up (net and
// tax to gross) overrules the sum line only with a payment line printing its total while none
// prints the sum's (a table alone may miss a rate's row; an item may cost what a row's gross is).
long checkedSum(const std::vector<std::string>& lines, long sum) {
    const auto table = vatTableTotals(lines);
    const auto evidence = [&](long amount) {
        return linesWith(lines, amount) + int(std::count(table.begin(), table.end(), amount) > 0);
    };
    const long card =
        firstAmountOf(lines, [](const std::string& l) { return namesACard(l) && !isChangeLine(l); });
    if (card > 0 && card != sum)
        return evidence(card) > evidence(sum) ? card : sum;
    if (table.size() == 1 && table.front() != sum && paidOnALine(lines, table.front()) &&
        !paidOnALine(lines, sum))
        return table.front();
    return sum;
}

std::string findTotal(const std::vector<std::string>& lines) {
    int strength = 0;
    long best = strongestAmount(lines, strength);
    if (strength == 2)
        return centsText(checkedSum(lines, best));
    // Cash given and change printed, the sum not readable: the total is their difference (cash
    // given alone is no total: it may be more than was paid).
    if (strength == 0)
        best = firstAmountOf(lines, isCashGivenLine);
    if (best > 0) {
        const long change = firstAmountOf(lines, isChangeLine);
        if (change > 0 && change < best)
            return centsText(best - change);
        if (strength == 0)
            return {};
    }
    return best < 0 ? std::string() : centsText(best);
}

std::string isoDate(int y, int m, int d) {
    if (y < 100)
        y += y >= 90 ? 1900 : 2000;
    if (y < 1990 || y > 2099 || m < 1 || m > 12 || d < 1 || d > 31)
        return {};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
    return buf;
}

// A number as OCR may have misread it on thermal print: O, o, Q, D, C for 0, l, I, | for 1,
// S for 5 ("2S.02.20", "15.04.202C"). -1 when it holds no real digit at all (so "Il. 1,69" is no
// date) or another letter.
int confusedNumber(const std::string& s) {
    int value = 0;
    bool realDigit = false;
    for (const char c : s) {
        int digit = -1;
        if (c >= '0' && c <= '9') {
            digit = c - '0';
            realDigit = true;
        } else if (std::strchr("OoQDC", c)) {
            digit = 0;
        } else if (std::strchr("lI|", c)) {
            digit = 1;
        } else if (c == 'S') {
            digit = 5;
        }
        if (digit < 0)
            return -1;
        value = value * 10 + digit;
    }
    return realDigit ? value : -1;
}

std::string dateOf(const std::string& day, const std::string& month, const std::string& year) {
    const int d = confusedNumber(day), m = confusedNumber(month), y = confusedNumber(year);
    if (d < 0 || m < 0 || y < 0 || (year.size() == 4 && y < 1000))
        return {};
    return isoDate(y, m, d);
}

// The dates of a line, each with whether a time (hh:mm) follows it, as on a till's date line. A
// "year" followed by a colon is the hour of a date printed without its year ("15.04. 16:14").
std::vector<std::pair<std::string, bool>> datesIn(const std::string& line) {
    static const std::string n = R"([\dOoQDClI|S])";
    static const std::regex dmy("(?:^|[^\\dA-Za-z])(" + n + "{1,2})\\s?[./,-]{1,2}\\s?(" + n +
                                "{1,2})\\s?[./,-]{1,2}\\s?(" + n + "{4}|" + n +
                                "{2})(?![\\dA-Za-z:])(\\s+\\d{1,2}\\s?[:.]\\s?\\d{2})?");
    static const std::regex ymd(R"((?:^|[^\d])(\d{4})-(\d{2})-(\d{2})(?!\d)(\s+\d{1,2}:\d{2})?)");
    std::vector<std::pair<std::string, bool>> out;
    for (auto it = std::sregex_iterator(line.begin(), line.end(), ymd); it != std::sregex_iterator(); ++it)
        if (auto d = dateOf((*it)[3], (*it)[2], (*it)[1]); !d.empty())
            out.emplace_back(d, (*it)[4].matched);
    for (auto it = std::sregex_iterator(line.begin(), line.end(), dmy); it != std::sregex_iterator(); ++it)
        if (auto d = dateOf((*it)[1], (*it)[2], (*it)[3]); !d.empty())
            out.emplace_back(d, (*it)[4].matched);
    return out;
}

// Day and month printed without a year ("AS-Zeit 15.04. 16:14" on a card slip), as "-MM-DD".
std::vector<std::string> dayMonthsIn(const std::string& line) {
    static const std::regex dm(R"((?:^|[^\d.,])(\d{1,2})\.(\d{1,2})\.(?![\d.,]))");
    std::vector<std::string> out;
    for (auto it = std::sregex_iterator(line.begin(), line.end(), dm); it != std::sregex_iterator(); ++it) {
        const int d = std::stoi((*it)[1]), m = std::stoi((*it)[2]);
        if (d >= 1 && d <= 31 && m >= 1 && m <= 12) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "-%02d-%02d", m, d);
            out.emplace_back(buf);
        }
    }
    return out;
}

struct DateCandidate {
    std::string date;
    int mentions = 0; // lines printing it, with or without its year
    int rank = 0;     // 2 on a "Datum"/"Date" line (or under such a heading), 1 followed by a time
};

// Of the dates on a "Datum"/"Date" line (or under such a heading) or followed by a time (the
// till's date line), the one the receipt prints most often (with the card slip's "15.04."
// without a year: OCR misreading one of them rarely misreads all alike the same way); among as
// many mentions the labelled one first, then the timed one. Other dates (an advert's "bis
// 30.04.20", a best-before date, however often printed) only when there is no such date; then
// the first.
std::string findDate(const std::vector<std::string>& lines) {
    std::vector<DateCandidate> candidates;
    std::vector<std::string> dayMonths;
    bool headingAbove = false; // "Datum Uhrzeit Filiale Bon" over the values
    for (const auto& line : lines) {
        const bool labelled = headingAbove || containsAny(lower(line), {"datum", "date"});
        const auto dates = datesIn(line);
        headingAbove = containsAny(lower(line), {"datum", "date"}) && dates.empty();
        for (const auto& [date, timed] : dates) {
            auto known = std::find_if(candidates.begin(), candidates.end(),
                                      [&](const DateCandidate& c) { return c.date == date; });
            if (known == candidates.end())
                known = candidates.insert(candidates.end(), DateCandidate{date});
            ++known->mentions;
            known->rank = std::max(known->rank, labelled ? 2 : timed ? 1 : 0);
        }
        if (dates.empty())
            for (auto& dayMonth : dayMonthsIn(line))
                dayMonths.push_back(std::move(dayMonth));
    }
    for (auto& c : candidates)
        c.mentions += int(std::count(dayMonths.begin(), dayMonths.end(), c.date.substr(4)));
    const auto best =
        std::max_element(candidates.begin(), candidates.end(), [](const auto& a, const auto& b) {
            return std::tuple(a.rank > 0, a.mentions, a.rank) < std::tuple(b.rank > 0, b.mentions, b.rank);
        });
    return best == candidates.end() ? std::string() : best->date;
}

// Chains whose logo often is not text OCR can read, while their name is printed elsewhere on the
// receipt (an address line, the footer): the largest German, Austrian, Swiss, British and US ones.
const std::vector<std::string>& chainNames() {
    static const std::vector<std::string> names{
        "Aldi",        "Lidl",      "Rewe",      "Edeka",    "Penny",   "Kaufland", "Real",       "Marktkauf",
        "Globus",      "Norma",     "Tegut",     "Rossmann", "Budni",   "Hornbach", "Obi",        "Toom",
        "Bauhaus",     "Hagebau",   "Hellweg",   "Ikea",     "Roller",  "Poco",     "MediaMarkt", "Saturn",
        "Tchibo",      "Deichmann", "Migros",    "Coop",     "Spar",    "Billa",    "Hofer",      "Tesco",
        "Sainsbury's", "Asda",      "Morrisons", "Waitrose", "Walmart", "Target",   "Costco"};
    return names;
}

// The words of a line, lower case, letters (and apostrophes) only: "www.marktkauf.de" gives
// "www", "marktkauf", "de".
std::vector<std::string> wordsOf(const std::string& line) {
    std::vector<std::string> words(1);
    for (const unsigned char c : lower(line)) {
        if (std::isalpha(c) || c == '\'')
            words.back() += char(c);
        else if (!words.back().empty())
            words.emplace_back();
    }
    if (words.back().empty())
        words.pop_back();
    return words;
}

// A chain named on a line, exactly or (long names only, which OCR misreads on thermal print:
// "Merktkaut") within one wrong letter in six letters, two in eight or more.
std::string chainOn(const std::string& line) {
    static const std::regex dm("(^|[^A-Za-z])dm[- ]drogerie", std::regex::icase);
    if (std::regex_search(line, dm))
        return "dm";
    const auto words = wordsOf(line);
    for (const std::string& name : chainNames()) {
        const std::string wanted = lower(name);
        const size_t tolerated = wanted.size() >= 8 ? 2 : wanted.size() >= 6 ? 1 : 0;
        for (const auto& word : words)
            if (word.size() + tolerated >= wanted.size() && word.size() <= wanted.size() + tolerated &&
                editDistance(word, wanted) <= tolerated)
                return name;
    }
    return {};
}

// A short chain name (four or five letters: "Real", "Lidl", "Penny") within one wrong letter in
// a short line at the very top, where the logo is printed: OCR reads a logo's odd letters on
// thermal print as "reat" or "LiDL". Elsewhere on the receipt that would be too loose (Real is
// one letter from "read", Lidl from "lid").
std::string chainInLogo(const std::vector<std::string>& lines) {
    for (size_t i = 0; i < lines.size() && i < 3; ++i) {
        auto words = wordsOf(lines[i]);
        if (words.size() > 3)
            continue;
        // A logo's letters split by a misread sign ("L+DL") read together.
        std::string joined;
        for (const auto& word : words)
            joined += word;
        words.push_back(joined);
        for (const std::string& name : chainNames()) {
            const std::string wanted = lower(name);
            if (wanted.size() < 4 || wanted.size() > 5)
                continue;
            for (const auto& word : words)
                if (word.size() + 1 >= wanted.size() && word.size() <= wanted.size() + 1 &&
                    editDistance(word, wanted) <= 1)
                    return name;
        }
    }
    return {};
}

// An exact mention of a chain anywhere wins over a near one in the logo, then over a near one
// elsewhere.
std::string knownChain(const std::vector<std::string>& lines) {
    std::string near;
    for (const auto& line : lines) {
        const auto words = wordsOf(line);
        for (const std::string& name : chainNames())
            if (std::find(words.begin(), words.end(), lower(name)) != words.end())
                return name;
        if (near.empty())
            near = chainOn(line);
    }
    if (auto logo = chainInLogo(lines); !logo.empty())
        return logo;
    return near;
}

// A street or town line ("Warburger Straße 130", "33100 Paderborn"): where the shop is, not its name.
bool isAddressLine(const std::string& lowered) {
    static const std::regex postcodeOrStreet("(^|[^\\d])\\d{4,5}\\s+[a-z\\x80-\\xff]|(stra(ss|\xc3\x9f|b)e|"
                                             "str\\.|weg|platz|allee|gasse|street|road|avenue)"
                                             "\\s*\\d");
    return std::regex_search(lowered, postcodeOrStreet);
}

// A known chain anywhere on the receipt, else the first line near the top, above the items,
// that reads like a name: mostly letters, not a greeting, a receipt heading or an address.
// Whether a line near the top could be (part of) the shop's name.
bool readsLikeAName(const std::string& line) {
    if (!amountsIn(line).empty())
        return false;
    const std::string l = lower(line);
    if (containsAny(l, {"willkommen", "welcome", "kassenbon", "beleg", "rechnung", "receipt", "invoice",
                        "quittung", "kasse", "tel", "www", "http", "@"}) ||
        isAddressLine(l) || l == "eur" || l == "euro" || l == "usd" || l == "gbp" || l == "chf")
        return false;
    size_t letters = 0;
    for (const unsigned char c : line)
        letters += std::isalpha(c) || c >= 0x80 ? 1 : 0;
    return letters >= 3 && letters * 10 >= line.size() * 6;
}

std::string findMerchant(const std::vector<std::string>& lines) {
    if (auto chain = knownChain(lines); !chain.empty())
        return chain;
    for (size_t i = 0; i < lines.size() && i < 8; ++i) {
        if (!amountsIn(lines[i]).empty())
            break; // the items have begun: the name is printed above them
        if (!readsLikeAName(lines[i]))
            continue;
        // A one-word name often goes on in the next line ("DELPHIN" / "APOTHEKE"); one- and
        // two-letter words are a logo's specks read as letters ("FO. DELPHIN").
        const auto words = wordsOf(lines[i]);
        const auto realWords =
            std::count_if(words.begin(), words.end(), [](const auto& w) { return w.size() > 2; });
        if (realWords == 1 && i + 1 < lines.size() && readsLikeAName(lines[i + 1]))
            return lines[i] + " " + lines[i + 1];
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

size_t editDistance(const std::string& a, const std::string& b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            const size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

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

bool mayHoldReceiptData(std::string_view line) {
    // Day and month, or month and year, around a separator, however misread; a year; or a time
    // (the till prints it beside the date: "be. 04. Mm 14: j" is a date line).
    static const std::regex dateLike(
        R"(\d\s?[./,-]\s?\S{1,2}\s?[./,-]|(^|[^\d])(19|20)\d{2}([^\d]|$)|\d\s?:\s?\S)");
    const std::string text(line);
    return totalStrength(lower(text)) > 0 || std::regex_search(text, dateLike);
}

} // namespace docdesk::ocr
