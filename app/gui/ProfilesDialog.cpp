// The gateway profiles dialog. Thin: every change goes through vault::ProfileStore, which
// enforces the operator's locks; the dialog only mirrors them (disabled field + lock mark).
#include "app/gui/ProfilesDialog.h"

#include "app/common/GatewayUpload.h"
#include "app/common/ManagedPolicy.h"
#include "app/gui/BackgroundTask.h"
#include "core/common/Error.h"
#include "core/common/Translate.h"
#include "core/vault/ProfileJson.h"
#include "core/vault/ProfileStore.h"
#include "platform/AppDirs.h"
#include "platform/DurableFiles.h"
#include "platform/Keyring.h"

#include <atomic>
#include <chrono>
#include <exception>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <sodium.h>
#include <thread>
#include <wx/app.h>
#include <wx/button.h>
#include <wx/checkbox.h>
#include <wx/choice.h>
#include <wx/dialog.h>
#include <wx/listbox.h>
#include <wx/msgdlg.h>
#include <wx/sizer.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>
#include <wx/textdlg.h>
#include <wx/thread.h>
#include <wx/utils.h>

namespace docdesk::gui {
namespace {

const char* const kConnectors[] = {"webdav", "cmis", "http-form"};

// A passphrase typed into a dialog goes into guarded memory at once; the dialog's own copy
// is overwritten before it is destroyed.
// (The wxString must outlive the buffer: utf8_str() of a temporary may point into the
// temporary's own conversion cache, which dies with it. A passphrase typed in the window was
// read from freed memory that way and never matched.)
vault::Secret secretOf(const wxString& text) {
    const wxScopedCharBuffer utf8 = text.utf8_str();
    return vault::Secret(std::string_view(utf8.data(), utf8.length()));
}

vault::Secret takeSecret(wxTextCtrl* field) {
    const wxString typed = field->GetValue();
    vault::Secret secret = secretOf(typed);
    field->ChangeValue(wxString(wxT('x'), field->GetValue().length()));
    field->Clear();
    return secret;
}

vault::Secret askPassphraseInDialog(wxWindow* parent, bool newVault) {
    wxPasswordEntryDialog dialog(
        parent,
        newVault ? _("There is no desktop keyring to keep the vault key in. Choose a master\n"
                     "passphrase for your profile vault (at least 8 characters):")
                 : _("Master passphrase of the profile vault:"),
        _("Profile vault"));
    if (dialog.ShowModal() != wxID_OK)
        throw vault::VaultError(_("The vault was not unlocked.").utf8_string());
    vault::Secret passphrase = secretOf(dialog.GetValue());
    dialog.SetValue(wxString());
    if (newVault) {
        wxPasswordEntryDialog again(parent, _("Repeat the passphrase:"), _("Profile vault"));
        if (again.ShowModal() != wxID_OK)
            throw vault::VaultError(_("The vault was not unlocked.").utf8_string());
        const bool same = passphrase.equals(secretOf(again.GetValue()));
        again.SetValue(wxString());
        if (!same)
            throw vault::VaultError(_("The two passphrases differ. Nothing was saved.").utf8_string());
    }
    return passphrase;
}

// Calls `ask` on the window's thread and waits for its answer (`ask` may show a dialog).
vault::Secret askOnWindowThread(const std::function<vault::Secret()>& ask) {
    if (wxThread::IsMain())
        return ask();
    std::promise<vault::Secret> answer;
    auto future = answer.get_future();
    wxTheApp->CallAfter([&] {
        try {
            answer.set_value(ask());
        } catch (...) {
            answer.set_exception(std::current_exception());
        }
    });
    return future.get();
}

// Browse folders on the gateway, to pick the profile's default target folder. Each listing is
// one request on a background thread, made only because the user opened this dialog or a
// folder in it; the list shows "Loading..." meanwhile and the error when there is one.
class RemoteFolderDialog : public wxDialog {
  public:
    RemoteFolderDialog(wxWindow* parent, vault::Profile profile,
                       std::shared_ptr<const vault::Secret> password, const std::string& start)
        : wxDialog(parent, wxID_ANY, _("Choose a folder on the gateway"), wxDefaultPosition, wxDefaultSize,
                   wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER),
          profile_(std::move(profile)), password_(std::move(password)), folder_(start) {
        while (!folder_.empty() && folder_.back() == '/')
            folder_.pop_back();
        path_ = new wxStaticText(this, wxID_ANY, wxString());
        list_ = new wxListBox(this, wxID_ANY, wxDefaultPosition, wxSize(360, 260));
        list_->SetName("folders");
        status_ = new wxStaticText(this, wxID_ANY, wxString());
        up_ = new wxButton(this, wxID_UP, _("&Up"));
        up_->SetToolTip(_("The folder above (Backspace)"));
        auto* open = new wxButton(this, wxID_OPEN, _("&Open"));
        open->SetToolTip(_("Show the folders inside the selected one (Enter or double-click)"));
        auto* choose = new wxButton(this, wxID_OK, _("&Choose this folder"));
        auto* buttons = new wxBoxSizer(wxHORIZONTAL);
        buttons->Add(up_, 0, wxRIGHT, 6);
        buttons->Add(open, 0, wxRIGHT, 6);
        buttons->AddStretchSpacer();
        buttons->Add(choose, 0, wxRIGHT, 6);
        buttons->Add(new wxButton(this, wxID_CANCEL, _("Cancel")));
        auto* main = new wxBoxSizer(wxVERTICAL);
        main->Add(path_, 0, wxEXPAND | wxALL, 12);
        main->Add(list_, 1, wxEXPAND | wxLEFT | wxRIGHT, 12);
        main->Add(status_, 0, wxEXPAND | wxALL, 12);
        main->Add(buttons, 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, 12);
        SetSizerAndFit(main);
        up_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { goUp(); });
        open->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { openSelected(); });
        list_->Bind(wxEVT_LISTBOX_DCLICK, [this](wxCommandEvent&) { openSelected(); });
        list_->Bind(wxEVT_KEY_DOWN, [this](wxKeyEvent& e) {
            if (e.GetKeyCode() == WXK_RETURN || e.GetKeyCode() == WXK_NUMPAD_ENTER)
                openSelected();
            else if (e.GetKeyCode() == WXK_BACK)
                goUp();
            else
                e.Skip();
        });
        load();
    }

