#pragma once
// Shared by the in-process tests of the gateway profiles dialog (gui_profiles_test,
// gui_trust_test): a profile store with a fixed passphrase and a cheap key derivation, and a
// control of the dialog found by its name. Header-only: both tests already link wx and Boost.Test.
#include "core/vault/ProfileStore.h"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>
#include <wx/window.h>

namespace docdesk::test {

inline std::unique_ptr<vault::ProfileStore>
openTestStore(const std::filesystem::path& dir,
              std::shared_ptr<const std::vector<vault::VerifiedBundle>> policy = nullptr) {
    vault::VaultUnlock unlock;
    unlock.askPassphrase = [](bool) { return vault::Secret("gui test passphrase"); };
    unlock.kdfLimits = vault::KdfLimits{1, 1u << 20};
    unlock.policy = std::move(policy);
    return std::make_unique<vault::ProfileStore>(dir, std::move(unlock));
}

template <typename T> T* namedChild(wxWindow* dialog, const std::string& name) {
    auto* w = dynamic_cast<T*>(wxWindow::FindWindowByName(wxString::FromUTF8(name), dialog));
    BOOST_REQUIRE_MESSAGE(w != nullptr, "no control named " << name);
    return w;
}

} // namespace docdesk::test
