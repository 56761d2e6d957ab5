// Separation (pages -> documents), field extraction and naming of the filing plan.
#include "core/common/FreeName.h"
#include "core/common/Translate.h"
#include "core/ocr/Receipt.h"
#include "core/rules/FilingPlan.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <set>
#include <stdexcept>

namespace docdesk::rules {
namespace {

std::string lowerAscii(std::string s) {
    for (auto& c : s)
        c = char(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string trimSpaces(std::string_view s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos)
        return {};
    const auto last = s.find_last_not_of(" \t\r\n");
    return std::string(s.substr(first, last - first + 1));
}

bool startsWithIgnoringCase(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() &&
           lowerAscii(std::string(s.substr(0, prefix.size()))) == lowerAscii(std::string(prefix));
}

// An ASN label read the way paperless-ngx reads it: prefix off, then every non-digit.
struct AsnReading {
    std::optional<std::uint64_t> number; // set when usable
    std::string problem;                 // translated, when not
};

AsnReading readAsn(const std::string& text, const AsnRule& rule) {
    std::string digits;
    for (const char c : std::string_view(text).substr(rule.prefix.size()))
        if (c >= '0' && c <= '9')
            digits += c;
    if (digits.empty())
        return {std::nullopt, tr("no number after the prefix")};
    std::uint64_t n = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (ec != std::errc() || end != digits.data() + digits.size() || n < rule.min || n > rule.max)
        return {std::nullopt, trf("the number is outside {} to {}", rule.min, rule.max)};
    return {n, {}};
}

bool isAsnBarcode(const BarcodeHit& b, const PlanPage& page, const AsnRule& rule) {
    return rule.enabled && b.text.starts_with(rule.prefix) && rule.filter.accepts(b, page.width, page.height);
}

// The tags in one barcode ("TAG:a" or "TAG:a,TAG:b").
std::vector<std::string> tagsIn(const BarcodeHit& b, const PlanPage& page, const TagRule& rule) {
    std::vector<std::string> tags;
    if (!rule.enabled || !rule.filter.accepts(b, page.width, page.height))
        return tags;
    std::string_view rest = b.text;
    while (true) {
        const auto comma = rest.find(',');
        const std::string part = trimSpaces(rest.substr(0, comma));
        if (startsWithIgnoringCase(part, rule.prefix)) {
            auto tag = trimSpaces(std::string_view(part).substr(rule.prefix.size()));
            if (!tag.empty())
                tags.push_back(std::move(tag));
        }
        if (comma == std::string_view::npos)
            break;
        rest.remove_prefix(comma + 1);
    }
    return tags;
}

std::optional<std::string> changeValueOn(const PlanPage& page, const std::optional<ValueChangeRule>& rule) {
    if (!rule)
        return std::nullopt;
    for (const auto& b : page.barcodes)
        if (rule->filter.accepts(b, page.width, page.height))
            if (auto v = rule->pattern.find(b.text))
                return v;
    return std::nullopt;
}

// What a page says about where documents begin.
struct PageSignals {
    std::optional<std::string> separator;
    std::optional<std::string> asn; // a usable ASN label that starts a document
    std::optional<std::string> tag; // a tag barcode that starts a document
    std::optional<std::string> changeValue;
};

PageSignals signalsOf(const PlanPage& page, const FilingRules& rules) {
    PageSignals s;
    s.separator = rules.separators.separatorOn(page.barcodes);
    for (const auto& b : page.barcodes) {
        if (!s.asn && rules.asn.split && isAsnBarcode(b, page, rules.asn) &&
            readAsn(b.text, rules.asn).number)
            s.asn = b.text;
        if (!s.tag && rules.tags.split && !tagsIn(b, page, rules.tags).empty())
            s.tag = b.text;
    }
    s.changeValue = changeValueOn(page, rules.splitOnChange);
    return s;
}

// The pages that begin a document before anything on them is read, and why: a new source file
// (with per_file), or a page that is a document of its own (PlanPage::ownDocument). Image files
// count only when nothing else separates the batch: a feeder batch delivered as one file per
// page keeps its separator sheets, labels and page counts.
// True when something else than files separates the documents of `pages`: then a file is
// not a document of its own just for being a file.
bool separatedOtherwise(const std::vector<PlanPage>& pages, const FilingRules& rules) {
    if (rules.everyPages > 0 || rules.splitOnChange.has_value())
        return true;
    return std::any_of(pages.begin(), pages.end(), [&](const PlanPage& p) {
        const PageSignals s = signalsOf(p, rules);
        return s.separator || s.asn || s.tag;
    });
}

std::vector<std::optional<StartReason>> ownDocumentStarts(const std::vector<PlanPage>& pages,
                                                          const FilingRules& rules) {
    const bool separated = separatedOtherwise(pages, rules);
    std::vector<std::optional<StartReason>> out;
    for (std::size_t i = 0; i < pages.size(); ++i) {
        const auto& p = pages[i];
        if (i > 0 && rules.perFile && p.file != pages[i - 1].file)
            out.push_back(StartReason::NewFile);
        else
            out.push_back(p.ownDocument == StartReason::NewFile && separated ? std::nullopt : p.ownDocument);
    }
    return out;
}

std::string pageLabel(const PlanPage& p) {
    return trf("{} page {}", p.source, p.page);
}

std::optional<double> parseNumber(const std::string& s) {
    double v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size())
        return std::nullopt;
    return v;
}

std::string formatNumber(double v) {
    return fmt::format("{}", v);
}

// Collects a document's fields: the first value wins, later different ones give one warning each.
class FieldCollector {
  public:
    explicit FieldCollector(PlannedDocument& d) : doc_(d) {}

