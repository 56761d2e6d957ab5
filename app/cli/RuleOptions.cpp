// The filing-rule options shared by split, file and watch (see RuleOptions.h).
#include "app/cli/RuleOptions.h"

#include "core/common/Error.h"
#include "core/common/Translate.h"
#include "core/ocr/PageText.h"
#include "core/rules/RulesFile.h"

#include <charconv>
#include <ctime>

namespace docdesk::cli {

std::string requireOcrLanguages(const std::string& languages) {
    try {
        return ocr::requireLanguagesOrDefault(languages);
    } catch (const Error& e) {
        throw UsageError(e.what());
    }
}
namespace {

using rules::FilingRules;

rules::Pattern patternOption(const std::string& option, const std::string& text) {
    try {
        return rules::Pattern::compile(text, option);
    } catch (const rules::RulesError& e) {
        throw UsageError(e.what());
    }
}

rules::NameTemplate templateOption(const std::string& option, const std::string& text,
                                   rules::NameTemplate::Kind kind) {
    try {
        return rules::NameTemplate::parse(text, kind, option);
    } catch (const rules::RulesError& e) {
        throw UsageError(e.what());
    }
}

int everyOption(const std::string& text) {
    int n = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc() || end != text.data() + text.size() || n < 1 || n > 100000)
        throw UsageError(tr("--every needs a number of pages from 1 to 100000"));
    return n;
}

} // namespace

bool RuleOptions::parse(const std::vector<std::string>& args, size_t& i) {
    const auto& o = args[i];
    if (o == "--rules")
        rulesFile = optionValue(args, i);
    else if (o == "--rules-profile")
        profile = optionValue(args, i);
    else // --crop, --no-deskew, --no-split-receipts, --page-mode; --ocr, --ocr-languages, --pdfa
        return parseSeparationOption(args, i) || parseLabelOption(args, i) || parseFieldOption(args, i) ||
               parsePageEditOption(args, i) || parseOutputOption(args, i);
    return true;
}

// Where documents end: separator sheets, blank pages, page counts, source files.
bool RuleOptions::parseSeparationOption(const std::vector<std::string>& args, size_t& i) {
    const auto& o = args[i];
    if (o == "--separator") {
        // The first --separator replaces the default (or the rules file's) values.
        const bool replace = !separatorsGiven_;
        separatorsGiven_ = true;
        edits_.push_back([replace, v = optionValue(args, i)](FilingRules& r) {
            if (replace)
                r.separators.values.clear();
            r.separators.values.push_back(v);
        });
    } else if (o == "--separator-regex") {
        edits_.push_back(
            [p = patternOption(o, optionValue(args, i))](FilingRules& r) { r.separators.pattern = p; });
    } else if (o == "--keep-separators") {
        edits_.push_back([](FilingRules& r) { r.separators.keepPage = true; });
    } else if (o == "--split-on-blank") {
        edits_.push_back([](FilingRules& r) { r.blankPages = rules::BlankPages::Separate; });
    } else if (o == "--drop-blank") {
        edits_.push_back([](FilingRules& r) { r.blankPages = rules::BlankPages::Drop; });
    } else if (o == "--every") {
        edits_.push_back([n = everyOption(optionValue(args, i))](FilingRules& r) { r.everyPages = n; });
    } else if (o == "--per-file") {
        edits_.push_back([](FilingRules& r) { r.perFile = true; });
    } else {
        return false;
    }
    return true;
}

// ASN and tag labels.
bool RuleOptions::parseLabelOption(const std::vector<std::string>& args, size_t& i) {
    const auto& o = args[i];
    if (o == "--asn-prefix") {
        const auto prefix = optionValue(args, i);
        if (prefix.empty())
            throw UsageError(tr("--asn-prefix cannot be empty"));
        edits_.push_back([prefix](FilingRules& r) {
            r.asn.enabled = true;
            r.asn.prefix = prefix;
        });
    } else if (o == "--no-asn") {
        edits_.push_back([](FilingRules& r) { r.asn.enabled = false; });
    } else if (o == "--tag-prefix") {
        const auto prefix = optionValue(args, i);
        if (prefix.empty())
            throw UsageError(tr("--tag-prefix cannot be empty"));
        edits_.push_back([prefix](FilingRules& r) {
            r.tags.enabled = true;
            r.tags.prefix = prefix;
        });
    } else if (o == "--split-on-tag") {
        edits_.push_back([](FilingRules& r) {
            r.tags.enabled = true;
            r.tags.split = true;
        });
    } else if (o == "--no-tags") {
        edits_.push_back([](FilingRules& r) { r.tags.enabled = false; });
    } else {
        return false;
    }
    return true;
}

