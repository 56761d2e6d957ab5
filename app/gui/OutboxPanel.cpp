#include "app/gui/OutboxPanel.h"

#include "app/gui/ProfilesDialog.h"
#include "core/vault/ProfileStore.h"

#include <algorithm>
#include <future>
#include <set>
#include <wx/button.h>
#include <wx/dataview.h>
#include <wx/dialog.h>
#include <wx/filename.h>
#include <wx/msgdlg.h>
#include <wx/sizer.h>
#include <wx/stattext.h>

namespace docdesk::gui {
namespace {

enum Column { kDocument, kProfile, kSize, kState, kProgress, kReason };

wxString sizeText(std::uint64_t bytes) {
    return wxFileName::GetHumanReadableSize(wxULongLong(bytes), "0 B");
}

wxString stateText(gateway::OutboxState state) {
    switch (state) {
    case gateway::OutboxState::Queued:
        return _("waiting");
    case gateway::OutboxState::Uploading:
        return _("uploading");
    case gateway::OutboxState::Verifying:
        return _("verifying");
    case gateway::OutboxState::Failed:
        return _("failed");
    case gateway::OutboxState::Paused:
        return _("paused");
    }
    return {};
}

} // namespace

OutboxPanel::OutboxPanel(wxWindow* parent) : wxPanel(parent, wxID_ANY) {
    SetName(_("Outbox"));
    list_ = new wxDataViewListCtrl(this, wxID_ANY, wxDefaultPosition, wxDefaultSize,
                                   wxDV_ROW_LINES | wxDV_MULTIPLE);
    list_->SetName(_("Documents waiting for upload"));
    list_->SetToolTip(_("The documents waiting for upload, with their gateway profile, state and progress"));
    list_->AppendTextColumn(_("Document"), wxDATAVIEW_CELL_INERT, 260);
    list_->AppendTextColumn(_("Profile"), wxDATAVIEW_CELL_INERT, 120);
    list_->AppendTextColumn(_("Size"), wxDATAVIEW_CELL_INERT, 80, wxALIGN_RIGHT);
    list_->AppendTextColumn(_("State"), wxDATAVIEW_CELL_INERT, 90);
    list_->AppendProgressColumn(_("Progress"), wxDATAVIEW_CELL_INERT, 120);
    list_->AppendTextColumn(_("Reason"), wxDATAVIEW_CELL_INERT, 300);
    summary_ = new wxStaticText(this, wxID_ANY, "");
    upload_ = new wxButton(this, wxID_ANY, _("&Upload"));
    upload_->SetToolTip(_("Send the selected documents to their gateway (Ctrl+U)"));
    upload_->SetName(_("Upload"));
    uploadAll_ = new wxButton(this, wxID_ANY, _("Upload &All"));
    uploadAll_->SetToolTip(_("Send every document in the outbox (Ctrl+Alt+U)"));
    uploadAll_->SetName(_("Upload All"));
    cancel_ = new wxButton(this, wxID_ANY, _("&Stop Upload"));
    cancel_->SetToolTip(_("Stop after the document being sent; the rest stays in the outbox"));
    cancel_->SetName(_("Stop Upload"));
    auto* ledger = new wxButton(this, wxID_ANY, _("&Ledger..."));
    ledger->SetToolTip(_("Every delivery made: what, where, when, SHA-256"));
    ledger->SetName(_("Ledger"));
    auto* buttons = new wxBoxSizer(wxHORIZONTAL);
    buttons->Add(upload_, 0, wxRIGHT, 6);
    buttons->Add(uploadAll_, 0, wxRIGHT, 6);
    buttons->Add(cancel_, 0, wxRIGHT, 6);
    buttons->AddStretchSpacer();
    buttons->Add(ledger);
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    sizer->Add(buttons, 0, wxALL | wxEXPAND, 6);
    sizer->Add(list_, 1, wxLEFT | wxRIGHT | wxEXPAND, 6);
    sizer->Add(summary_, 0, wxALL | wxEXPAND, 6);
    SetSizer(sizer);
    upload_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { uploadSelected(); });
    uploadAll_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { uploadAll(); });
    cancel_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { cancelUpload(); });
    ledger->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { showLedger(); });
    list_->Bind(wxEVT_DATAVIEW_SELECTION_CHANGED, [this](wxDataViewEvent&) { updateButtons(); });
    refresh();
}

