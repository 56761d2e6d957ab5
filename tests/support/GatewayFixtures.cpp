#include "tests/support/GatewayFixtures.h"

#include "core/common/Sha256.h"
#include "tests/support/TestSupport.h"

#include <random>
#include <span>

namespace docdesk::test {

std::filesystem::path writeRandomFile(const std::filesystem::path& file, size_t bytes, unsigned seed) {
    std::mt19937 rng(seed);
    std::string data(bytes, '\0');
    for (auto& c : data)
        c = char(rng());
    writeFile(file, data);
    return file;
}

gateway::DocumentToDeliver documentFrom(const std::filesystem::path& file, const std::string& folder,
                                        const std::string& name) {
    gateway::DocumentToDeliver d;
    d.file = file;
    d.remoteFolder = folder;
    d.fileName = name;
    d.bytes = std::filesystem::file_size(file);
    d.sha256 = sha256HexOfFile(file);
    return d;
}

std::string sha256Of(const std::string& text) {
    return sha256Hex(std::as_bytes(std::span(text)));
}

} // namespace docdesk::test
