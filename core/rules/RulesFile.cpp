#include "core/rules/RulesFile.h"

#include "core/common/Translate.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <span>
#include <sstream>
#include <system_error>

namespace docdesk::rules {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::uintmax_t kMaxRulesFileBytes = 1 << 20;

// Reading one object of the file, with the key path for every message.
class Node {
  public:
    Node(const Json& json, std::string path, const std::string& origin)
        : json_(json), path_(std::move(path)), origin_(origin) {}

    [[noreturn]] void fail(const std::string& what) const {
        throw RulesError(origin_ + ": " + (path_.empty() ? std::string() : path_ + ": ") + what);
    }
    const std::string& path() const { return path_; }
    std::string where() const { return origin_ + ": " + path_; }
    const Json& json() const { return json_; }

    Node child(const std::string& key) const {
        return Node(json_.at(key), path_.empty() ? key : path_ + "." + key, origin_);
    }
    Node element(std::size_t i) const {
        return Node(json_.at(i), path_ + "[" + std::to_string(i) + "]", origin_);
    }
    bool has(const char* key) const { return json_.contains(key); }

    // An object whose keys are all in `known`.
    void expectObject(std::initializer_list<const char*> known) const {
        if (!json_.is_object())
            fail(tr("expected an object { ... }"));
        for (const auto& [key, value] : json_.items()) {
            bool ok = false;
            for (const char* k : known)
                ok = ok || key == k;
            if (!ok) {
                std::string list;
                for (const char* k : known)
                    list += (list.empty() ? "" : ", ") + std::string(k);
                child(key).fail(trf("unknown key (known here: {})", list));
            }
        }
    }

    std::string string() const {
        if (!json_.is_string())
            fail(tr("expected a string"));
        return json_.get<std::string>();
    }
    bool boolean() const {
        if (!json_.is_boolean())
            fail(tr("expected true or false"));
        return json_.get<bool>();
    }
    double number() const {
        if (!json_.is_number())
            fail(tr("expected a number"));
        return json_.get<double>();
    }
    std::uint64_t unsignedInteger() const {
        if (!json_.is_number_unsigned())
            fail(tr("expected a whole number of 0 or more"));
        return json_.get<std::uint64_t>();
    }
    std::vector<std::string> strings() const {
        if (!json_.is_array())
            fail(tr("expected a list of strings [\"...\", ...]"));
        std::vector<std::string> out;
        for (std::size_t i = 0; i < json_.size(); ++i)
            out.push_back(element(i).string());
        return out;
    }
    Pattern pattern() const { return Pattern::compile(string(), where()); }

