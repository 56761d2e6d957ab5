#include "app/gui/ArrivalAnalyser.h"

#include "app/gui/LatencyProbe.h"
#include "platform/ProcessLimits.h"

#include <chrono>
#include <cstdlib>
#include <string_view>

namespace docdesk::gui {
namespace {

// How often the grid reads the session again while results come in: often enough that
// thumbnails follow the analysis, rarely enough that 500 pages cost the UI thread nothing.
constexpr int kRefreshIntervalMs = 400;
constexpr int kProgressIntervalMs = 250;

} // namespace

bool ArrivalAnalyser::enabled() {
    const char* setting = std::getenv("DOCDESK_ANALYSE_ON_ARRIVAL");
    return setting == nullptr || std::string_view(setting) != "0";
}

ArrivalAnalyser::ArrivalAnalyser(wxWindow* window, journal::Session& session)
    : analysis_(std::make_shared<app::ArrivalAnalysis>(session)) {
    refresh_.Bind(wxEVT_TIMER, [this](wxTimerEvent&) {
        reportProgress(true);
        if (onPagesChanged)
            onPagesChanged();
    });
    const unsigned count = app::ArrivalAnalysis::defaultServers();
    servers_.reserve(count);
    for (unsigned i = 0; i < count; ++i) {
        servers_.emplace_back(window).start(
            [this, analysis = analysis_](std::stop_token stop, const WindowQueue& ui) {
                // Background priority, inherited by the worker started from this thread: the
                // window, its thumbnails and the user's edits go first.
                platform::runInBackground();
                analysis->serve(stop,
                                [this, &ui](const std::vector<PageRecord>&, app::ArrivalAnalysis::Progress) {
                                    ui.post([this] { analysed(); });
                                });
            },
            [](TaskResult<void>) {});
    }
}

ArrivalAnalyser::~ArrivalAnalyser() {
    requestStop(); // all at once; each is joined as it goes
    refresh_.Stop();
}

void ArrivalAnalyser::requestStop() {
    for (auto& s : servers_)
        s.requestStop();
}

void ArrivalAnalyser::add(const std::vector<PageRecord>& pages, const rules::PageEditRules& edits) {
    analysis_->add(pages, edits);
    reportProgress(false);
}

void ArrivalAnalyser::analysed() {
    reportProgress(false);
    if (!refresh_.IsRunning())
        refresh_.StartOnce(kRefreshIntervalMs);
}

// Rate-limited (a status bar update costs the UI thread a few milliseconds, and pages come
// in by the hundred): at most every kProgressIntervalMs, except the end, which is shown at
// once. The refresh timer shows the count the limit held back.
void ArrivalAnalyser::reportProgress(bool force) {
    // Read now, not as a page's server saw it: the servers' reports may cross.
    const auto progress = analysis_->progress();
    const bool idle = progress.done >= progress.total;
    const auto now = std::chrono::steady_clock::now();
    if (force || idle || now - lastProgress_ >= std::chrono::milliseconds(kProgressIntervalMs)) {
        lastProgress_ = now;
        if (onProgress)
            onProgress(idle ? 0 : progress.done, idle ? 0 : progress.total);
    } else if (!refresh_.IsRunning()) {
        refresh_.StartOnce(kRefreshIntervalMs);
    }
    if (idle && !idleMarked_)
        LatencyProbe::mark("analysis_idle");
    idleMarked_ = idle;
}

} // namespace docdesk::gui
