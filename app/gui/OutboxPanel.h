#pragma once
// The "Outbox" tab: documents filed for a gateway profile, waiting for the user's Upload, with
// their state, a progress bar each while they go, and the reason when one failed or is paused.
// Upload (selected) and Upload All are the only way the window sends anything; the vault is
// opened and the network used only then. The upload runs on a background thread through the
// same code as `docdesk-cli upload` (app/common/GatewayUpload).
#include "app/common/GatewayUpload.h"
#include "app/gui/BackgroundTask.h"
#include "core/vault/ProfileStore.h"

#include <functional>
#include <map>
#include <memory>
#include <vector>
#include <wx/panel.h>

class wxButton;
class wxDataViewListCtrl;
class wxStaticText;

namespace docdesk::gui {

class OutboxPanel : public wxPanel {
  public:
    explicit OutboxPanel(wxWindow* parent);
    ~OutboxPanel() override;

    // Reads the outbox again (after filing, or when the tab is shown). Opens no connection.
    void refresh();
    void uploadSelected();
    void uploadAll();
    void cancelUpload();
    void showLedger();
    bool uploading() const { return worker_.running(); }

    // Progress for the status bar: (done, total, text); total 0 = idle.
    std::function<void(size_t, size_t, const wxString&)> onProgress;

  private:
    struct ProfileRun { // one profile's share of an Upload
        vault::Profile profile;
        std::optional<vault::Secret> password;
        std::vector<std::int64_t> ids;
    };
    void upload(std::vector<std::int64_t> ids);
    std::optional<ProfileRun> startRun(const std::string& profileName, vault::ProfileStore& store);
    void onItemProgress(const app::UploadProgress& p);
    void finished(const app::UploadRunResult& result, const std::string& failure);
    std::optional<vault::Secret> askPasswordFromWorker(const std::shared_ptr<vault::ProfileStore>& store,
                                                       const std::string& profile, const std::string& why,
                                                       std::stop_token stop, const WindowQueue& ui);
    void updateButtons();

    wxDataViewListCtrl* list_ = nullptr;
    wxStaticText* summary_ = nullptr;
    wxButton* upload_ = nullptr;
    wxButton* uploadAll_ = nullptr;
    wxButton* cancel_ = nullptr;
    std::vector<gateway::OutboxItem> items_; // rows, in order
    std::map<std::int64_t, unsigned> rowOf_;
    BackgroundTask worker_{this}; // last: joined before the members it uses go
};

} // namespace docdesk::gui
