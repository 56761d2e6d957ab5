// Operator bundles (signed profile files). The first byte picks what is fuzzed:
//   even: the rest is a whole bundle, checked against a pinned key (JSON, base64, signature);
//   odd:  the rest is the payload (the operator's profiles file): signBundle checks it and
//         signs it, and the bundle it makes must verify against the matching key, which is
//         what parses the profiles, dates and locked settings on the station.
#include "FuzzInput.h"
#include "core/vault/ProfileBundle.h"

using namespace docdesk;

namespace {

const vault::OperatorKeyFiles& operatorKey() {
    static const vault::OperatorKeyFiles key = vault::generateOperatorKey();
    return key;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0)
        return 0;
    const auto& key = operatorKey();
    const std::string rest(fuzz::textOf(data + 1, size - 1));
    try {
        if (data[0] % 2 == 0) {
            (void)vault::verifyBundle(rest, key.publicKeyText);
            return 0;
        }
        const std::string bundle = vault::signBundle(rest, key.secretKeyText);
        const auto verified = vault::verifyBundle(bundle, key.publicKeyText); // must not throw
        fuzz::require(!verified.profiles().empty(), "a signed bundle verifies with its profiles");
        for (const auto& p : verified.profiles())
            fuzz::require(p.signedBy == verified.signer(), "every profile names the signer");
    } catch (const Error& e) {
        fuzz::expectMessage(e);
    }
    return 0;
}
