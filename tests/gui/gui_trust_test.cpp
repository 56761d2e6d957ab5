// Issue 18 in the profiles dialog under Xvfb: changing a profile's URL to another server and
// pressing Save forgets the saved password and says so under the buttons; a profile of the
// system policy (managed station) cannot be deleted (Delete disabled, the reason shown, and
// the store refuses too).
#define BOOST_TEST_MODULE gui_trust
#include "app/gui/ProfilesDialog.h"
#include "core/vault/ProfileBundle.h"
#include "core/vault/ProfileStore.h"
#include "tests/support/GuiSupport.h"
#include "tests/support/ProfilesDialogTesting.h"
#include "tests/support/TestSupport.h"

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <wx/app.h>
#include <wx/button.h>
#include <wx/dialog.h>
#include <wx/init.h>
#include <wx/listbox.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>
#include <wx/textdlg.h>
#include <wx/timer.h>

using namespace docdesk;
using namespace docdesk::vault;

namespace {

std::unique_ptr<ProfileStore> openStore(const std::filesystem::path& dir,
                                        std::shared_ptr<const std::vector<VerifiedBundle>> policy = nullptr) {
    return test::openTestStore(dir, std::move(policy));
}

template <typename T> T* child(wxWindow* dialog, const std::string& name) {
    return test::namedChild<T>(dialog, name);
}

void click(wxWindow* dialog, const std::string& name) {
    auto* button = child<wxButton>(dialog, name);
    wxCommandEvent event(wxEVT_BUTTON, button->GetId());
    event.SetEventObject(button);
    button->ProcessWindowEvent(event);
}

void changingTheUrlForgetsThePassword(const std::filesystem::path& dir) {
    Profile p;
    p.name = "archive";
    p.url = "https://dms.example.org/dav/";
    p.user = "mailroom";
    p.rememberPassword = true;
    openStore(dir)->put(p, Secret("remembered secret"));
    std::unique_ptr<wxDialog> dialog(gui::createProfilesDialog(nullptr, openStore(dir)));
    dialog->Show();
    auto* url = child<wxTextCtrl>(dialog.get(), "url");
    BOOST_TEST(url->GetValue() == "https://dms.example.org/dav/");
    // Same server, other folder: kept.
    url->ChangeValue("https://dms.example.org/dav/other/");
    click(dialog.get(), "save");
    BOOST_TEST(child<wxStaticText>(dialog.get(), "status")->GetLabel() == "Saved.");
    BOOST_TEST(openStore(dir)->password("archive").has_value());
    // Another server: forgotten, and the dialog says so.
    child<wxTextCtrl>(dialog.get(), "url")->ChangeValue("https://other.example.org:8443/dav/");
    click(dialog.get(), "save");
    const std::string status = child<wxStaticText>(dialog.get(), "status")->GetLabel().utf8_string();
    BOOST_TEST(status.find("password was forgotten") != std::string::npos, status);
    BOOST_TEST(status.find("https://other.example.org:8443") != std::string::npos, status);
    BOOST_TEST(status.find("asked for at the next upload") != std::string::npos, status);
    dialog->Hide();
    const auto store = openStore(dir);
    BOOST_TEST(store->find("archive")->url == "https://other.example.org:8443/dav/");
    BOOST_TEST(!store->password("archive"));
}

void policyProfilesCannotBeDeleted(const std::filesystem::path& dir) {
    const auto key = generateOperatorKey();
    auto policy = std::make_shared<std::vector<VerifiedBundle>>();
    policy->push_back(verifyBundle(signBundle(R"({"profiles": [{"name": "aaa-managed",
        "url": "https://dms.example.org/dav/", "lockedSettings": ["url"]}]})",
                                              key.secretKeyText),
                                   key.publicKeyText));
    std::unique_ptr<wxDialog> dialog(gui::createProfilesDialog(nullptr, openStore(dir, policy)));
    dialog->Show();
    auto* list = child<wxListBox>(dialog.get(), "profiles");
    BOOST_REQUIRE(list->GetCount() == 2u);
    const int managed = list->FindString("aaa-managed");
    const int own = list->FindString("archive");
    BOOST_REQUIRE(managed != wxNOT_FOUND);
    BOOST_REQUIRE(own != wxNOT_FOUND);
    const auto choose = [&](int index) {
        list->SetSelection(index);
        wxCommandEvent select(wxEVT_LISTBOX, list->GetId());
        select.SetEventObject(list);
        select.SetInt(index);
        list->ProcessWindowEvent(select);
    };
    choose(managed);
    BOOST_TEST(child<wxTextCtrl>(dialog.get(), "url")->GetValue() == "https://dms.example.org/dav/");
    BOOST_TEST(!child<wxButton>(dialog.get(), "delete")->IsEnabled());
    const std::string note = child<wxStaticText>(dialog.get(), "operator")->GetLabel().utf8_string();
    BOOST_TEST(note.find("administrator of this computer") != std::string::npos, note);
    // The user's own profile stays deletable.
    choose(own);
    BOOST_TEST(child<wxButton>(dialog.get(), "delete")->IsEnabled());
    dialog->Hide();
    BOOST_CHECK_THROW(openStore(dir, policy)->remove("aaa-managed"), VaultError);
}

