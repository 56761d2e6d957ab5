#pragma once
// A banner across the top of the window while a hot-folder watch started with
// `docdesk-cli watch --profile NAME --upload` runs on this machine: such a station sends
// documents to the gateway without anyone pressing Upload, and the operator must see that.
// It looks every few seconds (app/common/RunningWatches.h: a folder listing and a lock try),
// on a background thread.
#include "app/common/RunningWatches.h"
#include "app/gui/BackgroundTask.h"

#include <filesystem>
#include <vector>
#include <wx/panel.h>
#include <wx/timer.h>

class wxStaticText;

namespace docdesk::gui {

class WatchBanner : public wxPanel {
  public:
    WatchBanner(wxWindow* parent, std::filesystem::path dataDir);
    // Looks again now (also called by the timer); the banner changes when the look is done.
    void refresh();

  private:
    void show(const std::vector<app::RunningWatch>& watches);

    std::filesystem::path dataDir_;
    wxStaticText* text_ = nullptr;
    wxTimer timer_;
    BackgroundTask look_{this}; // last: discarded first
};

} // namespace docdesk::gui
