#include "app/common/AnalysisWorker.h"

#include "core/common/Translate.h"
#include "platform/HelperProgram.h"
#include "platform/ProcessLimits.h"

namespace docdesk::app {

AnalysisWorker::AnalysisWorker(WorkerLimits limits, std::filesystem::path executable)
    : limits_(limits),
      executable_(executable.empty() ? platform::helperProgram("docdesk-worker") : std::move(executable)) {}

void AnalysisWorker::start() {
    platform::ChildOptions opts;
    opts.pipeStdin = true;
    opts.pipeStdout = true;
    child_.emplace(std::vector<std::string>{executable_.string(), "--serve", "--memory-limit-mb",
                                            std::to_string(limits_.memoryMegabytes)},
                   opts);
}

AnalysisOutcome AnalysisWorker::request(const nlohmann::json& req) {
    if (child_ && !child_->running()) { // died while idle
        child_.reset();
        ++restarts_;
    }
    if (!child_)
        start();
    AnalysisOutcome out;
    try {
        child_->writeStdin(req.dump() + "\n");
    } catch (const std::system_error&) {
        // The worker died between requests; its exit is reported below.
    }
    const auto line = child_->readLine(limits_.timePerPage);
    if (line) {
        const auto answer = nlohmann::ordered_json::parse(*line, nullptr, false);
        if (answer.is_discarded() || !answer.is_object()) {
            out.error = tr("analysis failed: the worker gave an unreadable answer");
        } else if (answer.value("ok", false)) {
            out.ok = true;
            out.analysis = answer.contains("analysis") ? answer["analysis"] : answer;
        } else {
            out.error = answer.value("error", std::string(tr("analysis failed")));
        }
        return out;
    }
    // No answer: the worker crashed, or hangs and is stopped now. Either way it is replaced.
    const auto status = child_->waitFor(std::chrono::milliseconds(200));
    if (!status) {
        child_->signal(9);
        child_->wait();
        out.error = trf("analysis failed: it took longer than {} seconds and was stopped", limits_.timePerPage.count());
    } else if (status->signal != 0) {
        out.error = trf("analysis failed: the decoder crashed ({})", platform::signalName(status->signal));
    } else {
        out.error = trf("analysis failed: the worker ended unexpectedly (exit code {})", status->code);
    }
    child_.reset(); // the next request starts a fresh worker
    ++restarts_;
    return out;
}

AnalysisOutcome AnalysisWorker::analyse(const std::filesystem::path& file, const std::string& mediaType, int page,
                                        double dpi) {
    return request({{"op", "analyse"}, {"file", file.string()}, {"media_type", mediaType}, {"page", page}, {"dpi", dpi}});
}

AnalysisOutcome AnalysisWorker::crop(const std::filesystem::path& file, const std::string& mediaType, int page,
                                     double dpi, const std::string& mode, const std::filesystem::path& out) {
    return request({{"op", "crop"}, {"file", file.string()}, {"media_type", mediaType}, {"page", page},
                    {"dpi", dpi}, {"mode", mode}, {"out", out.string()}});
}

AnalysisOutcome AnalysisWorker::countPages(const std::filesystem::path& file) {
    return request({{"op", "count"}, {"file", file.string()}});
}

} // namespace docdesk::app
