// Rules files (JSON with comments), as `--rules FILE`, the rules dialog and bundles load them:
// parseRulesFile on any text, and for what it accepts, the file text written back for each
// profile must load again (rulesFileText promises that).
#include "FuzzInput.h"
#include "core/rules/BarcodeMatch.h"
#include "core/rules/RulesFile.h"

using namespace docdesk;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    rules::RulesFile parsed;
    try {
        parsed = rules::parseRulesFile(fuzz::textOf(data, size), "fuzz.jsonc");
    } catch (const Error& e) {
        fuzz::expectMessage(e);
        return 0;
    }
    fuzz::require(!parsed.profiles.empty(), "an accepted rules file has a profile");
    (void)parsed.profile(); // the default profile exists
    for (const auto& p : parsed.profiles) {
        (void)parsed.profile(p.name);
        std::string text;
        try {
            text = rules::rulesFileText(p.rules, p.name, p.description, "fuzz.jsonc");
        } catch (const Error& e) {
            fuzz::expectMessage(e); // rules the writer refuses, with a reason
            continue;
        }
        const auto again = rules::parseRulesFile(text, "written.jsonc"); // must not throw
        fuzz::require(again.profiles.size() == 1 && again.profiles.front().name == p.name,
                      "a written rules file loads back with its profile");
    }
    return 0;
}