  private:
    const Json& json_;
    std::string path_;
    const std::string& origin_;
};

Zone readZone(const Node& n) {
    n.expectObject({"left", "top", "right", "bottom"});
    Zone z;
    if (n.has("left"))
        z.left = n.child("left").number();
    if (n.has("top"))
        z.top = n.child("top").number();
    if (n.has("right"))
        z.right = n.child("right").number();
    if (n.has("bottom"))
        z.bottom = n.child("bottom").number();
    if (!z.valid())
        n.fail(tr("a zone needs 0 <= left < right <= 1 and 0 <= top < bottom <= 1 (fractions of the page)"));
    return z;
}

// "symbologies" and "zone" of an object already checked with expectObject.
BarcodeFilter readFilter(const Node& n) {
    BarcodeFilter f;
    if (n.has("symbologies"))
        f.symbologies = n.child("symbologies").strings();
    if (n.has("zone"))
        f.zone = readZone(n.child("zone"));
    return f;
}

void readSeparators(const Node& n, SeparatorRule& r) {
    n.expectObject({"values", "pattern", "keep_page"});
    if (n.has("values"))
        r.values = n.child("values").strings();
    if (n.has("pattern"))
        r.pattern = n.child("pattern").pattern();
    if (n.has("keep_page"))
        r.keepPage = n.child("keep_page").boolean();
}

void readAsn(const Node& n, AsnRule& r) {
    n.expectObject({"enabled", "prefix", "split", "min", "max", "symbologies", "zone"});
    if (n.has("enabled"))
        r.enabled = n.child("enabled").boolean();
    if (n.has("prefix"))
        r.prefix = n.child("prefix").string();
    if (r.prefix.empty())
        n.child("prefix").fail(tr("the prefix cannot be empty"));
    if (n.has("split"))
        r.split = n.child("split").boolean();
    if (n.has("min"))
        r.min = n.child("min").unsignedInteger();
    if (n.has("max"))
        r.max = n.child("max").unsignedInteger();
    if (r.min > r.max)
        n.fail(tr("min is larger than max"));
    r.filter = readFilter(n);
}

void readTags(const Node& n, TagRule& r) {
    n.expectObject({"enabled", "prefix", "split", "symbologies", "zone"});
    if (n.has("enabled"))
        r.enabled = n.child("enabled").boolean();
    if (n.has("prefix"))
        r.prefix = n.child("prefix").string();
    if (r.prefix.empty())
        n.child("prefix").fail(tr("the prefix cannot be empty"));
    if (n.has("split"))
        r.split = n.child("split").boolean();
    r.filter = readFilter(n);
}

std::string readFieldName(const Node& n) {
    const auto name = n.string();
    if (!isValidFieldName(name))
        n.fail(trf("'{}' is not a usable field name (letters, digits, '_', '-' and '.'; not 'asn' or 'tags')",
                   name));
    return name;
}

ValueChangeRule readValueChange(const Node& n) {
    n.expectObject({"pattern", "field", "symbologies", "zone"});
    if (!n.has("pattern"))
        n.fail(tr("\"pattern\" is required"));
    ValueChangeRule r{n.child("pattern").pattern(), {}, readFilter(n)};
    if (n.has("field"))
        r.field = readFieldName(n.child("field"));
    return r;
}

FieldRule readField(const Node& n) {
    n.expectObject({"name", "pattern", "symbologies", "zone", "valid", "source"});
    if (!n.has("name"))
        n.fail(tr("\"name\" is required"));
    if (!n.has("pattern"))
        n.fail(tr("\"pattern\" is required"));
    FieldRule f{readFieldName(n.child("name")), n.child("pattern").pattern(), readFilter(n), {}};
    if (n.has("source")) {
        const auto c = n.child("source");
        const auto source = c.string();
        if (source == "text")
            f.source = FieldSource::Text;
        else if (source != "barcode")
            c.fail(trf("'{}' is not one of \"barcode\", \"text\"", source));
        if (f.source == FieldSource::Text && !f.filter.symbologies.empty())
            c.fail(tr("a text field has no symbologies"));
    }
    if (n.has("valid")) {
        const auto v = n.child("valid");
        v.expectObject({"pattern", "min", "max"});
        if (v.has("pattern"))
            f.validation.pattern = v.child("pattern").pattern();
        if (v.has("min"))
            f.validation.min = v.child("min").number();
        if (v.has("max"))
            f.validation.max = v.child("max").number();
        if (f.validation.min && f.validation.max && *f.validation.min > *f.validation.max)
            v.fail(tr("min is larger than max"));
    }
    return f;
}

// "crop", "deskew", "split_receipts" and "page_mode" of a profile already checked with expectObject.
void readPageEdits(const Node& n, PageEditRules& r) {
    if (n.has("crop")) {
        const auto c = n.child("crop");
        const auto mode = c.string();
        if (mode == "auto")
            r.crop = AutoCrop::Auto;
        else if (mode == "off")
            r.crop = AutoCrop::Off;
        else
            c.fail(trf("'{}' is not one of \"auto\", \"off\"", mode));
    }
    if (n.has("deskew"))
        r.deskew = n.child("deskew").boolean();
    if (n.has("split_receipts"))
        r.splitReceipts = n.child("split_receipts").boolean();
    if (n.has("page_mode")) {
        const auto c = n.child("page_mode");
        const auto name = c.string();
        const auto mode = pageModeFromName(name);
        if (!mode)
            c.fail(trf("'{}' is not one of \"original\", \"color\", \"gray\", \"bw\", \"shadow\"", name));
        else
            r.mode = *mode;
    }
}

void readOutput(const Node& n, OutputRules& r) {
    if (n.has("ocr"))
        r.ocr = n.child("ocr").boolean();
    if (n.has("pdfa"))
        r.pdfa = n.child("pdfa").boolean();
    if (n.has("receipt_fields"))
        r.receiptFields = n.child("receipt_fields").boolean();
    if (n.has("ocr_languages")) {
        const auto c = n.child("ocr_languages");
        r.ocrLanguages = c.string();
        const bool valid = std::all_of(r.ocrLanguages.begin(), r.ocrLanguages.end(), [](char ch) {
            return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' || ch == '+';
        });
        if (!valid)
            c.fail(tr("expected Tesseract language codes joined by '+', e.g. \"deu+eng\""));
    }
}

FilingRules readProfile(const Node& n, std::string& description) {
    n.expectObject({"description", "separators", "asn", "tags", "split_on_change", "blank_pages",
                    "every_pages", "per_file", "fields", "folder", "file_name", "crop", "deskew",
                    "split_receipts", "page_mode", "ocr", "pdfa", "ocr_languages", "receipt_fields"});
    FilingRules r;
    if (n.has("description"))
        description = n.child("description").string();
    if (n.has("separators"))
        readSeparators(n.child("separators"), r.separators);
    if (n.has("asn"))
        readAsn(n.child("asn"), r.asn);
    if (n.has("tags"))
        readTags(n.child("tags"), r.tags);
    if (n.has("split_on_change") && !n.json().at("split_on_change").is_null())
        r.splitOnChange = readValueChange(n.child("split_on_change"));
    if (n.has("blank_pages")) {
        const auto b = n.child("blank_pages");
        const auto mode = b.string();
        if (mode == "keep")
            r.blankPages = BlankPages::Keep;
        else if (mode == "drop")
            r.blankPages = BlankPages::Drop;
        else if (mode == "separate")
            r.blankPages = BlankPages::Separate;
        else
            b.fail(trf("'{}' is not one of \"keep\", \"drop\", \"separate\"", mode));
    }
    if (n.has("every_pages")) {
        const auto e = n.child("every_pages");
        const auto every = e.unsignedInteger();
        if (every > 100000)
            e.fail(tr("expected a number of pages from 0 to 100000"));
        r.everyPages = int(every);
    }
    if (n.has("per_file"))
        r.perFile = n.child("per_file").boolean();
    readPageEdits(n, r.pageEdits);
    readOutput(n, r.output);
    if (n.has("fields")) {
        const auto fields = n.child("fields");
        if (!fields.json().is_array())
            fields.fail(tr("expected a list of field definitions [{...}, ...]"));
        std::set<std::string> names;
        for (std::size_t i = 0; i < fields.json().size(); ++i) {
            const auto element = fields.element(i);
            auto field = readField(element);
            if (!names.insert(field.name).second)
                element.child("name").fail(trf("field '{}' is defined twice", field.name));
            r.fields.push_back(std::move(field));
        }
    }
    if (n.has("folder")) {
        const auto f = n.child("folder");
        r.folder = NameTemplate::parse(f.string(), NameTemplate::Kind::Folder, f.where());
    }
    if (n.has("file_name")) {
        const auto f = n.child("file_name");
        r.fileName = NameTemplate::parse(f.string(), NameTemplate::Kind::FileName, f.where());
    }
    return r;
}

std::string withoutJsonExceptionTag(const std::string& what) {
    // "[json.exception.parse_error.101] parse error at line 3, ..." -> "parse error at line 3, ..."
    const auto close = what.find("] ");
    return what.starts_with("[json.exception.") && close != std::string::npos ? what.substr(close + 2) : what;
}

// Writing: the inverse of the readers above, key for key.
void writeFilter(const BarcodeFilter& f, Json& out) {
    if (!f.symbologies.empty())
        out["symbologies"] = f.symbologies;
    if (f.zone)
        out["zone"] = Json{{"left", f.zone->left},
                           {"top", f.zone->top},
                           {"right", f.zone->right},
                           {"bottom", f.zone->bottom}};
}

Json profileJson(const FilingRules& r, const std::string& description) {
    Json p = Json::object();
    if (!description.empty())
        p["description"] = description;
    Json separators{{"values", r.separators.values}};
    if (r.separators.pattern)
        separators["pattern"] = r.separators.pattern->text();
    separators["keep_page"] = r.separators.keepPage;
    p["separators"] = separators;
    Json asn{{"enabled", r.asn.enabled},
             {"prefix", r.asn.prefix},
             {"split", r.asn.split},
             {"min", r.asn.min},
             {"max", r.asn.max}};
    writeFilter(r.asn.filter, asn);
    p["asn"] = asn;
    Json tags{{"enabled", r.tags.enabled}, {"prefix", r.tags.prefix}, {"split", r.tags.split}};
    writeFilter(r.tags.filter, tags);
    p["tags"] = tags;
    if (r.splitOnChange) {
        Json change{{"pattern", r.splitOnChange->pattern.text()}};
        if (!r.splitOnChange->field.empty())
            change["field"] = r.splitOnChange->field;
        writeFilter(r.splitOnChange->filter, change);
        p["split_on_change"] = change;
    } else {
        p["split_on_change"] = nullptr;
    }
    p["blank_pages"] = r.blankPages == BlankPages::Drop       ? "drop"
                       : r.blankPages == BlankPages::Separate ? "separate"
                                                              : "keep";
    // A negative count cannot be read back: written as is, the reader refuses it with its path.
    if (r.everyPages >= 0)
        p["every_pages"] = std::uint64_t(r.everyPages);
    else
        p["every_pages"] = r.everyPages;
    p["per_file"] = r.perFile;
    p["crop"] = r.pageEdits.crop == AutoCrop::Off ? "off" : "auto";
    p["deskew"] = r.pageEdits.deskew;
    p["split_receipts"] = r.pageEdits.splitReceipts;
    p["page_mode"] = pageModeName(r.pageEdits.mode);
    p["ocr"] = r.output.ocr;
    p["pdfa"] = r.output.pdfa;
    if (!r.output.ocrLanguages.empty())
        p["ocr_languages"] = r.output.ocrLanguages;
    p["receipt_fields"] = r.output.receiptFields;
    Json fields = Json::array();
    for (const auto& f : r.fields) {
        Json field{{"name", f.name}, {"pattern", f.pattern.text()}};
        if (f.source == FieldSource::Text)
            field["source"] = "text";
        writeFilter(f.filter, field);
        Json valid = Json::object();
        if (f.validation.pattern)
            valid["pattern"] = f.validation.pattern->text();
        if (f.validation.min)
            valid["min"] = *f.validation.min;
        if (f.validation.max)
            valid["max"] = *f.validation.max;
        if (!valid.empty())
            field["valid"] = valid;
        fields.push_back(field);
    }
    p["fields"] = fields;
    p["folder"] = r.folder.text();
    p["file_name"] = r.fileName.text();
    return p;
}

} // namespace