// Fields read from barcodes, and the folder and file name templates.
bool RuleOptions::parseFieldOption(const std::vector<std::string>& args, size_t& i) {
    const auto& o = args[i];
    if (o == "--field") {
        const auto spec = optionValue(args, i);
        const auto eq = spec.find('=');
        const std::string name = spec.substr(0, eq);
        if (eq == std::string::npos || !rules::isValidFieldName(name))
            throw UsageError(trf("--field needs NAME=REGEX with a name of letters, digits, '_', '-' or '.' "
                                 "(not asn or tags), not '{}'",
                                 spec));
        edits_.push_back(
            [f = rules::FieldRule{name, patternOption(o, spec.substr(eq + 1)), {}, {}}](FilingRules& r) {
                std::erase_if(r.fields, [&](const rules::FieldRule& x) { return x.name == f.name; });
                r.fields.push_back(f);
            });
    } else if (o == "--split-on-change") {
        edits_.push_back([p = patternOption(o, optionValue(args, i))](FilingRules& r) {
            r.splitOnChange = rules::ValueChangeRule{p, {}, {}};
        });
    } else if (o == "--folder") {
        edits_.push_back([t = templateOption(o, optionValue(args, i), rules::NameTemplate::Kind::Folder)](
                             FilingRules& r) { r.folder = t; });
    } else if (o == "--name") {
        edits_.push_back([t = templateOption(o, optionValue(args, i), rules::NameTemplate::Kind::FileName)](
                             FilingRules& r) { r.fileName = t; });
    } else {
        return false;
    }
    return true;
}

bool RuleOptions::parsePageEditOption(const std::vector<std::string>& args, size_t& i) {
    const auto& o = args[i];
    if (o == "--crop") {
        const auto mode = optionValue(args, i);
        if (mode != "auto" && mode != "off")
            throw UsageError(tr("--crop must be auto or off"));
        edits_.push_back([off = mode == "off"](FilingRules& r) {
            r.pageEdits.crop = off ? rules::AutoCrop::Off : rules::AutoCrop::Auto;
        });
    } else if (o == "--no-deskew") {
        edits_.push_back([](FilingRules& r) { r.pageEdits.deskew = false; });
    } else if (o == "--no-split-receipts") {
        edits_.push_back([](FilingRules& r) { r.pageEdits.splitReceipts = false; });
    } else if (o == "--page-mode") {
        const auto name = optionValue(args, i);
        const auto mode = pageModeFromName(name);
        if (!mode)
            throw UsageError(trf("--page-mode must be original, color, gray, bw or shadow, not {}", name));
        edits_.push_back([m = *mode](FilingRules& r) { r.pageEdits.mode = m; });
    } else {
        return false;
    }
    return true;
}

bool RuleOptions::parseOutputOption(const std::vector<std::string>& args, size_t& i) {
    const auto& o = args[i];
    if (o == "--ocr") {
        edits_.push_back([](FilingRules& r) { r.output.ocr = true; });
    } else if (o == "--no-ocr") {
        edits_.push_back([](FilingRules& r) { r.output.ocr = false; });
    } else if (o == "--ocr-languages") {
        const auto languages = optionValue(args, i);
        requireOcrLanguages(languages);
        edits_.push_back([languages](FilingRules& r) {
            r.output.ocr = true;
            r.output.ocrLanguages = languages;
        });
    } else if (o == "--pdfa") {
        edits_.push_back([](FilingRules& r) { r.output.pdfa = true; });
    } else if (o == "--receipt-fields") {
        edits_.push_back([](FilingRules& r) { r.output.receiptFields = true; });
    } else if (o == "--text-field") {
        const auto spec = optionValue(args, i);
        const auto eq = spec.find('=');
        const std::string name = spec.substr(0, eq);
        if (eq == std::string::npos || !rules::isValidFieldName(name))
            throw UsageError(
                trf("--text-field needs NAME=REGEX with a name of letters, digits, '_', '-' or '.' "
                    "(not asn or tags), not '{}'",
                    spec));
        rules::FieldRule f{name, patternOption(o, spec.substr(eq + 1)), {}, {}, rules::FieldSource::Text};
        edits_.push_back([f](FilingRules& r) {
            std::erase_if(r.fields, [&](const rules::FieldRule& x) { return x.name == f.name; });
            r.fields.push_back(f);
        });
    } else {
        return false;
    }
    return true;
}

