#include "app/gui/WatchBanner.h"

#include "app/common/RunningWatches.h"

#include <algorithm>
#include <wx/intl.h>
#include <wx/sizer.h>
#include <wx/stattext.h>

namespace docdesk::gui {

namespace {
constexpr int kLookEveryMs = 3000;
}

WatchBanner::WatchBanner(wxWindow* parent, std::filesystem::path dataDir)
    : wxPanel(parent, wxID_ANY), dataDir_(std::move(dataDir)), timer_(this) {
    SetName(_("Uploading watch"));
    // Dark red with white text: it must stand out from the window, whatever the theme.
    SetBackgroundColour(wxColour(176, 0, 32));
    text_ = new wxStaticText(this, wxID_ANY, "");
    text_->SetForegroundColour(*wxWHITE);
    text_->SetFont(text_->GetFont().Bold());
    auto* sizer = new wxBoxSizer(wxHORIZONTAL);
    sizer->Add(text_, 1, wxALL | wxALIGN_CENTER_VERTICAL, FromDIP(8));
    SetSizer(sizer);
    Hide();
    Bind(wxEVT_TIMER, [this](wxTimerEvent&) { refresh(); });
    timer_.Start(kLookEveryMs);
    refresh();
}

void WatchBanner::refresh() {
    if (look_.running())
        return; // the last look is still reading the folder
    // Listing and lock tries touch the disk (a slow or network home folder): off the UI thread.
    look_.start(
        [dataDir = dataDir_](std::stop_token, const WindowQueue&) { return app::runningWatches(dataDir); },
        [this](TaskResult<std::vector<app::RunningWatch>> result) {
            if (!result.failure) // unreadable now: the next look tries again
                show(result.value);
        });
}

void WatchBanner::show(const std::vector<app::RunningWatch>& watches) {
    wxString lines;
    for (const auto& w : watches)
        if (w.uploads)
            lines +=
                (lines.empty() ? "" : "\n") +
                wxString::Format(_("This station sends: a watch of %s files into the outbox of %s and "
                                   "uploads it to the gateway without asking (docdesk-cli watch --upload, "
                                   "session %s)."),
                                 wxString::FromUTF8(w.folder), wxString::FromUTF8(w.profile),
                                 wxString::FromUTF8(w.session));
    if (lines == text_->GetLabel() && IsShown() == !lines.empty())
        return;
    text_->SetLabel(lines);
    text_->Wrap(std::max(FromDIP(300), GetParent()->GetClientSize().x - FromDIP(24)));
    Show(!lines.empty());
    GetParent()->Layout();
}

} // namespace docdesk::gui