    // The chosen folder (slash-separated below the gateway's base; empty = the top).
    const std::string& folder() const { return folder_; }

  private:
    void load() {
        path_->SetLabel(
            wxString::Format(_("Folder: %s"), wxString::FromUTF8(folder_.empty() ? "/" : folder_)));
        list_->Clear();
        status_->SetLabel(_("Loading..."));
        up_->Enable(!folder_.empty());
        // A listing still going is discarded: the user moved on to another folder meanwhile.
        lister_.start(
            [profile = profile_, password = password_, folder = folder_](std::stop_token stop,
                                                                         const WindowQueue&) {
                return app::listGatewayFolders(profile, *password, folder, stop);
            },
            [this](TaskResult<std::vector<std::string>> result) {
                const auto& names = result.value;
                for (const auto& n : names)
                    list_->Append(wxString::FromUTF8(n));
                if (!names.empty())
                    list_->SetSelection(0);
                status_->SetLabel(result.failure  ? wxString::FromUTF8(result.failure->summary)
                                  : names.empty() ? _("No folders inside this one.")
                                                  : wxString());
                list_->SetFocus();
            });
    }

    void openSelected() {
        const int i = list_->GetSelection();
        if (i == wxNOT_FOUND)
            return;
        const std::string name = list_->GetString(static_cast<unsigned>(i)).utf8_string();
        folder_ = folder_.empty() ? name : folder_ + "/" + name;
        load();
    }

    void goUp() {
        if (folder_.empty())
            return;
        const auto slash = folder_.rfind('/');
        folder_ = slash == std::string::npos ? std::string() : folder_.substr(0, slash);
        load();
    }