OutboxPanel::~OutboxPanel() = default; // the worker is stopped first: items in flight go back to the queue

void OutboxPanel::updateButtons() {
    const bool busy = uploading();
    upload_->Enable(!busy && list_->GetSelectedItemsCount() > 0);
    uploadAll_->Enable(!busy && !items_.empty());
    cancel_->Enable(busy);
}

void OutboxPanel::refresh() {
    if (uploading())
        return; // the rows show the run's progress; refreshed when it ends
    items_.clear();
    try {
        items_ = app::openOutbox()->items();
    } catch (const std::exception& e) {
        summary_->SetLabel(wxString::FromUTF8(e.what()));
    }
    list_->DeleteAllItems();
    rowOf_.clear();
    std::uint64_t total = 0;
    for (const auto& item : items_) {
        wxVector<wxVariant> row;
        row.push_back(wxVariant(wxString::FromUTF8(item.fileName)));
        row.push_back(wxVariant(wxString::FromUTF8(item.profile)));
        row.push_back(wxVariant(sizeText(item.bytes)));
        row.push_back(wxVariant(stateText(item.state)));
        row.push_back(wxVariant(0L));
        row.push_back(wxVariant(wxString::FromUTF8(item.reason)));
        rowOf_[item.id] = list_->GetItemCount();
        list_->AppendItem(row);
        total += item.bytes;
    }
    if (!items_.empty() || summary_->GetLabel().empty())
        summary_->SetLabel(items_.empty()
                               ? _("The outbox is empty. Documents filed for a gateway profile wait here "
                                   "until you press Upload.")
                               : wxString::Format(wxPLURAL("%zu document waiting, %s",
                                                           "%zu documents waiting, %s", items_.size()),
                                                  items_.size(), sizeText(total)));
    updateButtons();
}

void OutboxPanel::uploadSelected() {
    std::vector<std::int64_t> ids;
    wxDataViewItemArray selection;
    list_->GetSelections(selection);
    for (const auto& item : selection) {
        const int row = list_->ItemToRow(item);
        if (row != wxNOT_FOUND && static_cast<size_t>(row) < items_.size())
            ids.push_back(items_[static_cast<size_t>(row)].id);
    }
    if (!ids.empty())
        upload(ids);
}

void OutboxPanel::uploadAll() {
    std::vector<std::int64_t> ids;
    for (const auto& item : items_)
        ids.push_back(item.id);
    if (!ids.empty())
        upload(ids);
}

void OutboxPanel::cancelUpload() {
    if (uploading()) {
        worker_.requestStop();
        summary_->SetLabel(_("Stopping after the current transfers..."));
    }
}

// One run per profile, one after another; everything the user must answer (vault passphrase,
// passwords) is asked here on the UI thread before the thread starts.
void OutboxPanel::upload(std::vector<std::int64_t> ids) {
    if (uploading())
        return;
    std::shared_ptr<vault::ProfileStore> store;
    try {
        store = openProfileStoreInDialog(this);
    } catch (const std::exception& e) {
        wxMessageBox(wxString::FromUTF8(e.what()), _("The profiles cannot be opened"), wxOK | wxICON_ERROR,
                     this);
        return;
    }
    if (!store)
        return; // the user cancelled the passphrase
    auto runs = std::make_shared<std::vector<ProfileRun>>();
    const std::set<std::int64_t> wanted(ids.begin(), ids.end());
    for (const auto& item : items_) {
        if (!wanted.count(item.id))
            continue;
        auto run = std::find_if(runs->begin(), runs->end(),
                                [&](const ProfileRun& r) { return r.profile.name == item.profile; });
        if (run == runs->end()) {
            try {
                auto fresh = startRun(item.profile, *store);
                if (!fresh)
                    continue; // this profile's documents stay queued
                runs->push_back(std::move(*fresh));
                run = runs->end() - 1;
            } catch (const std::exception& e) {
                wxMessageBox(wxString::FromUTF8(e.what()), _("Upload"), wxOK | wxICON_ERROR, this);
                return;
            }
        }
        run->ids.push_back(item.id);
    }
    if (runs->empty())
        return;
    // The store opened here answers a later 401 too, so the passphrase is asked once per Upload.
    // The work fills `all`; `then` reads it also after a failure (the runs before it count).
    auto all = std::make_shared<app::UploadRunResult>();
    worker_.start(
        [this, runs, store, all](std::stop_token stop, const WindowQueue& ui) {
            auto outbox = app::openOutbox();
            for (auto& run : *runs) {
                if (stop.stop_requested())
                    break;
                app::UploadOptions options;
                options.itemIds = run.ids;
                const std::string profileName = run.profile.name;
                auto result = app::runGatewayUpload(
                    *outbox, run.profile, std::move(run.password),
                    [this, store, profileName, stop, &ui](const std::string& why) {
                        return askPasswordFromWorker(store, profileName, why, stop, ui);
                    },
                    [this, &ui](const app::UploadProgress& p) { ui.post([this, p] { onItemProgress(p); }); },
                    stop, options);
                all->items.insert(all->items.end(), result.items.begin(), result.items.end());
                all->paused = all->paused || result.paused;
                all->cancelled = all->cancelled || result.cancelled;
            }
        },
        [this, all](TaskResult<void> result) {
            finished(*all, result.failure ? result.failure->summary : std::string());
        });
    updateButtons();
    if (onProgress)
        onProgress(0, 1, _("Uploading..."));
}

