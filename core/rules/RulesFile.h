#pragma once
// Filing rules and named profiles in a file people can read and edit: JSON with // and /* */
// comments. core/rules/rules.example.jsonc is a complete, commented example.
//
// Format reference (every key is optional unless marked; unknown keys are errors, so a typo
// never silently does nothing):
//
//   {
//     "version": 1,                      // format version; only 1 exists
//     "default_profile": "NAME",         // used when no profile is named; default: the first
//     "profiles": {                      // required, at least one
//       "NAME": {
//         "description": "TEXT",         // shown when choosing a profile
//         "separators": {
//           "values": ["PATCHT"],        // exact barcode texts of separator sheets
//           "pattern": "REGEX",          // or: texts this regular expression finds
//           "keep_page": false           // true: the sheet becomes the next document's first page
//         },
//         "asn": {                       // archive serial number labels -> field "asn"
//           "enabled": true, "prefix": "ASN", "split": true,
//           "min": 0, "max": 4294967295, // integers; outside -> warning, no split
//           "symbologies": ["Code128"],  // ZXing names; default: any
//           "zone": {"left": 0.6, "top": 0, "right": 1, "bottom": 0.25}  // fractions of the page
//         },
//         "tags": {                      // paperless-style "TAG:x" barcodes -> field "tags"
//           "enabled": true, "prefix": "TAG:", "split": false, "symbologies": [...], "zone": {...}
//         },
//         "split_on_change": {           // new document when this barcode's value changes
//           "pattern": "REGEX",          // required; group 1 if present, else the whole match
//           "field": "NAME",             // optional: store the value as this field
//           "symbologies": [...], "zone": {...}
//         },
//         "blank_pages": "keep",         // "keep" | "drop" | "separate"
//         "every_pages": 0,              // > 0: at most this many pages per document
//         "per_file": false,             // true: every source file starts a new document
//         "crop": "auto",                // "auto": photos and flatbed scans are cut to the documents
//                                        // found on them; "off": pages are filed whole
//         "deskew": true,                // scanned pages are straightened
//         "split_receipts": true,        // several receipts on one scan: one page and document each
//         "fields": [
//           {"name": "vendor",           // required; not "asn" or "tags"
//            "pattern": "^VENDOR:(.+)$", // required
//            "symbologies": [...], "zone": {...},
//            "valid": {"pattern": "REGEX", "min": 1, "max": 999}}  // failures are warnings
//         ],
//         "folder": "{field:vendor|unsorted}/{date:%Y}",  // see NameTemplate.h
//         "file_name": "{field:asn|unknown}_{counter:04}"
//       }
//     }
//   }
//
// Regular expressions are ECMAScript; start one with "(?i)" to ignore case. Errors name the file
// and the key path, e.g. "rules.jsonc: profiles.mailroom.fields[1].pattern: invalid regular
// expression (...)".
#include "core/ports/DurableFiles.h"
#include "core/rules/FilingRules.h"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace docdesk::rules {

struct RulesProfile {
    std::string name;
    std::string description;
    FilingRules rules;
};

struct RulesFile {
    std::vector<RulesProfile> profiles; // in file order
    std::string defaultProfile;

    // The profile called `name`, or the default one when `name` is empty. RulesError naming the
    // profiles there are when there is no such profile.
    const RulesProfile& profile(std::string_view name = {}) const;
};

// Parses rules text; `origin` (the file name) starts every error message. RulesError when bad.
RulesFile parseRulesFile(std::string_view text, const std::string& origin = "rules");
// Reads and parses a rules file; RulesError when it cannot be read or is bad.
RulesFile loadRulesFile(const std::filesystem::path& file);

// The text of a rules file holding `rules` as its one profile `profile` (every key written, so
// the file documents itself). The text is read back before it is returned: rules the reader
// would refuse (an empty prefix or profile name, a bad field name) give RulesError with
// `origin` and the key path, so whatever is returned loads into equal rules.
std::string rulesFileText(const FilingRules& rules, const std::string& profile,
                          const std::string& description = {}, const std::string& origin = "rules");
// Writes rulesFileText() to `file` atomically (temporary file beside it, then rename): the file
// holds the old rules or the new ones, never a part. RulesError naming the file and the reason.
void writeRulesFile(const std::filesystem::path& file, const FilingRules& rules, const std::string& profile,
                    ports::DurableFiles& files, const std::string& description = {});

} // namespace docdesk::rules