    vault::Profile profile_;
    std::shared_ptr<const vault::Secret> password_;
    std::string folder_;
    wxStaticText* path_ = nullptr;
    wxListBox* list_ = nullptr;
    wxStaticText* status_ = nullptr;
    wxButton* up_ = nullptr;
    BackgroundTask lister_{this}; // last: discarded before the controls go
};

class ProfilesDialog : public wxDialog {
  public:
    ProfilesDialog(wxWindow* parent, std::unique_ptr<vault::ProfileStore> store)
        : wxDialog(parent, wxID_ANY, _("Gateway profiles"), wxDefaultPosition, wxDefaultSize,
                   wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER),
          store_(std::move(store)) {
        list_ = new wxListBox(this, wxID_ANY, wxDefaultPosition, wxSize(180, 300), 0, nullptr, 0,
                              wxDefaultValidator, "profiles");
        wxSizer* grid = buildFields();
        operator_ =
            new wxStaticText(this, wxID_ANY, wxString(), wxDefaultPosition, wxDefaultSize, 0, "operator");
        status_ = new wxStaticText(this, wxID_ANY, wxString(), wxDefaultPosition, wxDefaultSize, 0, "status");

        auto* add = new wxButton(this, wxID_ANY, _("&New"));
        save_ = new wxButton(this, wxID_SAVE, _("&Save"), wxDefaultPosition, wxDefaultSize, 0, {}, "save");
        delete_ = new wxButton(this, wxID_ANY, _("&Delete"), wxDefaultPosition, wxDefaultSize, 0,
                               wxDefaultValidator, "delete");
        default_ = new wxButton(this, wxID_ANY, _("Set as &default"));
        test_ = new wxButton(this, wxID_ANY, _("&Test connection"));
        browse_ = new wxButton(this, wxID_ANY, _("&Browse folders..."), wxDefaultPosition, wxDefaultSize, 0,
                               wxDefaultValidator, "browse");
        browse_->SetToolTip(_("Choose the default target folder from the folders on the gateway (connects "
                              "only when pressed)"));
        auto* close = new wxButton(this, wxID_CLOSE, _("&Close"));
        describeControls(add);
        auto* buttons = new wxBoxSizer(wxHORIZONTAL);
        for (wxButton* b : {add, save_, delete_, default_, test_, browse_})
            buttons->Add(b, 0, wxRIGHT, 6);
        buttons->AddStretchSpacer();
        buttons->Add(close);

        auto* form = new wxBoxSizer(wxVERTICAL);
        form->Add(grid, 0, wxEXPAND);
        form->Add(operator_, 0, wxEXPAND | wxTOP, 8);
        auto* row = new wxBoxSizer(wxHORIZONTAL);
        row->Add(list_, 0, wxEXPAND | wxRIGHT, 12);
        row->Add(form, 1, wxEXPAND);
        auto* main = new wxBoxSizer(wxVERTICAL);
        main->Add(row, 1, wxEXPAND | wxALL, 12);
        main->Add(status_, 0, wxEXPAND | wxLEFT | wxRIGHT, 12);
        main->Add(buttons, 0, wxEXPAND | wxALL, 12);
        SetSizerAndFit(main);

        list_->Bind(wxEVT_LISTBOX, [this](wxCommandEvent&) { showSelected(); });
        add->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { showProfile(vault::Profile{}); });
        save_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { run([this] { save(); }); });
        delete_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { run([this] { removeSelected(); }); });
        default_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
            run([this] {
                store_->setDefault(shown_.name);
                reload(shown_.name);
            });
        });
        test_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { testConnection(); });
        browse_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { browseFolders(); });
        close->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { EndModal(wxID_CLOSE); });
        reload(std::string());
    }

  private:
    // The profile's settings, each with the mark a managed station shows on locked ones.
    wxSizer* buildFields() {
        auto* grid = new wxFlexGridSizer(3, 6, 8);
        grid->AddGrowableCol(1);
        name_ = addText(grid, "name", _("Name:"));
        grid->Add(new wxStaticText(this, wxID_ANY, _("Connector:")), 0, wxALIGN_CENTER_VERTICAL);
        connector_ = new wxChoice(this, wxID_ANY);
        connector_->Append(_("WebDAV"));
        connector_->Append(_("CMIS (browser binding)"));
        connector_->Append(_("HTTP form upload"));
        grid->Add(connector_, 1, wxEXPAND);
        addLockMark(grid, "connector");
        fields_["url"] = addText(grid, "url", _("Gateway URL:"));
        fields_["user"] = addText(grid, "user", _("User name:"));
        fields_["role"] = addText(grid, "role", _("Role:"));
        grid->Add(new wxStaticText(this, wxID_ANY, _("Password:")), 0, wxALIGN_CENTER_VERTICAL);
        password_ =
            new wxTextCtrl(this, wxID_ANY, wxString(), wxDefaultPosition, wxDefaultSize, wxTE_PASSWORD);
        password_->SetHint(_("asked for at upload unless remembered"));
        grid->Add(password_, 1, wxEXPAND);
        grid->AddSpacer(0);
        grid->AddSpacer(0);
        remember_ = new wxCheckBox(this, wxID_ANY, _("&Remember password (stored encrypted)"));
        grid->Add(remember_);
        addLockMark(grid, "rememberPassword");
        fields_["caBundle"] = addText(grid, "caBundle", _("CA bundle (PEM file):"));
        fields_["pinnedPublicKey"] = addText(grid, "pinnedPublicKey", _("Pinned public key:"));
        fields_["proxy"] = addText(grid, "proxy", _("Proxy:"));
        fields_["defaultFolder"] = addText(grid, "defaultFolder", _("Default target folder:"));
        fields_["rules"] = addText(grid, "rules", _("Rules file:"));
        return grid;
    }

    // The shown profile's saved password (or token), else the one the user types now (with
    // "remember" going to `remember`); null when the user cancelled.
    std::shared_ptr<vault::Secret> secretForConnecting(bool& remember) {
        std::optional<vault::Secret> password;
        run([&] { password = store_->password(shown_.name); });
        if (!password && shown_.needsSecret()) {
            password = askGatewayPassword(this, shown_, {}, remember);
            if (!password)
                return nullptr;
        }
        return std::make_shared<vault::Secret>(password ? std::move(*password) : vault::Secret());
    }

    // Only when pressed: one request to the gateway, on a background thread; the answer is shown
    // under the buttons. The password is the saved one, or asked for now (with "remember").
    void testConnection() {
        if (shown_.name.empty() || !store_->find(shown_.name)) {
            status_->SetLabel(_("Save the profile first, then test its connection."));
            return;
        }
        bool remember = false;
        auto secret = secretForConnecting(remember);
        if (!secret)
            return;
        status_->SetLabel(_("Testing the connection..."));
        test_->Disable();
        tester_.start(
            [profile = shown_, secret](std::stop_token stop, const WindowQueue&) {
                const int status = app::testGatewayConnection(profile, *secret, stop);
                return profile.user.empty()
                           ? trf("The connection works: the gateway accepted the token (HTTP {}).", status)
                           : trf("The connection works: logged in as '{}' (HTTP {}).", profile.user, status);
            },
            [this, profile = shown_, secret, remember](TaskResult<std::string> result) {
                status_->SetLabel(
                    wxString::FromUTF8(result.failure ? result.failure->summary : result.value));
                test_->Enable();
                if (!result.failure && remember)
                    run([&] {
                        vault::Profile remembered = profile;
                        remembered.rememberPassword = true;
                        store_->put(remembered, vault::Secret(secret->view()));
                    });
            });
    }

    // Only when pressed: browse the gateway's folders and put the chosen one into "Default
    // target folder" (saved with Save, like any other change).
    void browseFolders() {
        if (shown_.name.empty() || !store_->find(shown_.name)) {
            status_->SetLabel(_("Save the profile first, then browse its folders."));
            return;
        }
        bool remember = false;
        const auto secret = secretForConnecting(remember);
        if (!secret)
            return;
        RemoteFolderDialog dialog(this, shown_, secret, fields_["defaultFolder"]->GetValue().utf8_string());
        if (dialog.ShowModal() != wxID_OK)
            return;
        if (shown_.isLocked("defaultFolder")) {
            status_->SetLabel(
                _("The default target folder is set by the operator and cannot be changed here."));
            return;
        }
        fields_["defaultFolder"]->ChangeValue(wxString::FromUTF8(dialog.folder()));
        status_->SetLabel(_("Folder chosen; press Save to keep it."));
    }

    // Accessible names and tooltips (issue 20) of the controls the constructor made.
    void describeControls(wxButton* add) {
        list_->SetToolTip(_("The gateway profiles: choose one to see or change it"));
        connector_->SetName(_("Connector"));
        connector_->SetToolTip(_("How the gateway takes documents: WebDAV, CMIS or an HTTP form"));
        password_->SetName(_("Password"));
        password_->SetToolTip(_("The gateway password; asked for at upload unless remembered"));
        remember_->SetToolTip(_("Keep the password in the encrypted profile vault on this computer"));
        add->SetToolTip(_("Start a new gateway profile"));
        save_->SetToolTip(_("Save the profile's settings"));
        delete_->SetToolTip(_("Delete the selected profile"));
        default_->SetToolTip(_("Use the selected profile when none is chosen"));
        test_->SetToolTip(
            _("Connect to the gateway once to check the settings (connects only when pressed)"));
    }

    wxTextCtrl* addText(wxFlexGridSizer* grid, const std::string& setting, const wxString& label) {
        grid->Add(new wxStaticText(this, wxID_ANY, label), 0, wxALIGN_CENTER_VERTICAL);
        auto* field = new wxTextCtrl(this, wxID_ANY);
        field->SetName(setting);
        field->SetToolTip(
            wxStripMenuCodes(label).BeforeLast(':')); // the label, for screen readers and narrow windows
        grid->Add(field, 1, wxEXPAND);
        addLockMark(grid, setting);
        return field;
    }

    void addLockMark(wxFlexGridSizer* grid, const std::string& setting) {
        auto* mark = new wxStaticText(this, wxID_ANY, wxString::FromUTF8("\xF0\x9F\x94\x92")); // U+1F512 lock
        mark->SetToolTip(_("Set by the operator: this setting cannot be changed on this station."));
        mark->SetName("lock:" + setting);
        mark->Hide();
        grid->Add(mark, 0, wxALIGN_CENTER_VERTICAL);
        locks_[setting] = mark;
    }

    // Runs a store action; a failure is shown, and the form keeps what the user typed.
    template <typename F> void run(F action) {
        try {
            wxBusyCursor busy; // unlocking with a passphrase takes a few hundred milliseconds
            action();
        } catch (const Error& e) {
            wxMessageBox(wxString::FromUTF8(e.what()), _("Gateway profiles"), wxOK | wxICON_ERROR, this);
        }
    }

    void reload(const std::string& select) {
        list_->Clear();
        names_.clear();
        std::vector<vault::Profile> profiles;
        std::optional<vault::Profile> defaultProfile;
        run([&] {
            profiles = store_->list();
            defaultProfile = store_->defaultProfile();
        });
        for (const auto& p : profiles) {
            names_.push_back(p.name);
            const bool isDefault = defaultProfile && defaultProfile->name == p.name;
            list_->Append(wxString::FromUTF8(p.name) + (isDefault ? wxString(_(" (default)")) : wxString()));
            if (p.name == select)
                list_->SetSelection(static_cast<int>(names_.size() - 1));
        }
        if (list_->GetSelection() == wxNOT_FOUND && !names_.empty())
            list_->SetSelection(0);
        showSelected();
    }

    void showSelected() {
        const int i = list_->GetSelection();
        std::optional<vault::Profile> p;
        if (i != wxNOT_FOUND)
            run([&] { p = store_->find(names_[static_cast<size_t>(i)]); });
        showProfile(p.value_or(vault::Profile{}));
    }

    void showProfile(const vault::Profile& p) {
        shown_ = p;
        name_->ChangeValue(wxString::FromUTF8(p.name));
        name_->Enable(p.name.empty()); // renaming = new profile + delete
        for (auto& [setting, field] : fields_)
            field->ChangeValue(wxString::FromUTF8(vault::settingValue(p, setting)));
        connector_->SetSelection(static_cast<int>(p.connector));
        remember_->SetValue(p.rememberPassword);
        password_->Clear();
        for (auto& [setting, mark] : locks_) {
            const bool locked = p.isLocked(setting);
            mark->Show(locked);
            if (auto it = fields_.find(setting); it != fields_.end())
                it->second->Enable(!locked);
        }
        connector_->Enable(!p.isLocked("connector"));
        remember_->Enable(!p.isLocked("rememberPassword"));
        const bool managed = !p.name.empty() && store_->isManaged(p.name);
        if (managed)
            operator_->SetLabel(
                wxString::Format(_("Set up by the administrator of this computer (operator key %s): "
                                   "it cannot be deleted, and settings with a lock cannot be "
                                   "changed here."),
                                 wxString::FromUTF8(p.signedBy)));
        else
            operator_->SetLabel(
                p.lockedSettings.empty()
                    ? wxString()
                    : wxString::Format(_("Managed by the operator (key %s): settings with a lock "
                                         "cannot be changed here."),
                                       wxString::FromUTF8(p.signedBy)));
        delete_->Enable(!p.name.empty() && !managed);
        default_->Enable(!p.name.empty());
        test_->Enable(!p.name.empty());
        browse_->Enable(!p.name.empty() && p.connector != vault::Connector::HttpForm);
        status_->SetLabel(wxString());
        Layout();
    }

    void save() {
        vault::Profile p = shown_;
        p.name = name_->GetValue().utf8_string();
        for (auto& [setting, field] : fields_)
            if (!p.isLocked(setting))
                vault::setSetting(p, setting, field->GetValue().utf8_string());
        if (!p.isLocked("connector"))
            p.connector = vault::parseConnector(kConnectors[std::max(0, connector_->GetSelection())]);
        if (!p.isLocked("rememberPassword"))
            p.rememberPassword = remember_->GetValue();
        std::optional<vault::Secret> password;
        if (p.rememberPassword && !password_->IsEmpty())
            password = takeSecret(password_);
        if (shown_.name.empty() && store_->find(p.name))
            throw Error(_("A profile with this name exists already.").utf8_string());
        bool forgotten = false;
        runOffWindowThread([&] { forgotten = store_->put(p, password); });
        reload(p.name);
        status_->SetLabel(forgotten
                              ? wxString::Format(_("Saved. The saved password was forgotten: the profile now "
                                                   "points to another server (%s) or trusts another "
                                                   "certificate. It will be asked for at the next upload."),
                                                 wxString::FromUTF8(vault::originOf(p.url)))
                              : _("Saved."));
    }

    void removeSelected() {
        if (wxMessageBox(wxString::Format(_("Delete the profile \"%s\" and its saved password?"),
                                          wxString::FromUTF8(shown_.name)),
                         _("Gateway profiles"), wxYES_NO | wxICON_QUESTION, this) != wxYES)
            return;
        store_->remove(shown_.name);
        reload(std::string());
    }

    std::unique_ptr<vault::ProfileStore> store_;
    vault::Profile shown_;
    BackgroundTask tester_{this}; // Test connection; discarded before the controls go
    std::vector<std::string> names_;
    wxListBox* list_ = nullptr;
    wxTextCtrl* name_ = nullptr;
    wxChoice* connector_ = nullptr;
    wxTextCtrl* password_ = nullptr;
    wxCheckBox* remember_ = nullptr;
    std::map<std::string, wxTextCtrl*> fields_;
    std::map<std::string, wxStaticText*> locks_;
    wxStaticText* operator_ = nullptr;
    wxStaticText* status_ = nullptr;
    wxButton* save_ = nullptr;
    wxButton* delete_ = nullptr;
    wxButton* default_ = nullptr;
    wxButton* test_ = nullptr;
    wxButton* browse_ = nullptr;
};

} // namespace

