#pragma once
// Managed stations: the administrator puts the operator's public key (operator.pub) and signed
// bundles (*.docdesk-bundle) into the system policy folder, a path compiled in
// (DOCDESK_POLICY_DIR, /etc/docdesk by default; never taken from the environment). The folder
// and its files must belong to root and be writable by nobody else, or they are ignored with
// a warning. Profiles from there are applied to the user's vault whenever it is opened: added
// back when missing, locked settings restored, not removable (see ProfileStore::applyPolicy).
#include "core/vault/ProfileBundle.h"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace docdesk::app {

struct ManagedPolicy {
    // The verified bundles; null when the station is not managed (no operator.pub there).
    std::shared_ptr<const std::vector<vault::VerifiedBundle>> bundles;
    std::string operatorFingerprint;
    std::vector<std::string> problems; // what was ignored and why, for the user
};

std::filesystem::path policyFolder();
ManagedPolicy loadManagedPolicy(const std::filesystem::path& folder = policyFolder());

// loadManagedPolicy() once per process; problems are printed to stderr the first time.
const ManagedPolicy& managedPolicy();

} // namespace docdesk::app