    void offer(const std::string& name, const std::string& value, std::size_t page) {
        const auto it = doc_.fields.find(name);
        if (it == doc_.fields.end()) {
            doc_.fields[name] = FieldValue{value, FieldOrigin::Barcode, page};
        } else if (it->second.value != value && reported_.insert(name + '\n' + value).second) {
            doc_.warnings.push_back(
                trf("Field '{}' has several values on this document ('{}' and '{}'); '{}' is used.", name,
                    it->second.value, value, it->second.value));
        }
    }

  private:
    PlannedDocument& doc_;
    std::set<std::string> reported_;
};

// The page's text, or only that of its words whose centre lies in `zone`, line by line.
std::string textIn(const ocr::PageText& text, const std::optional<Zone>& zone) {
    if (!zone)
        return text.text;
    if (text.width <= 0 || text.height <= 0)
        return {};
    std::string out;
    int line = -1;
    for (const auto& w : text.words) {
        if (!zone->contains((w.x + w.width / 2.0) / text.width, (w.y + w.height / 2.0) / text.height))
            continue;
        if (!out.empty())
            out += w.line == line ? " " : "\n";
        out += w.text;
        line = w.line;
    }
    return out;
}

// Fields from the page's OCR text: text field rules and, when asked for, the receipt's data.
void readPageText(const PlanPage& page, std::size_t index, const FilingRules& rules,
                  FieldCollector& collect) {
    if (!page.text)
        return;
    for (const auto& rule : rules.fields)
        if (rule.source == FieldSource::Text)
            if (auto v = rule.pattern.find(textIn(*page.text, rule.filter.zone)))
                collect.offer(rule.name, *v, index);
    if (!rules.output.receiptFields)
        return;
    if (const auto receipt = ocr::parseReceipt(page.text->text)) {
        for (const auto& [name, value] :
             {std::pair<const char*, const std::string&>{"merchant", receipt->merchant},
              {"date", receipt->date},
              {"total", receipt->total},
              {"currency", receipt->currency}})
            if (!value.empty())
                collect.offer(name, value, index);
    }
}

void validate(PlannedDocument& d, const FieldRule& rule) {
    const auto it = d.fields.find(rule.name);
    if (it == d.fields.end())
        return;
    const auto& value = it->second.value;
    const auto& v = rule.validation;
    if (v.pattern && !v.pattern->matchesWhole(value))
        d.warnings.push_back(trf("Field '{}' ('{}') does not match the expected pattern {}.", rule.name,
                                 value, v.pattern->text()));
    if (v.min || v.max) {
        const auto number = parseNumber(value);
        if (!number)
            d.warnings.push_back(trf("Field '{}' ('{}') should be a number.", rule.name, value));
        else if (v.min && *number < *v.min)
            d.warnings.push_back(
                trf("Field '{}' ({}) is below the minimum {}.", rule.name, value, formatNumber(*v.min)));
        else if (v.max && *number > *v.max)
            d.warnings.push_back(
                trf("Field '{}' ({}) is above the maximum {}.", rule.name, value, formatNumber(*v.max)));
    }
}

} // namespace

std::optional<std::string> SeparatorRule::separatorOn(const std::vector<BarcodeHit>& barcodes) const {
    for (const auto& b : barcodes) {
        if (std::find(values.begin(), values.end(), b.text) != values.end())
            return b.text;
        if (pattern && pattern->find(b.text))
            return b.text;
    }
    return std::nullopt;
}

const char* reasonKey(StartReason reason) {
    switch (reason) {
    case StartReason::FirstPage:
        return "first page";
    case StartReason::Separator:
        return "separator";
    case StartReason::Asn:
        return "asn";
    case StartReason::Tag:
        return "tag";
    case StartReason::BarcodeChange:
        return "barcode change";
    case StartReason::BlankPage:
        return "blank page";
    case StartReason::EveryNPages:
        return "every N pages";
    case StartReason::NewFile:
        return "new file";
    case StartReason::UserSplit:
        return "user split";
    case StartReason::Receipt:
        return "receipt";
    }
    return "first page";
}

std::string describe(const DocumentStart& start) {
    switch (start.reason) {
    case StartReason::FirstPage:
        return tr("first page");
    case StartReason::Separator:
        return trf("separator sheet {}", start.value);
    case StartReason::Asn:
        return trf("archive serial number {}", start.value);
    case StartReason::Tag:
        return trf("tag barcode {}", start.value);
    case StartReason::BarcodeChange:
        return trf("barcode value changed to {}", start.value);
    case StartReason::BlankPage:
        return tr("blank page");
    case StartReason::EveryNPages:
        return trf("every {} pages", start.value);
    case StartReason::NewFile:
        return tr("new file");
    case StartReason::UserSplit:
        return tr("split by hand");
    case StartReason::Receipt:
        return tr("one of several documents on one page");
    }
    return {};
}

const char* reasonKey(DropReason reason) {
    return reason == DropReason::Blank ? "blank" : "separator";
}

std::string PlannedDocument::relativePath(std::string_view extension) const {
    std::string path = folder.empty() ? std::string() : folder + "/";
    return path + fileName + std::string(extension);
}

std::map<std::string, std::string> PlannedDocument::fieldValues() const {
    std::map<std::string, std::string> out;
    for (const auto& [name, f] : fields)
        out[name] = f.value;
    return out;
}

FilingPlanner::FilingPlanner(FilingRules rules, NamingContext naming)
    : rules_(std::move(rules)), naming_(naming) {}

namespace {

// Why a page with an ASN or tag label starts a document (such a sheet is kept), if it has one.
std::optional<DocumentStart> keptSheetStart(const PageSignals& s) {
    if (s.asn)
        return DocumentStart{StartReason::Asn, *s.asn};
    if (s.tag)
        return DocumentStart{StartReason::Tag, *s.tag};
    return std::nullopt;
}

} // namespace

FilingPlan
FilingPlanner::plan(const std::vector<PlanPage>& pages,
                    const std::map<std::size_t, std::map<std::string, std::string>>& userFields) const {
    FilingPlan plan;
    std::optional<std::size_t> open;            // the document pages are being added to
    std::optional<DocumentStart> pending;       // why the next document starts (first reason wins)
    std::vector<std::size_t> pendingIntro;      // dropped separator sheets before it
    std::optional<std::string> openChangeValue; // the open document's value-change barcode

    auto start = [&](std::size_t i, DocumentStart why, const PageSignals& s) {
        PlannedDocument d;
        d.pages = {i};
        d.startsBecause = std::move(why);
        d.introducedBy = std::move(pendingIntro);
        pendingIntro.clear();
        pending.reset();
        plan.documents.push_back(std::move(d));
        open = plan.documents.size() - 1;
        openChangeValue = s.changeValue;
    };
    auto close = [&](DocumentStart why) {
        open.reset();
        if (!pending)
            pending = std::move(why);
    };

    const auto ownStarts = ownDocumentStarts(pages, rules_);
    for (std::size_t i = 0; i < pages.size(); ++i) {
        const PlanPage& page = pages[i];
        const PageSignals s = signalsOf(page, rules_);
        if (i > 0 && ownStarts[i]) {
            // A file's trailing separator must not lend its barcodes to the next file.
            pendingIntro.clear();
            pending.reset();
            close({*ownStarts[i], {}});
        }
        // Pages that start a document and are kept. An ASN or tag label on a separator sheet
        // keeps the sheet, as in paperless-ngx.
        if (const auto kept = keptSheetStart(s)) {
            start(i, *kept, s);
            continue;
        }
        if (s.separator) {
            if (rules_.separators.keepPage) {
                start(i, {StartReason::Separator, *s.separator}, s);
            } else {
                plan.dropped.push_back({i, DropReason::Separator, *s.separator});
                close({StartReason::Separator, *s.separator});
                pendingIntro.push_back(i);
            }
            continue;
        }
        if (page.blank && rules_.blankPages != BlankPages::Keep) {
            plan.dropped.push_back({i, DropReason::Blank, {}});
            if (rules_.blankPages == BlankPages::Separate)
                close({StartReason::BlankPage, {}});
            continue;
        }
        if (open) {
            auto& doc = plan.documents[*open];
            if (s.changeValue && openChangeValue && *s.changeValue != *openChangeValue) {
                start(i, {StartReason::BarcodeChange, *s.changeValue}, s);
            } else if (rules_.everyPages > 0 && doc.pages.size() >= std::size_t(rules_.everyPages)) {
                start(i, {StartReason::EveryNPages, std::to_string(rules_.everyPages)}, s);
            } else {
                doc.pages.push_back(i);
                if (!openChangeValue)
                    openChangeValue = s.changeValue;
            }
            continue;
        }
        start(i, pending.value_or(DocumentStart{}), s);
    }

    for (const auto& [index, fields] : userFields)
        plan.documents.at(index).userFields = fields;
    refresh(plan, pages);
    return plan;
}

FilingPlan FilingPlanner::merge(FilingPlan plan, const std::vector<PlanPage>& pages,
                                std::size_t first) const {
    if (first + 1 >= plan.documents.size())
        throw std::out_of_range("FilingPlanner::merge: no document after " + std::to_string(first));
    auto& a = plan.documents[first];
    auto& b = plan.documents[first + 1];
    a.pages.insert(a.pages.end(), b.pages.begin(), b.pages.end());
    a.introducedBy.insert(a.introducedBy.end(), b.introducedBy.begin(), b.introducedBy.end());
    for (const auto& [name, value] : b.userFields)
        a.userFields.emplace(name, value);
    plan.documents.erase(plan.documents.begin() + std::ptrdiff_t(first) + 1);
    refresh(plan, pages);
    return plan;
}

FilingPlan FilingPlanner::split(FilingPlan plan, const std::vector<PlanPage>& pages, std::size_t document,
                                std::size_t at) const {
    auto& d = plan.documents.at(document);
    if (at == 0 || at >= d.pages.size())
        throw std::out_of_range("FilingPlanner::split: position " + std::to_string(at) +
                                " is not inside document " + std::to_string(document));
    PlannedDocument second;
    second.pages.assign(d.pages.begin() + std::ptrdiff_t(at), d.pages.end());
    second.startsBecause = {StartReason::UserSplit, {}};
    d.pages.resize(at);
    plan.documents.insert(plan.documents.begin() + std::ptrdiff_t(document) + 1, std::move(second));
    refresh(plan, pages);
    return plan;
}

FilingPlan FilingPlanner::withUserFields(FilingPlan plan, const std::vector<PlanPage>& pages,
                                         std::size_t document,
                                         std::map<std::string, std::string> fields) const {
    plan.documents.at(document).userFields = std::move(fields);
    refresh(plan, pages);
    return plan;
}

std::size_t FilingPlanner::settledDocuments(const std::vector<PlanPage>& pages,
                                            const FilingPlan& plan) const {
    if (plan.documents.empty())
        return 0;
    const bool filesOnTheirOwn = std::any_of(
        pages.begin(), pages.end(), [](const PlanPage& p) { return p.ownDocument == StartReason::NewFile; });
    if (filesOnTheirOwn && !separatedOtherwise(pages, rules_))
        return 0;
    return plan.documents.size() - 1;
}

void FilingPlanner::refresh(FilingPlan& plan, const std::vector<PlanPage>& pages) const {
    for (auto& d : plan.documents)
        refreshFields(d, pages);
    refreshNames(plan, pages);
}

void FilingPlanner::refreshFields(PlannedDocument& d, const std::vector<PlanPage>& pages) const {
    d.fields.clear();
    d.warnings.clear();
    FieldCollector collect(d);
    std::vector<std::string> tags;
    std::set<std::string> seenTags;
    std::optional<std::size_t> firstTagPage;
    auto readPage = [&](std::size_t index, bool separatorSheet) {
        const PlanPage& page = pages.at(index);
        if (!page.analysed)
            d.warnings.push_back(
                trf("{}: the page could not be analysed, so its barcodes were not read.", pageLabel(page)));
        for (const auto& b : page.barcodes) {
            if (separatorSheet && rules_.separators.separatorOn({b}))
                continue;
            if (isAsnBarcode(b, page, rules_.asn)) {
                const auto asn = readAsn(b.text, rules_.asn);
                if (asn.number)
                    collect.offer(kAsnField, std::to_string(*asn.number), index);
                else
                    d.warnings.push_back(trf("{}: '{}' is not a usable archive serial number ({}).",
                                             pageLabel(page), b.text, asn.problem));
            }
            for (auto& tag : tagsIn(b, page, rules_.tags)) {
                if (!firstTagPage)
                    firstTagPage = index;
                if (seenTags.insert(lowerAscii(tag)).second)
                    tags.push_back(std::move(tag));
            }
            if (rules_.splitOnChange && !rules_.splitOnChange->field.empty() &&
                rules_.splitOnChange->filter.accepts(b, page.width, page.height))
                if (auto v = rules_.splitOnChange->pattern.find(b.text))
                    collect.offer(rules_.splitOnChange->field, *v, index);
            for (const auto& rule : rules_.fields)
                if (rule.source == FieldSource::Barcode && rule.filter.accepts(b, page.width, page.height))
                    if (auto v = rule.pattern.find(b.text))
                        collect.offer(rule.name, *v, index);
        }
        if (!separatorSheet)
            readPageText(page, index, rules_, collect);
    };
    for (const auto index : d.introducedBy)
        readPage(index, true);
    for (const auto index : d.pages)
        readPage(index, false);
    if (!tags.empty()) {
        std::string joined;
        for (const auto& t : tags)
            joined += (joined.empty() ? "" : ", ") + t;
        d.fields[kTagsField] = FieldValue{joined, FieldOrigin::Barcode, firstTagPage};
    }
    for (const auto& [name, value] : d.userFields) {
        if (value.empty())
            d.fields.erase(name);
        else
            d.fields[name] = FieldValue{value, FieldOrigin::User, std::nullopt};
    }
    for (const auto& rule : rules_.fields)
        validate(d, rule);
}

void FilingPlanner::refreshNames(FilingPlan& plan, const std::vector<PlanPage>& pages) const {
    // Names: rendered per document, then made unique within the plan (case-insensitively, as
    // the target may be a Windows or macOS file system).
    std::set<std::string> used;
    for (std::size_t k = 0; k < plan.documents.size(); ++k) {
        auto& d = plan.documents[k];
        const auto values = d.fieldValues();
        const NamingInput input{&values, d.pages.empty() ? std::string() : pages.at(d.pages.front()).source,
                                naming_.firstCounter + int(k)};
        const auto folder = rules_.folder.render(input, naming_);
        const auto file = rules_.fileName.render(input, naming_);
        d.folder.clear();
        for (const auto& c : folder.components)
            d.folder += (d.folder.empty() ? "" : "/") + c;
        d.fileName = file.components.empty() ? std::string("document") : file.components.front();
        std::vector<std::string> missing = folder.missingFields;
        for (const auto& m : file.missingFields)
            if (std::find(missing.begin(), missing.end(), m) == missing.end())
                missing.push_back(m);
        for (const auto& m : missing)
            d.warnings.push_back(
                trf("Field '{}' is missing; the name uses 'missing-{}' instead. Type it or add a fallback.",
                    m, m));
        const std::string base = d.fileName;
        for (int n = 2; !used.insert(lowerAscii(d.folder + "/" + d.fileName)).second; ++n)
            d.fileName = numberedName(base, n);
    }
}

} // namespace docdesk::rules