std::string rulesFileText(const FilingRules& rules, const std::string& profile,
                          const std::string& description, const std::string& origin) {
    Json root{{"version", 1}, {"default_profile", profile}};
    root["profiles"] = Json::object();
    root["profiles"][profile] = profileJson(rules, description);
    std::string text = "// docdesk filing rules (format: core/rules/RulesFile.h)\n" + root.dump(2) + "\n";
    parseRulesFile(text, origin); // refuses what could not be read back, with the key path
    return text;
}

void writeRulesFile(const std::filesystem::path& file, const FilingRules& rules, const std::string& profile,
                    ports::DurableFiles& files, const std::string& description) {
    const std::string text = rulesFileText(rules, profile, description, file.filename().string());
    try {
        files.writeAtomically(file, std::as_bytes(std::span(text.data(), text.size())));
    } catch (const std::system_error& e) { // std::filesystem::filesystem_error included
        throw RulesError(trf("Cannot write the rules file {}: {}", file.string(), e.code().message()));
    }
}

bool needsText(const FilingRules& rules) {
    return rules.output.ocr || rules.output.receiptFields ||
           std::any_of(rules.fields.begin(), rules.fields.end(),
                       [](const FieldRule& f) { return f.source == FieldSource::Text; });
}

bool isValidFieldName(std::string_view name) {
    if (name.empty() || name.size() > 64 || name == kAsnField || name == kTagsField)
        return false;
    for (const char c : name)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'))
            return false;
    return true;
}

