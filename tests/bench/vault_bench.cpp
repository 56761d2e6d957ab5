// vault_bench: how long unlocking the profile vault takes on the passphrase path (Argon2id
// with the limits new vaults get), as the median of repeated runs, next to libsodium's
// INTERACTIVE and MODERATE limits for comparison. Target: under 1 s on an office PC.
#include "core/vault/ProfileStore.h"
#include "core/vault/VaultFile.h"
#include "platform/DurableFiles.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sodium.h>
#include <unistd.h>
#include <vector>

using namespace docdesk::vault;
namespace fs = std::filesystem;

namespace {

double medianMs(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// Unlocks (opens and decrypts) a vault with `limits` `runs` times; milliseconds per unlock.
std::vector<double> unlockTimes(const fs::path& dir, KdfLimits limits, int runs) {
    fs::remove_all(dir);
    const auto open = [&] {
        VaultUnlock unlock;
        unlock.askPassphrase = [](bool) { return Secret("bench passphrase, long enough"); };
        unlock.kdfLimits = limits;
        unlock.files = &docdesk::platform::durableFiles();
        return std::make_unique<ProfileStore>(dir, std::move(unlock));
    };
    Profile p;
    p.name = "bench";
    p.url = "https://dms.example.org/";
    p.rememberPassword = true;
    open()->put(p, Secret("password"));
    std::vector<double> times;
    for (int i = 0; i < runs; ++i) {
        auto store = open();
        const auto start = std::chrono::steady_clock::now();
        (void)store->password("bench");
        times.push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
    return times;
}

void report(const char* name, KdfLimits limits, const fs::path& dir, int runs) {
    const auto t = unlockTimes(dir, limits, runs);
    std::printf(
        "%-12s opslimit %2llu  memlimit %4llu MiB  unlock median %7.1f ms  (min %.1f, max %.1f, %d runs)\n",
        name, static_cast<unsigned long long>(limits.opsLimit),
        static_cast<unsigned long long>(limits.memLimit >> 20), medianMs(t),
        *std::min_element(t.begin(), t.end()), *std::max_element(t.begin(), t.end()), runs);
}

} // namespace

int main(int argc, char** argv) {
    if (sodium_init() < 0)
        return 1;
    const int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 7;
    const fs::path dir = fs::temp_directory_path() / ("docdesk-vault-bench-" + std::to_string(::getpid()));
    std::printf("Argon2id (crypto_pwhash_ALG_ARGON2ID13), XChaCha20-Poly1305; unlock = KDF + decrypt\n");
    report("default", defaultKdfLimits(), dir, runs);
    report("interactive", {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE}, dir,
           runs);
    report("moderate", {crypto_pwhash_OPSLIMIT_MODERATE, crypto_pwhash_MEMLIMIT_MODERATE}, dir,
           std::min(runs, 3));
    fs::remove_all(dir);
    return 0;
}