// The vault of the user (XDG_CONFIG_HOME below `home`) on the passphrase path, with Argon2id
// limits that take a good part of a second: openProfileStoreInDialog asks for the passphrase
// in its dialog (answered by a timer on the window's thread, as a user would), and while the
// key is derived the window's thread keeps handling events (the timer keeps ticking).
void unlockingRunsOffTheWindowThread(const std::filesystem::path& home) {
    ::setenv("XDG_CONFIG_HOME", (home / "config").c_str(), 1);
    ::setenv("DOCDESK_NO_KEYRING", "1", 1);
    {
        VaultUnlock unlock;
        unlock.askPassphrase = [](bool) { return Secret("gui test passphrase"); };
        unlock.kdfLimits = KdfLimits{2, 128u << 20};
        Profile p;
        p.name = "slow";
        p.url = "https://dms.example.org/";
        ProfileStore(home / "config" / "docdesk", std::move(unlock)).put(p);
    }
    bool answered = false, inCall = false;
    int ticksWhileDeriving = 0;
    wxTimer timer;
    timer.Bind(wxEVT_TIMER, [&](wxTimerEvent&) {
        if (answered) {
            ticksWhileDeriving += inCall ? 1 : 0;
            return;
        }
        for (wxWindow* w : wxTopLevelWindows)
            if (auto* ask = dynamic_cast<wxPasswordEntryDialog*>(w); ask && ask->IsModal()) {
                ask->SetValue("gui test passphrase");
                ask->EndModal(wxID_OK);
                answered = true;
            }
    });
    timer.Start(10);
    inCall = true;
    const auto store = gui::openProfileStoreInDialog(nullptr);
    inCall = false;
    timer.Stop();
    BOOST_TEST(answered);
    BOOST_TEST(ticksWhileDeriving > 0, "the window's thread was blocked while the key was derived");
    BOOST_TEST_MESSAGE("timer ticks handled while unlocking: " << ticksWhileDeriving);
    BOOST_TEST(store->find("slow").has_value());
}

} // namespace

BOOST_AUTO_TEST_CASE(profiles_dialog_keeps_passwords_with_their_server_and_policy_profiles) {
    test::Xvfb x;
    ::setenv("DISPLAY", x.display().c_str(), 1);
    test::TempDir dir;
    int argc = 1;
    char name[] = "gui_trust_test";
    char* argv[] = {name, nullptr};
    ::setenv("GDK_BACKEND", "x11", 1);
    wxApp::SetInstance(new wxApp());
    BOOST_REQUIRE(wxEntryStart(argc, argv));
    changingTheUrlForgetsThePassword(dir.path());
    policyProfilesCannotBeDeleted(dir.path());
    test::TempDir home;
    unlockingRunsOffTheWindowThread(home.path());
    wxEntryCleanup();
}
