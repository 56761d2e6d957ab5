// The profiles dialog under Xvfb: for a profile imported from an operator bundle the locked
// fields are disabled with their lock mark shown, unlocked ones stay editable, and Save keeps
// the operator's values even when a locked field's text was changed behind the user's back.
#define BOOST_TEST_MODULE gui_profiles
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
#include <wx/stattext.h>
#include <wx/textctrl.h>

using namespace docdesk;
using namespace docdesk::vault;

namespace {

std::unique_ptr<ProfileStore> openStore(const std::filesystem::path& dir) {
    return test::openTestStore(dir);
}

template <typename T> T* child(wxWindow* dialog, const std::string& name) {
    return test::namedChild<T>(dialog, name);
}

} // namespace

BOOST_AUTO_TEST_CASE(locked_settings_are_disabled_marked_and_kept) {
    test::Xvfb x;
    ::setenv("DISPLAY", x.display().c_str(), 1);
    test::TempDir dir;
    const auto key = generateOperatorKey();
    const std::string payload = R"({"profiles": [{"name": "mailroom", "url": "https://dms.example.org/dav/",
        "user": "scanner", "lockedSettings": ["url", "caBundle"]}]})";
    openStore(dir.path())
        ->importBundle(verifyBundle(signBundle(payload, key.secretKeyText), key.publicKeyText));

    int argc = 1;
    char name[] = "gui_profiles_test";
    char* argv[] = {name, nullptr};
    ::setenv("GDK_BACKEND", "x11", 1);
    wxApp::SetInstance(new wxApp()); // a GUI app, so wxEntryStart initialises GTK on the display
    BOOST_REQUIRE(wxEntryStart(argc, argv));
    {
        std::unique_ptr<wxDialog> dialog(gui::createProfilesDialog(nullptr, openStore(dir.path())));
        dialog->Show();
        auto* url = child<wxTextCtrl>(dialog.get(), "url");
        BOOST_TEST(url->GetValue() == "https://dms.example.org/dav/");
        BOOST_TEST(!url->IsEnabled());
        BOOST_TEST(!child<wxTextCtrl>(dialog.get(), "caBundle")->IsEnabled());
        BOOST_TEST(child<wxTextCtrl>(dialog.get(), "user")->IsEnabled());
        BOOST_TEST(child<wxStaticText>(dialog.get(), "lock:url")->IsShown());
        BOOST_TEST(child<wxStaticText>(dialog.get(), "lock:caBundle")->IsShown());
        BOOST_TEST(!child<wxStaticText>(dialog.get(), "lock:user")->IsShown());

        url->ChangeValue("https://evil.example.org/");
        child<wxTextCtrl>(dialog.get(), "user")->ChangeValue("clerk");
        auto* save = child<wxButton>(dialog.get(), "save");
        wxCommandEvent click(wxEVT_BUTTON, save->GetId());
        click.SetEventObject(save);
        save->ProcessWindowEvent(click);
        dialog->Hide();
    }
    wxEntryCleanup();
    const auto stored = openStore(dir.path())->find("mailroom");
    BOOST_REQUIRE(stored);
    BOOST_TEST(stored->url == "https://dms.example.org/dav/");
    BOOST_TEST(stored->user == "clerk");
    BOOST_TEST(stored->isLocked("url"));
}
