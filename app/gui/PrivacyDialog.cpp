#include "app/gui/PrivacyDialog.h"

#include "app/common/CrashReportUpload.h"
#include "app/common/LocalData.h"
#include "app/gui/BackgroundTask.h"
#include "app/gui/ProfilesDialog.h"
#include "core/common/Translate.h"
#include "core/vault/ProfileStore.h"
#include "platform/AppDirs.h"
#include "platform/Keyring.h"

#include <atomic>
#include <cstdio>
#include <fstream>
#include <functional>
#include <sstream>
#include <wx/button.h>
#include <wx/config.h>
#include <wx/dialog.h>
#include <wx/listctrl.h>
#include <wx/msgdlg.h>
#include <wx/sizer.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>
#include <wx/utils.h>

namespace docdesk::gui {
namespace fs = std::filesystem;

namespace {

std::atomic<bool> g_deleteEverything{false};

enum { ID_DELETE_EVERYTHING = wxID_HIGHEST + 700 };

wxString u8(const std::string& s) {
    return wxString::FromUTF8(s);
}
wxString u8(const fs::path& p) {
    return wxString::FromUTF8(p.string());
}

class PrivacyDialog : public wxDialog {
  public:
    PrivacyDialog(wxWindow* parent, fs::path openSession)
        : wxDialog(parent, wxID_ANY, _("Privacy: what docdesk keeps on this computer"), wxDefaultPosition,
                   wxSize(900, 520), wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER),
          dirs_(platform::appDirs()), openSession_(std::move(openSession)) {
        SetName("privacy");
        auto* sizer = new wxBoxSizer(wxVERTICAL);
        sizer->Add(
            new wxStaticText(this, wxID_ANY,
                             _("Everything below stays on this computer. Nothing is sent anywhere unless you "
                               "press Upload or Send.")),
            0, wxALL, 10);
        list_ =
            new wxListCtrl(this, wxID_ANY, wxDefaultPosition, wxDefaultSize, wxLC_REPORT | wxLC_SINGLE_SEL);
        list_->SetName("items");
        list_->SetToolTip(_("What docdesk stores, its size and its folder"));
        list_->AppendColumn(_("What"), wxLIST_FORMAT_LEFT, 330);
        list_->AppendColumn(_("Size"), wxLIST_FORMAT_RIGHT, 100);
        list_->AppendColumn(_("Where"), wxLIST_FORMAT_LEFT, 440);
        sizer->Add(list_, 1, wxLEFT | wxRIGHT | wxEXPAND, 10);
        summary_ = new wxStaticText(this, wxID_ANY, "");
        summary_->SetName("summary");
        sizer->Add(summary_, 0, wxALL | wxEXPAND, 10);

        auto* buttons = new wxBoxSizer(wxHORIZONTAL);
        auto addButton = [&](const wxString& label, const char* name, const wxString& tip, auto handler) {
            auto* b = new wxButton(this, wxID_ANY, label);
            b->SetName(name);
            b->SetToolTip(tip);
            b->Bind(wxEVT_BUTTON, handler);
            buttons->Add(b, 0, wxRIGHT, 6);
            return b;
        };
        open_ = addButton(_("&Open Folder"), "open",
                          _("Show the selected item's folder in the file manager (Alt+O)"),
                          [this](wxCommandEvent&) { openFolder(); });
        view_ = addButton(_("&View Report"), "view", _("Show the selected crash report (Alt+V)"),
                          [this](wxCommandEvent&) { viewReport(); });
        send_ = addButton(_("&Send..."), "send",
                          _("Send the selected crash report to your default gateway profile (Alt+S)"),
                          [this](wxCommandEvent&) { sendReport(); });
        delete_ =
            addButton(_("&Delete..."), "delete", _("Delete the selected item from this computer (Alt+D)"),
                      [this](wxCommandEvent&) { deleteSelected(); });
        addButton(_("Delete &Everything..."), "deleteEverything",
                  _("Delete everything docdesk keeps on this computer and close docdesk (Alt+E)"),
                  [this](wxCommandEvent&) { deleteEverything(); });
        buttons->AddStretchSpacer();
        auto* close = new wxButton(this, wxID_CANCEL, _("&Close"));
        close->SetName("close");
        close->SetToolTip(_("Close this page (Esc)"));
        buttons->Add(close);
        sizer->Add(buttons, 0, wxLEFT | wxRIGHT | wxBOTTOM | wxEXPAND, 10);
        SetSizer(sizer);
        SetEscapeId(wxID_CANCEL);

        list_->Bind(wxEVT_LIST_ITEM_SELECTED, [this](wxListEvent&) { updateButtons(); });
        list_->Bind(wxEVT_LIST_ITEM_DESELECTED, [this](wxListEvent&) { updateButtons(); });
        list_->Bind(wxEVT_LIST_ITEM_ACTIVATED, [this](wxListEvent&) {
            selected() && selected()->kind == app::LocalDataKind::CrashReport ? viewReport() : openFolder();
        });
        updateButtons();
        list_->SetFocus();
        refresh();
    }