// The gateway password for `profile`, typed by the user, with the choice to remember it.
std::optional<vault::Secret> askGatewayPassword(wxWindow* parent, const vault::Profile& profile,
                                                const wxString& why, bool& remember) {
    wxDialog dialog(parent, wxID_ANY, _("Gateway password"));
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    if (!why.empty())
        sizer->Add(new wxStaticText(&dialog, wxID_ANY, why), 0, wxALL, 10);
    sizer->Add(
        new wxStaticText(&dialog, wxID_ANY,
                         profile.user.empty()
                             ? wxString::Format(_("API token for %s:"), wxString::FromUTF8(profile.url))
                             : wxString::Format(_("Password of %s at %s:"), wxString::FromUTF8(profile.user),
                                                wxString::FromUTF8(profile.url))),
        0, wxLEFT | wxRIGHT | wxTOP, 10);
    auto* text = new wxTextCtrl(&dialog, wxID_ANY, "", wxDefaultPosition, wxSize(320, -1), wxTE_PASSWORD);
    text->SetName(_("Password"));
    sizer->Add(text, 0, wxALL | wxEXPAND, 10);
    auto* keep = new wxCheckBox(&dialog, wxID_ANY,
                                _("&Remember the password (stored encrypted in the profile vault)"));
    keep->SetValue(profile.rememberPassword);
    sizer->Add(keep, 0, wxLEFT | wxRIGHT | wxBOTTOM, 10);
    sizer->Add(dialog.CreateSeparatedButtonSizer(wxOK | wxCANCEL), 0, wxALL | wxEXPAND, 10);
    dialog.SetSizerAndFit(sizer);
    text->SetFocus();
    if (dialog.ShowModal() != wxID_OK)
        return std::nullopt;
    std::string typed = text->GetValue().utf8_string();
    text->SetValue(wxString(' ', text->GetValue().length()));
    vault::Secret secret(typed);
    sodium_memzero(typed.data(), typed.size());
    remember = keep->GetValue();
    return secret;
}