rules::FilingRules RuleOptions::rules() const {
    if (!profile.empty() && rulesFile.empty())
        throw UsageError(tr("--rules-profile needs --rules FILE"));
    rules::FilingRules r;
    if (!rulesFile.empty())
        r = rules::loadRulesFile(rulesFile).profile(profile).rules; // RulesError: exit 1
    for (const auto& edit : edits_)
        edit(r);
    return r;
}

rules::NamingContext RuleOptions::naming() {
    rules::NamingContext naming;
    const std::time_t now = std::time(nullptr);
    if (const std::tm* local = std::localtime(&now))
        naming.date = *local;
    return naming;
}

const char* RuleOptions::help() {
    return DD_N("Rules:\n"
                "  --rules FILE          read rules from FILE (JSON with comments; see\n"
                "                        rules.example.jsonc); the options below change them\n"
                "  --rules-profile NAME  the profile in FILE to use (default: the file's default)\n"
                "  --separator VALUE     separator sheet barcode text (repeatable; replaces PATCHT)\n"
                "  --separator-regex RE  barcodes whose text RE finds are separators too\n"
                "  --keep-separators     keep separator sheets as the first page of the next document\n"
                "  --asn-prefix P        ASN barcodes start with P (default ASN)\n"
                "  --no-asn              no ASN barcodes\n"
                "  --tag-prefix P        tag barcodes start with P (default TAG:)\n"
                "  --split-on-tag        a page with a tag barcode starts a new document\n"
                "  --no-tags             no tag barcodes\n"
                "  --split-on-change RE  a new document whenever the value RE finds changes\n"
                "  --split-on-blank      a blank page is left out and ends the document\n"
                "  --drop-blank          blank pages are left out\n"
                "  --every N             at most N pages per document\n"
                "  --per-file            every file starts a new document\n"
                "  --crop auto|off       cut photos and flatbed scans to the documents found (auto)\n"
                "  --no-deskew           do not straighten scanned pages\n"
                "  --no-split-receipts   several receipts on one scan stay one page\n"
                "  --page-mode M         pages left as captured are filed as M: original, color,\n"
                "                        gray, bw or shadow (shadow removal, photos only)\n"
                "  --field NAME=REGEX    read field NAME from barcodes (group 1, else the match)\n"
                "  --folder TEMPLATE     target folder, e.g. {field:vendor|unsorted}/{date:%Y}\n"
                "  --name TEMPLATE       file name, e.g. {field:asn|unknown}_{counter:04}\n");
}

const char* RuleOptions::outputHelp() {
    return DD_N(
        "Searchable PDF and PDF/A:\n"
        "  --ocr                 make PDFs searchable: an invisible text layer read by OCR\n"
        "                        (Tesseract; off by default: it costs about a second per page\n"
        "                        and core)\n"
        "  --ocr-languages L     OCR languages, e.g. deu+eng (default: the system language\n"
        "                        plus English); implies --ocr\n"
        "  --no-ocr              no text layer, whatever the rules file says\n"
        "  --pdfa                write PDFs as PDF/A-2b for archives\n"
        "  --text-field NAME=RE  read field NAME from the page's OCR text (group 1, else the\n"
        "                        match), e.g. 'invoice=Rechnung Nr\\.? *(\\d+)'\n"
        "  --receipt-fields      fields merchant, date (YYYY-MM-DD), total and currency from a\n"
        "                        receipt's text, e.g. --name {field:merchant}_{field:date}_{field:total}\n");
}

} // namespace docdesk::cli