    ~PrivacyDialog() override = default; // the tasks are discarded first (the last members)

  private:
    // Lists again on a background thread (sizes of large sessions take a while to add up).
    // Lists on a background thread; `first` (a deletion, which can take long for gigabytes of
    // sessions) runs on that thread before the listing.
    // A listing still going is discarded.
    void refresh(const fs::path& select = {}, std::function<void(const WindowQueue&)> first = {}) {
        summary_->SetLabel(_("Adding up the sizes..."));
        lister_.start(
            [dirs = dirs_, first = std::move(first)](std::stop_token stop, const WindowQueue& ui) {
                if (first)
                    first(ui);
                return app::listLocalData(dirs, stop);
            },
            [this, select](TaskResult<std::vector<app::LocalDataItem>> result) {
                if (result.failure) // as before: the listing is left as it was
                    return;
                show(std::move(result.value), select);
            });
    }

    void show(std::vector<app::LocalDataItem> items, const fs::path& select) {
        items_ = std::move(items);
        list_->DeleteAllItems();
        std::uint64_t total = 0;
        long selectRow = -1;
        for (size_t i = 0; i < items_.size(); ++i) {
            const auto& item = items_[i];
            const long row = list_->InsertItem(static_cast<long>(i), u8(item.name));
            list_->SetItem(row, 1, u8(app::formatSize(item.bytes)));
            list_->SetItem(row, 2, u8(item.path));
            total += item.bytes;
            if (!select.empty() && item.path == select)
                selectRow = row;
        }
        if (items_.empty())
            summary_->SetLabel(_("docdesk keeps nothing on this computer at the moment."));
        else
            summary_->SetLabel(
                wxString::Format(_("%zu items, %s in all."), items_.size(), u8(app::formatSize(total))));
        if (selectRow < 0 && !items_.empty())
            selectRow = 0;
        if (selectRow >= 0) {
            list_->SetItemState(selectRow, wxLIST_STATE_SELECTED | wxLIST_STATE_FOCUSED,
                                wxLIST_STATE_SELECTED | wxLIST_STATE_FOCUSED);
            list_->EnsureVisible(selectRow);
        }
        list_->SetFocus(); // the keyboard goes on in the list after a Delete or Send
        updateButtons();
    }

    const app::LocalDataItem* selected() const {
        const long row = list_->GetNextItem(-1, wxLIST_NEXT_ALL, wxLIST_STATE_SELECTED);
        return row >= 0 && static_cast<size_t>(row) < items_.size() ? &items_[static_cast<size_t>(row)]
                                                                    : nullptr;
    }

    void updateButtons() {
        const auto* item = selected();
        const bool report = item && item->kind == app::LocalDataKind::CrashReport;
        open_->Enable(item != nullptr);
        delete_->Enable(item != nullptr);
        view_->Enable(report);
        send_->Enable(report && !sender_.running());
    }

