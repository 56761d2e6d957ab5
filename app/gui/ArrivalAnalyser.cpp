#include "app/gui/ArrivalAnalyser.h"

#include "app/gui/LatencyProbe.h"
#include "platform/ProcessLimits.h"

#include <cstdlib>
#include <string_view>

namespace docdesk::gui {
namespace {

// How often the grid reads the session again while results come in: often enough that
// thumbnails follow the analysis, rarely enough that 500 pages cost the UI thread nothing.
constexpr int kRefreshIntervalMs = 400;

} // namespace

bool ArrivalAnalyser::enabled() {
    const char* setting = std::getenv("DOCDESK_ANALYSE_ON_ARRIVAL");
    return setting == nullptr || std::string_view(setting) != "0";
}

ArrivalAnalyser::ArrivalAnalyser(wxWindow* window, journal::Session& session)
    : analysis_(std::make_shared<app::ArrivalAnalysis>(session)) {
    refresh_.Bind(wxEVT_TIMER, [this](wxTimerEvent&) {
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
                app::WorkerLimits limits;
                limits.threads = 1; // one single-threaded process per core
                app::AnalysisWorker worker(limits);
                analysis->serve(stop, worker,
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
    const auto progress = analysis_->progress();
    if (onProgress && progress.done < progress.total)
        onProgress(progress.done, progress.total);
}

void ArrivalAnalyser::analysed() {
    // Read now, not as the page's server saw it: the servers' reports may cross.
    const auto progress = analysis_->progress();
    if (onProgress)
        onProgress(progress.done < progress.total ? progress.done : 0,
                   progress.done < progress.total ? progress.total : 0);
    if (progress.done >= progress.total)
        LatencyProbe::mark("analysis_idle");
    if (!refresh_.IsRunning())
        refresh_.StartOnce(kRefreshIntervalMs);
}

} // namespace docdesk::gui
