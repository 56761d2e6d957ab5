#include "app/common/RenderAhead.h"

#include <algorithm>
#include <unordered_map>

namespace docdesk::app {
namespace {

bool samePage(const PageToRender& page, const output::PageSource& source,
              const output::RenderOptions& options, bool raster) {
    return page.raster == raster && page.source.pageIndex == source.pageIndex &&
           page.source.kind == source.kind && page.source.file == source.file &&
           page.source.transforms == source.transforms && page.options == options;
}

} // namespace

RenderAhead::RenderAhead(pipeline::PageRenderFunction render, std::vector<PageToRender> pages,
                         unsigned threads, size_t window, std::stop_token stop)
    : render_(std::move(render)), window_(std::max<size_t>(window, 1)) {
    slots_.reserve(pages.size());
    for (auto& page : pages)
        slots_.push_back({std::move(page), std::nullopt, nullptr, false, false, false});
    if (stop.stop_requested())
        return;
    for (unsigned k = 0; k < std::min<size_t>(threads, slots_.size()); ++k)
        threads_.emplace_back([this](std::stop_token own) { work(own); });
}

RenderAhead::~RenderAhead() {
    for (auto& t : threads_)
        t.request_stop();
    changed_.notify_all();
    threads_.clear(); // joins
}

void RenderAhead::work(std::stop_token stop) {
    for (;;) {
        size_t k = 0;
        {
            std::unique_lock lock(mutex_);
            // Rendered at most `window_` pages beyond the furthest page asked for.
            if (!changed_.wait(lock, stop,
                               [&] { return next_ < slots_.size() && next_ < cursor_ + window_; }))
                return;
            k = next_++;
            if (slots_[k].done || slots_[k].started)
                continue; // dropped (behind the filing) or rendered by its caller
            slots_[k].started = true;
        }
        Slot& slot = slots_[k];
        std::optional<Rendered> result;
        std::exception_ptr error;
        try {
            result = render_(slot.page.source, slot.page.options, slot.page.raster);
        } catch (...) {
            error = std::current_exception();
        }
        {
            const std::lock_guard lock(mutex_);
            slot.result = std::move(result);
            slot.error = error;
            slot.done = true;
        }
        changed_.notify_all();
    }
}

RenderAhead::Rendered RenderAhead::take(const output::PageSource& source,
                                        const output::RenderOptions& options, bool raster) {
    std::unique_lock lock(mutex_);
    size_t found = slots_.size();
    for (size_t k = 0; k < slots_.size() && found == slots_.size(); ++k)
        if (!slots_[k].claimed && samePage(slots_[k].page, source, options, raster))
            found = k; // the first such page not yet taken
    if (found == slots_.size()) {
        lock.unlock();
        return render_(source, options, raster); // not among the pages ahead
    }
    Slot& slot = slots_[found];
    slot.claimed = true;
    cursor_ = std::max(cursor_, found + 1);
    dropFarBehind(found);
    changed_.notify_all();
    const bool renderHere = !slot.started; // not reached yet: rendered here, and not by a thread
    slot.started = true;
    if (!renderHere)
        changed_.wait(lock, [&] { return slot.done; });
    std::optional<Rendered> result = std::move(slot.result);
    std::exception_ptr error = slot.error;
    slot.result.reset();
    slot.error = nullptr;
    lock.unlock();
    if (renderHere) {
        try {
            result = render_(source, options, raster);
        } catch (...) {
            error = std::current_exception();
        }
        {
            const std::lock_guard guard(mutex_);
            slot.done = true;
        }
        changed_.notify_all();
    }
    if (error)
        std::rethrow_exception(error);
    return std::move(*result);
}

void RenderAhead::dropFarBehind(size_t taken) {
    // Pages far behind the one taken were skipped by the filing (a document that failed).
    for (size_t k = 0; k + window_ < taken; ++k) {
        Slot& s = slots_[k];
        if (s.claimed)
            continue;
        s.claimed = true;
        s.done = s.done || !s.started; // a thread does not start it any more
        s.result.reset();
        s.error = nullptr;
    }
}

pipeline::PageRenderFunction RenderAhead::renderer() {
    return [this](const output::PageSource& source, const output::RenderOptions& options, bool raster) {
        return take(source, options, raster);
    };
}

std::vector<PageToRender> pagesToRender(std::span<const PageRecord> pages,
                                        std::span<const pipeline::DocumentToFile> documents,
                                        const pipeline::FilingOptions& options) {
    std::unordered_map<std::int64_t, const PageRecord*> byId;
    for (const auto& p : pages)
        byId.emplace(p.id, &p);
    const output::RenderOptions render = pipeline::renderOptions(options); // as fileDocuments asks
    std::vector<PageToRender> out;
    for (const auto& doc : documents)
        for (const auto id : doc.pageIds)
            if (const auto it = byId.find(id); it != byId.end()) {
                try {
                    out.push_back({output::pageSource(*it->second), render,
                                   options.format == pipeline::OutputFormat::Tiff});
                } catch (const std::exception&) {
                    // damaged edits: fileDocuments reports them when it comes to the page
                }
            }
    return out;
}

} // namespace docdesk::app
