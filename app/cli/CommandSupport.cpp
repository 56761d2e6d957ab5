// Argument and session helpers shared by the docdesk-cli commands, and their one handling of
// Ctrl+C (StopOnInterrupt).
#include "app/cli/Commands.h"
#include "app/common/AppEnvironment.h"
#include "core/common/Error.h"
#include "core/common/Translate.h"
#include "core/journal/Session.h"

#include <chrono>
#include <csignal>
#include <cstdlib>

namespace docdesk::cli {

std::string optionValue(const std::vector<std::string>& args, size_t& i) {
    if (i + 1 >= args.size())
        throw UsageError(trf("{} needs a value", args[i]));
    return args[++i];
}

double parseDpi(const std::string& text) {
    double dpi = 0;
    try {
        size_t used = 0;
        dpi = std::stod(text, &used);
        if (used != text.size())
            throw std::invalid_argument(text);
    } catch (const std::exception&) {
        throw UsageError(tr("--dpi needs a number"));
    }
    if (dpi < 36 || dpi > 1200)
        throw UsageError(tr("--dpi must be between 36 and 1200"));
    return dpi;
}

std::filesystem::path sessionDirectory(const std::string& id) {
    if (id.empty() || id == "latest") {
        const auto all = journal::sessionDirectories(app::sessionsRoot());
        if (all.empty())
            throw Error(tr("There is no session yet. Import files first: docdesk-cli import FILE..."));
        return all.front();
    }
    const std::filesystem::path dir = app::sessionsRoot() / id;
    if (id.find('/') != std::string::npos || !std::filesystem::exists(dir / journal::Session::kIndexFile))
        throw Error(trf("There is no session '{}'. See 'docdesk-cli session list'.", id));
    return dir;
}

std::unique_ptr<journal::Session> openSessionForWriting(const std::string& id, bool newSession) {
    if (newSession && !id.empty())
        throw UsageError(tr("--session and --new-session cannot be combined"));
    if (newSession)
        return journal::Session::create(app::sessionsRoot(), app::durableFiles());
    if (!id.empty())
        return journal::Session::open(sessionDirectory(id), app::durableFiles());
    return app::openLastOrNewSession();
}

namespace {

// Signals seen since the StopOnInterrupt alive was made; the handlers touch nothing else.
volatile std::sig_atomic_t g_interruptions = 0;
volatile std::sig_atomic_t g_secondEndsProgram = 0;
constexpr int kExitInterrupted = 130; // as a shell reports a program ended by Ctrl+C

void onInterrupt(int) {
    g_interruptions = g_interruptions + 1;
    if (g_interruptions > 1 && g_secondEndsProgram)
        std::_Exit(kExitInterrupted);
}

} // namespace

StopOnInterrupt::StopOnInterrupt(bool secondEndsProgram) {
    g_interruptions = 0;
    g_secondEndsProgram = secondEndsProgram ? 1 : 0;
    previousInt_ = std::signal(SIGINT, onInterrupt);
    previousTerm_ = std::signal(SIGTERM, onInterrupt);
    watcher_ = std::jthread([this](std::stop_token own) {
        while (!own.stop_requested()) {
            if (g_interruptions > 0) {
                stop_.request_stop();
                return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    });
}

StopOnInterrupt::~StopOnInterrupt() {
    watcher_.request_stop();
    watcher_.join();
    std::signal(SIGINT, previousInt_ == SIG_ERR ? SIG_DFL : previousInt_);
    std::signal(SIGTERM, previousTerm_ == SIG_ERR ? SIG_DFL : previousTerm_);
}

} // namespace docdesk::cli