// The run for one profile's documents, with its password (asked for now when none is stored);
// nullopt when the profile is gone or the user gave no password.
std::optional<OutboxPanel::ProfileRun> OutboxPanel::startRun(const std::string& profileName,
                                                             vault::ProfileStore& store) {
    const auto profile = store.find(profileName);
    if (!profile) {
        wxMessageBox(wxString::Format(_("The profile \"%s\" no longer exists. Add it again in Upload > "
                                        "Gateway Profiles to upload its documents."),
                                      wxString::FromUTF8(profileName)),
                     _("Upload"), wxOK | wxICON_WARNING, this);
        return std::nullopt;
    }
    ProfileRun fresh{*profile, store.password(profile->name), {}};
    if (!fresh.password && profile->needsSecret()) {
        bool remember = false;
        fresh.password = askGatewayPassword(this, *profile, {}, remember);
        if (!fresh.password)
            return std::nullopt;
        if (remember) {
            vault::Profile remembered = *profile;
            remembered.rememberPassword = true;
            store.put(remembered, vault::Secret(fresh.password->view()));
        }
    }
    return fresh;
}

// On the upload thread after a 401: the question goes to the UI thread and the thread waits for
// the answer (or for Stop).
std::optional<vault::Secret>
OutboxPanel::askPasswordFromWorker(const std::shared_ptr<vault::ProfileStore>& store,
                                   const std::string& profile, const std::string& why, std::stop_token stop,
                                   const WindowQueue& ui) {
    auto answer = std::make_shared<std::promise<std::optional<vault::Secret>>>();
    auto future = answer->get_future();
    ui.post([this, answer, store, profile, why] {
        std::optional<vault::Secret> password;
        try {
            if (auto found = store->find(profile)) {
                bool remember = false;
                password = askGatewayPassword(this, *found, wxString::FromUTF8(why), remember);
                if (password && remember) {
                    found->rememberPassword = true; // put() keeps a password only for such a profile
                    store->put(*found, vault::Secret(password->view()));
                }
            }
        } catch (const std::exception& e) {
            wxMessageBox(wxString::FromUTF8(e.what()), _("Upload"), wxOK | wxICON_ERROR, this);
        }
        answer->set_value(std::move(password));
    });
    while (future.wait_for(std::chrono::milliseconds(200)) != std::future_status::ready)
        if (stop.stop_requested())
            return std::nullopt;
    return future.get();
}