void runOffWindowThread(const std::function<void()>& work) {
    wxBusyCursor busy;
    wxWindowDisabler disabler; // no second action while this one runs
    std::exception_ptr error;
    std::atomic<bool> done{false};
    std::thread worker([&] {
        try {
            work();
        } catch (...) {
            error = std::current_exception();
        }
        done = true;
        wxWakeUpIdle();
    });
    do {
        wxTheApp->Yield(true); // redraws, and the passphrase dialog `work` may ask for
        if (!done)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
    } while (!done);
    worker.join();
    if (error)
        std::rethrow_exception(error);
}

std::unique_ptr<vault::ProfileStore> openProfileStoreInDialog(wxWindow* parent) {
    vault::VaultUnlock unlock;
    unlock.keyring = &platform::osKeyring();
    unlock.askPassphrase = [parent](bool newVault) {
        return askOnWindowThread([&] { return askPassphraseInDialog(parent, newVault); });
    };
    unlock.files = &platform::durableFiles();
    unlock.policy = app::managedPolicy().bundles;
    auto store = std::make_unique<vault::ProfileStore>(platform::appDirs().config, std::move(unlock));
    // Unlocking (the keyring's answer, or Argon2id on the passphrase: a good part of a second)
    // happens here, off the window's thread; what follows uses the key in memory.
    runOffWindowThread([&] { (void)store->list(); });
    return store;
}

void showProfilesDialog(wxWindow* parent) {
    std::unique_ptr<vault::ProfileStore> store;
    try {
        store = openProfileStoreInDialog(parent);
    } catch (const Error& e) {
        wxMessageBox(wxString::FromUTF8(e.what()), _("The profiles cannot be opened"), wxOK | wxICON_ERROR,
                     parent);
        return;
    }
    std::unique_ptr<wxDialog> dialog(createProfilesDialog(parent, std::move(store)));
    dialog->ShowModal();
}

wxDialog* createProfilesDialog(wxWindow* parent, std::unique_ptr<vault::ProfileStore> store) {
    return new ProfilesDialog(parent, std::move(store));
}

} // namespace docdesk::gui