    void openFolder() {
        const auto* item = selected();
        if (!item)
            return;
        std::error_code ec;
        const fs::path folder = fs::is_directory(item->path, ec) ? item->path : item->path.parent_path();
        if (!wxLaunchDefaultApplication(u8(folder)))
            wxLaunchDefaultBrowser("file://" + u8(folder));
    }

    void viewReport() {
        const auto* item = selected();
        if (!item || item->kind != app::LocalDataKind::CrashReport)
            return;
        std::ifstream in(item->path, std::ios::binary);
        std::string text(256 * 1024, '\0');
        in.read(text.data(), static_cast<std::streamsize>(text.size()));
        text.resize(static_cast<size_t>(in.gcount()));
        wxDialog view(this, wxID_ANY, u8(item->path.filename()), wxDefaultPosition, wxSize(760, 480),
                      wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER);
        auto* sizer = new wxBoxSizer(wxVERTICAL);
        auto* body = new wxTextCtrl(&view, wxID_ANY, wxString::FromUTF8(text), wxDefaultPosition,
                                    wxDefaultSize, wxTE_MULTILINE | wxTE_READONLY | wxTE_DONTWRAP);
        body->SetName("report");
        sizer->Add(body, 1, wxALL | wxEXPAND, 10);
        sizer->Add(view.CreateSeparatedButtonSizer(wxOK), 0, wxALL | wxEXPAND, 10);
        view.SetSizer(sizer);
        view.ShowModal();
    }

    bool confirm(const wxString& question, const wxString& title, const wxString& yes) {
        wxMessageDialog ask(this, question, title, wxYES_NO | wxICON_WARNING | wxYES_DEFAULT);
        ask.SetYesNoLabels(yes, _("&Keep"));
        return ask.ShowModal() == wxID_YES;
    }

    void deleteSelected() {
        const auto* found = selected();
        if (!found)
            return;
        const app::LocalDataItem item = *found;
        wxString question =
            wxString::Format(_("Delete \"%s\" (%s)?"), u8(item.name), u8(app::formatSize(item.bytes))) +
            "\n\n" + wxString::Format(_("What is lost: %s"), u8(item.lostWhenDeleted));
        const bool holdsOpenSession = item.kind == app::LocalDataKind::Sessions && !openSession_.empty();
        if (holdsOpenSession)
            question +=
                "\n\n" + _("The session open in this window is kept; use Delete Everything to remove it "
                           "too when docdesk closes.");
        question += "\n\n" + _("This cannot be undone.");
        if (!confirm(question, _("Delete"), _("&Delete")))
            return;
        if (item.kind == app::LocalDataKind::Settings && wxConfigBase::Get(false))
            wxConfigBase::Get()->DeleteAll(); // else the settings in memory are written back at exit
        refresh({}, [this, dirs = dirs_, item,
                     keep = holdsOpenSession ? openSession_ : fs::path()](const WindowQueue& ui) {
            try {
                app::deleteLocalData(dirs, item, keep, &platform::osKeyring());
            } catch (const std::exception& e) { // the listing after it still runs
                ui.post([this, message = std::string(e.what())] {
                    wxMessageBox(u8(message), _("Delete"), wxOK | wxICON_ERROR, this);
                });
            }
        });
    }

    void deleteEverything() {
        const wxString question = _(
            "Delete everything docdesk keeps on this computer?\n\n"
            "Gone will be: the gateway profiles with their remembered passwords, every capture session "
            "(also the one open now), the documents waiting in the outbox, the delivery ledger, the "
            "settings, the caches and the crash reports.\n\n"
            "docdesk closes and then deletes them. Documents filed into your archive folder are not touched. "
            "This cannot be undone.");
        if (!confirm(question, _("Delete Everything"), _("Delete &Everything")))
            return;
        g_deleteEverything = true;
        EndModal(ID_DELETE_EVERYTHING);
    }