void OutboxPanel::onItemProgress(const app::UploadProgress& p) {
    if (auto it = rowOf_.find(p.itemId); it != rowOf_.end() && p.itemBytes > 0) {
        const long percent =
            static_cast<long>(100.0 * static_cast<double>(p.itemSent) / static_cast<double>(p.itemBytes));
        list_->SetValue(wxVariant(percent), it->second, kProgress);
        list_->SetTextValue(percent >= 100 ? _("verifying") : _("uploading"), it->second, kState);
    }
    wxString text = wxString::Format(_("Uploaded %s of %s"), sizeText(p.totalSent), sizeText(p.totalBytes));
    if (p.bytesPerSecond > 0)
        text += wxString::Format(_(", %s/s"), sizeText(static_cast<std::uint64_t>(p.bytesPerSecond)));
    if (p.timeLeft)
        text += wxString::Format(_(", %lld s left"), static_cast<long long>(p.timeLeft->count()));
    summary_->SetLabel(text);
    if (onProgress && p.totalBytes > 0)
        onProgress(static_cast<size_t>(p.totalSent / 1024),
                   static_cast<size_t>(std::max<std::uint64_t>(1, p.totalBytes / 1024)),
                   wxString::Format(_("Uploading: %zu of %zu documents done"), p.itemsDone, p.itemsTotal));
}

void OutboxPanel::finished(const app::UploadRunResult& result, const std::string& failure) {
    size_t delivered = 0;
    wxString problems = wxString::FromUTF8(failure);
    for (const auto& item : result.items) {
        if (item.delivered)
            ++delivered;
        else if (!item.error.empty())
            problems += wxString::FromUTF8(item.document + ": " + item.error) + "\n";
    }
    refresh();
    const wxString text = wxString::Format(
        wxPLURAL("%zu document delivered and verified", "%zu documents delivered and verified", delivered),
        delivered);
    summary_->SetLabel(text + (result.paused ? _("; paused: the server is full") : wxString()));
    if (onProgress)
        onProgress(0, 0, text);
    if (!problems.empty())
        wxMessageBox(problems + "\n" + _("These documents stay in the outbox; nothing was lost."),
                     _("Some documents were not uploaded"), wxOK | wxICON_WARNING, this);
}

void OutboxPanel::showLedger() {
    std::vector<gateway::LedgerEntry> entries;
    try {
        entries = app::openOutbox()->ledger();
    } catch (const std::exception& e) {
        wxMessageBox(wxString::FromUTF8(e.what()), _("Ledger"), wxOK | wxICON_ERROR, this);
        return;
    }
    wxDialog dialog(this, wxID_ANY, _("Ledger: every delivery"), wxDefaultPosition, wxSize(900, 420),
                    wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER);
    auto* view = new wxDataViewListCtrl(&dialog, wxID_ANY, wxDefaultPosition, wxDefaultSize, wxDV_ROW_LINES);
    view->SetName(_("Deliveries"));
    view->SetToolTip(_("Every delivery made: when, what, to which profile, where, and its SHA-256"));
    view->AppendTextColumn(_("Delivered (UTC)"), wxDATAVIEW_CELL_INERT, 160);
    view->AppendTextColumn(_("Document"), wxDATAVIEW_CELL_INERT, 200);
    view->AppendTextColumn(_("Profile"), wxDATAVIEW_CELL_INERT, 100);
    view->AppendTextColumn(_("Size"), wxDATAVIEW_CELL_INERT, 80, wxALIGN_RIGHT);
    view->AppendTextColumn(_("Where"), wxDATAVIEW_CELL_INERT, 260);
    view->AppendTextColumn(_("SHA-256"), wxDATAVIEW_CELL_INERT, 200);
    for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
        wxVector<wxVariant> row;
        row.push_back(wxVariant(wxString::FromUTF8(it->deliveredAt)));
        row.push_back(wxVariant(wxString::FromUTF8(it->document)));
        row.push_back(wxVariant(wxString::FromUTF8(it->profile)));
        row.push_back(wxVariant(sizeText(it->bytes)));
        row.push_back(wxVariant(wxString::FromUTF8(it->location)));
        row.push_back(wxVariant(wxString::FromUTF8(it->sha256)));
        view->AppendItem(row);
    }
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    sizer->Add(view, 1, wxALL | wxEXPAND, 8);
    sizer->Add(dialog.CreateButtonSizer(wxCLOSE), 0, wxALL | wxEXPAND, 8);
    dialog.SetSizer(sizer);
    dialog.SetEscapeId(wxID_CLOSE);
    dialog.ShowModal();
}

} // namespace docdesk::gui
