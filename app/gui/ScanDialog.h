#pragma once
// Scanning from the window: the scanners found (listed in the background, the last one used
// preselected), the settings users need, and a Scan button. Pages are stored in the session
// one by one as they come off the scanner and appear in the main window at once; a progress
// bar shows the page being read, and Cancel stops the batch keeping every page so far.
#include "app/gui/BackgroundTask.h"
#include "core/journal/Session.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>
#include <wx/dialog.h>
#include <wx/spinctrl.h>

class wxButton;
class wxChoice;
class wxGauge;
class wxSizer;
class wxStaticText;

namespace docdesk::capture {
class PageSource;
struct AcquireProgress;
struct DeviceInfo;
} // namespace docdesk::capture

namespace docdesk::gui {

class ScanDialog : public wxDialog {
  public:
    ScanDialog(wxWindow* parent, journal::Session& session, std::function<void(const PageRecord&)> onStored);
    ~ScanDialog() override;

  private:
    // The scanners on this computer; with `network` (only on "Search the network") also those
    // the drivers find on the LAN, added to the list.
    void listDevices(bool network);
    wxSizer* buildSettings();
    void showDevices(const std::vector<capture::DeviceInfo>& devices, bool network);
    void onScan(wxCommandEvent&);
    void onCancel(wxCommandEvent&);
    void showProgress(const capture::AcquireProgress& p);
    void finished(const wxString& message);
    void join();

    journal::Session& session_;
    std::function<void(const PageRecord&)> onStored_;
    std::shared_ptr<capture::PageSource> source_;
    std::vector<std::string> deviceNames_;
    wxChoice* devices_ = nullptr;
    wxChoice* paper_ = nullptr;
    wxChoice* mode_ = nullptr;
    wxChoice* resolution_ = nullptr;
    wxSpinCtrl* pageLimit_ = nullptr; // 0 = until the feeder is empty
    wxButton* scan_ = nullptr;
    wxButton* searchNetwork_ = nullptr;
    wxButton* cancel_ = nullptr;
    wxGauge* gauge_ = nullptr;
    wxStaticText* status_ = nullptr;
    int pages_ = 0;
    BackgroundTask work_{this}; // listing devices or scanning; discarded before the dialog goes
};

} // namespace docdesk::gui
