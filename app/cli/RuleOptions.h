#pragma once
// The filing-rule options that split, file and watch share: --rules FILE [--rules-profile NAME]
// and the options that change single rules (--separator, --asn-prefix, --every, ...).
#include "app/cli/Commands.h"
#include "core/rules/FilingPlan.h"
#include "core/rules/FilingRules.h"

#include <functional>
#include <string>
#include <vector>

namespace docdesk::cli {

// `languages` (empty: the default choice) checked as OCR languages: UsageError naming the
// package to install when one is missing. The languages to read with.
std::string requireOcrLanguages(const std::string& languages);

class RuleOptions {
  public:
    // Consumes the rule option at args[i] (and its value; i is advanced). False when args[i]
    // is not a rule option. UsageError for a bad value.
    bool parse(const std::vector<std::string>& args, size_t& i);
    // The rules: the file's profile (or the defaults), then the options in order.
    // UsageError for --rules-profile without --rules; rules::RulesError for a bad file.
    rules::FilingRules rules() const;
    // Dates in names are today's, in local time.
    static rules::NamingContext naming();
    // The options' description for --help (English; pass through tr()).
    static const char* help();
    // The same for --ocr, --ocr-languages, --no-ocr and --pdfa (file and watch).
    static const char* outputHelp();

    std::string rulesFile;
    std::string profile;

  private:
    bool parseSeparationOption(const std::vector<std::string>& args, size_t& i);
    bool parseLabelOption(const std::vector<std::string>& args, size_t& i);
    bool parseFieldOption(const std::vector<std::string>& args, size_t& i);
    bool parsePageEditOption(const std::vector<std::string>& args, size_t& i);
    bool parseOutputOption(const std::vector<std::string>& args, size_t& i);

    std::vector<std::function<void(rules::FilingRules&)>> edits_; // applied in order
    bool separatorsGiven_ = false;
};

} // namespace docdesk::cli
