#include "app/common/ManagedPolicy.h"

#include "core/common/Translate.h"

#include <algorithm>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sys/stat.h>

#ifndef DOCDESK_POLICY_DIR
#define DOCDESK_POLICY_DIR "/etc/docdesk"
#endif

namespace docdesk::app {
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxBundles = 64;
constexpr std::uintmax_t kMaxBundleBytes = 4u << 20;

// Owned by root and writable by nobody else: only the administrator can have put it there.
bool rootOwned(const fs::path& path, bool folder) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0)
        return false;
    const bool rightType = folder ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode);
    return rightType && st.st_uid == 0 && (st.st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

std::string readSmallFile(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::string text;
    text.resize(static_cast<std::size_t>(kMaxBundleBytes) + 1);
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxBundleBytes)
        throw vault::BundleError(tr("The file is too large to be a bundle."));
    return text;
}

std::vector<fs::path> bundleFiles(const fs::path& folder) {
    std::vector<fs::path> files;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(folder, ec)) {
        if (entry.path().extension() == ".docdesk-bundle")
            files.push_back(entry.path());
        if (files.size() > kMaxBundles)
            break;
    }
    std::sort(files.begin(), files.end());
    return files;
}

} // namespace

fs::path policyFolder() {
    return DOCDESK_POLICY_DIR;
}

ManagedPolicy loadManagedPolicy(const fs::path& folder) {
    ManagedPolicy policy;
    const fs::path keyFile = folder / "operator.pub";
    std::error_code ec;
    if (!fs::exists(keyFile, ec))
        return policy;
    if (!rootOwned(folder, true) || !rootOwned(keyFile, false)) {
        policy.problems.push_back(
            trf("The system policy folder {} is ignored: it and operator.pub must belong to "
                "root and be writable by no one else.",
                folder.string()));
        return policy;
    }
    auto bundles = std::make_shared<std::vector<vault::VerifiedBundle>>();
    try {
        const std::string key = readSmallFile(keyFile);
        policy.operatorFingerprint = vault::keyFingerprint(key);
        for (const auto& file : bundleFiles(folder)) {
            if (bundles->size() >= kMaxBundles)
                break;
            if (!rootOwned(file, false)) {
                policy.problems.push_back(
                    trf("The policy bundle {} is ignored: it must belong to root and be "
                        "writable by no one else.",
                        file.string()));
                continue;
            }
            try {
                bundles->push_back(vault::verifyBundle(readSmallFile(file), key));
            } catch (const Error& e) {
                policy.problems.push_back(
                    trf("The policy bundle {} is ignored: {}", file.string(), e.what()));
            }
        }
    } catch (const Error& e) {
        policy.problems.push_back(
            trf("The system policy's operator key {} is ignored: {}", keyFile.string(), e.what()));
        return policy;
    }
    policy.bundles = std::move(bundles);
    return policy;
}

const ManagedPolicy& managedPolicy() {
    static std::once_flag once;
    static ManagedPolicy policy;
    std::call_once(once, [] {
        policy = loadManagedPolicy();
        for (const auto& problem : policy.problems)
            std::cerr << "docdesk: " << problem << "\n";
    });
    return policy;
}

} // namespace docdesk::app
