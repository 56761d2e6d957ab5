#include "app/cli/ImportAnalysis.h"

#include "app/common/PlanFiling.h"
#include "core/model/PageTransforms.h"

#include <algorithm>

namespace docdesk::cli {

ImportAnalysis::ImportAnalysis(journal::Session& session, const rules::PageEditRules& edits, double pdfDpi,
                               Progress onAnalysed, RenderAfterAnalysis render, Ready onReady)
    : session_(session), analysis_(session, pdfDpi), edits_(edits), onAnalysed_(std::move(onAnalysed)),
      render_(render), onReady_(std::move(onReady)) {
    const unsigned count = app::ArrivalAnalysis::defaultServers();
    for (unsigned i = 0; i < count; ++i)
        servers_.emplace_back([this](std::stop_token stop) {
            // Started on the serving thread (it inherits its priority), as ArrivalAnalysis::serve
            // does; kept here to render with it too.
            app::AnalysisWorker worker(app::ArrivalAnalysis::serverLimits());
            worker.keepDecodedPages(render_.into != nullptr);
            worker.warmUp(); // while the first file is still being stored
            analysis_.serve(stop, worker, [this, &worker](const auto& stored, auto progress) {
                const auto records = withMode(stored);
                analysed(records, progress);
                renderAhead(records, worker);
                const std::lock_guard lock(mutex_);
                if (!records.empty())
                    ready_[records.front().id] = records;
                handOverReady();
            });
        });
}

void ImportAnalysis::renderAhead(const std::vector<PageRecord>& stored, app::AnalysisWorker& worker) {
    if (render_.into == nullptr)
        return;
    for (const auto& record : stored) {
        try {
            if (record.isPassThrough())
                continue;
            // The record has the mode already (withMode): as the filing will find it.
            const output::PageSource source = output::pageSource(record);
            // Only where the worker kept the decoded page (JPEG), and only pages that cannot go
            // into the output as they are (those are decided without reading the file).
            if (source.kind != imaging::MediaKind::Jpeg ||
                (!source.transforms.changesGeometry() && source.transforms.mode != PageMode::BlackWhite))
                continue;
            auto rendered = worker.encode(source, render_.options);
            if (rendered.ok())
                render_.into->keep(source, render_.options, std::move(rendered.page));
        } catch (const std::exception&) {
            // Damaged edits or no memory: the filing renders the page and reports what fails.
        }
    }
}

void ImportAnalysis::analysed(const std::vector<PageRecord>& stored,
                              app::ArrivalAnalysis::Progress progress) {
    const std::lock_guard lock(mutex_);
    // ArrivalAnalysis counts anew whenever its queue ran dry (the analysis caught up with the
    // import); the user is told about the whole run.
    ++done_;
    if (onAnalysed_)
        onAnalysed_(done_, done_ + (progress.total - progress.done));
    // The first record is the page itself (the first piece of a page cut into several keeps
    // its id; Session::storeAnalysis).
    if (!stored.empty())
        analysed_[stored.front().id] = stored;
}

ImportAnalysis::~ImportAnalysis() {
    for (auto& server : servers_)
        server.request_stop(); // all at once; each is joined as it goes
}

void ImportAnalysis::add(std::span<const PageRecord> pages) {
    // Not analysed here: entries filed as they are, and pages analysed before.
    std::vector<PageRecord> readyNow;
    for (const auto& p : pages)
        if (p.isPassThrough() || app::hasStoredAnalysis(p))
            readyNow.push_back(p);
    readyNow = withMode(std::move(readyNow));
    {
        const std::lock_guard lock(mutex_);
        for (const auto& p : pages)
            order_.push_back(p.id);
        for (const auto& p : readyNow)
            ready_[p.id] = {p};
        handOverReady();
    }
    analysis_.add(pages, edits_);
}

std::vector<PageRecord> ImportAnalysis::withMode(std::vector<PageRecord> stored) {
    if (!render_.mode)
        return stored;
    for (auto& p : stored) {
        if (p.isPassThrough())
            continue;
        try {
            auto transforms = PageTransforms::parse(p.transformsJson);
            if (transforms.mode == *render_.mode)
                continue;
            transforms.mode = *render_.mode;
            session_.setTransforms(p.id, transforms.toJson());
            p.transformsJson = transforms.toJson();
        } catch (const std::exception&) {
            // Damaged edits or an unwritable session: `file` sets the mode again and reports it.
        }
    }
    return stored;
}

void ImportAnalysis::handOverReady() {
    std::vector<PageRecord> records;
    for (; handedOver_ < order_.size(); ++handedOver_) {
        const auto it = ready_.find(order_[handedOver_]);
        // A page whose analysis failed is not ready: the filing analyses it again at the end.
        if (it == ready_.end() || !std::all_of(it->second.begin(), it->second.end(), [](const PageRecord& r) {
                return r.isPassThrough() || app::hasStoredAnalysis(r);
            }))
            break;
        records.insert(records.end(), it->second.begin(), it->second.end());
        ready_.erase(it);
    }
    if (!records.empty() && onReady_)
        onReady_(records);
}

std::vector<PageRecord> ImportAnalysis::finish(const std::vector<PageRecord>& imported,
                                               std::vector<std::string>& errors) {
    analysis_.waitForQueued({});
    for (auto& server : servers_)
        server.request_stop();
    servers_.clear(); // joined: no callback runs any more
    const auto failed = analysis_.errors();
    errors.insert(errors.end(), failed.begin(), failed.end());
    std::vector<PageRecord> out;
    for (const auto& page : imported) {
        const auto it = analysed_.find(page.id);
        if (it == analysed_.end()) {
            out.push_back(page);
            continue;
        }
        out.insert(out.end(), it->second.begin(), it->second.end());
    }
    return out;
}

} // namespace docdesk::cli