    void sendReport() {
        const auto* item = selected();
        if (!item || item->kind != app::LocalDataKind::CrashReport || sender_.running())
            return;
        const fs::path report = item->path;
        std::unique_ptr<vault::ProfileStore> store;
        std::optional<vault::Profile> profile;
        std::optional<vault::Secret> password;
        try {
            store = openProfileStoreInDialog(this);
            if (!store)
                return; // the passphrase was not given
            profile = store->defaultProfile();
            if (!profile) {
                wxMessageBox(
                    _("There is no default gateway profile to send the report to. Add one (or mark one as "
                      "default) in Upload > Gateway Profiles."),
                    _("Send Crash Report"), wxOK | wxICON_INFORMATION, this);
                return;
            }
            const wxString question = wxString::Format(
                _("Send the crash report %s to the gateway profile \"%s\" (%s), into its folder %s?\n\n"
                  "The report holds the program name and version, the time, the signal and the backtrace; "
                  "View shows all of it."),
                u8(report.filename()), u8(profile->name), u8(profile->url), app::kCrashReportFolder);
            if (!confirm(question, _("Send Crash Report"), _("&Send")))
                return;
            password = store->password(profile->name);
            if (!password && !profile->user.empty()) {
                bool remember = false;
                password = askGatewayPassword(this, *profile, {}, remember);
                if (!password)
                    return;
                if (remember) {
                    vault::Profile remembered = *profile;
                    remembered.rememberPassword = true;
                    store->put(remembered, vault::Secret(password->view()));
                }
            }
        } catch (const std::exception& e) {
            wxMessageBox(u8(std::string(e.what())), _("Send Crash Report"), wxOK | wxICON_ERROR, this);
            return;
        }
        summary_->SetLabel(
            wxString::Format(_("Sending %s to %s..."), u8(report.filename()), u8(profile->name)));
        send_->Disable();
        auto secret = std::make_shared<std::optional<vault::Secret>>(std::move(password));
        sender_.start(
            [report, profile = *profile, secret](std::stop_token stop, const WindowQueue&) {
                const auto result = app::sendCrashReport(report, profile, std::move(*secret), stop);
                return result.delivered
                           ? Sent{true, trf("The crash report was sent to {} ({}).", profile.name,
                                            result.ledger ? result.ledger->location : profile.url)}
                           : Sent{false,
                                  trf("The crash report was not sent: {}\nIt waits in the outbox; Upload "
                                      "sends it later.",
                                      result.error)};
            },
            [this](TaskResult<Sent> result) {
                sender_.wait(); // over: Send is offered again
                if (result.failure)
                    result.value = {false, trf("The crash report was not sent: {}", result.failure->summary)};
                summary_->SetLabel(u8(result.value.message));
                updateButtons();
                wxMessageBox(u8(result.value.message), _("Send Crash Report"),
                             wxOK | (result.value.ok ? wxICON_INFORMATION : wxICON_ERROR), this);
                refresh();
            });
    }

    struct Sent {
        bool ok = false;
        std::string message;
    };

    platform::AppDirs dirs_;
    fs::path openSession_;
    std::vector<app::LocalDataItem> items_; // the rows, in order
    wxListCtrl* list_ = nullptr;
    wxStaticText* summary_ = nullptr;
    wxButton* open_ = nullptr;
    wxButton* view_ = nullptr;
    wxButton* send_ = nullptr;
    wxButton* delete_ = nullptr;
    BackgroundTask lister_{this}; // last: discarded before the members they use go
    BackgroundTask sender_{this};
};

} // namespace

bool showPrivacyDialog(wxWindow* parent, const fs::path& openSession) {
    PrivacyDialog dialog(parent, openSession);
    return dialog.ShowModal() == ID_DELETE_EVERYTHING;
}

bool deleteEverythingIfRequested() {
    if (!g_deleteEverything)
        return true;
    try {
        app::deleteAllLocalData(platform::appDirs(), &platform::osKeyring());
        return true;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s\n", e.what());
        return false;
    }
}

} // namespace docdesk::gui