const RulesProfile& RulesFile::profile(std::string_view name) const {
    const std::string_view wanted = name.empty() ? std::string_view(defaultProfile) : name;
    for (const auto& p : profiles)
        if (p.name == wanted)
            return p;
    std::string list;
    for (const auto& p : profiles)
        list += (list.empty() ? "" : ", ") + p.name;
    throw RulesError(
        trf("There is no profile '{}' in the rules (there are: {}).", std::string(wanted), list));
}

RulesFile parseRulesFile(std::string_view text, const std::string& origin) {
    Json json;
    try {
        json = Json::parse(text, nullptr, true, /*ignore_comments=*/true);
    } catch (const Json::exception& e) {
        // parse_error for bad syntax, out_of_range for a number too large for any type.
        throw RulesError(origin + ": " + trf("not valid JSON: {}", withoutJsonExceptionTag(e.what())));
    }
    const Node root(json, "", origin);
    root.expectObject({"version", "default_profile", "profiles"});
    if (root.has("version") && root.child("version").unsignedInteger() != 1)
        root.child("version").fail(tr("only version 1 is known; this file needs a newer docdesk"));
    if (!root.has("profiles"))
        root.fail(tr("\"profiles\" is required: { \"NAME\": { ...rules... } }"));
    const auto profiles = root.child("profiles");
    if (!profiles.json().is_object() || profiles.json().empty())
        profiles.fail(tr("expected at least one profile: { \"NAME\": { ...rules... } }"));
    RulesFile file;
    for (const auto& [name, value] : profiles.json().items()) {
        if (name.empty())
            profiles.fail(tr("a profile needs a name"));
        RulesProfile p;
        p.name = name;
        p.rules = readProfile(profiles.child(name), p.description);
        file.profiles.push_back(std::move(p));
    }
    file.defaultProfile = file.profiles.front().name;
    if (root.has("default_profile")) {
        const auto d = root.child("default_profile");
        file.defaultProfile = d.string();
        bool known = false;
        for (const auto& p : file.profiles)
            known = known || p.name == file.defaultProfile;
        if (!known)
            d.fail(trf("there is no profile '{}'", file.defaultProfile));
    }
    return file;
}

RulesFile loadRulesFile(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw RulesError(trf("Cannot read the rules file {}: {}", file.string(), std::strerror(errno)));
    std::error_code ec;
    const auto size = std::filesystem::file_size(file, ec);
    if (!ec && size > kMaxRulesFileBytes)
        throw RulesError(
            trf("The rules file {} is larger than 1 MB; that is not a rules file.", file.string()));
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad())
        throw RulesError(trf("Cannot read the rules file {}: {}", file.string(), std::strerror(errno)));
    return parseRulesFile(text.str(), file.filename().string());
}

} // namespace docdesk::rules
