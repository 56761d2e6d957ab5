#include "app/gui/ThumbnailLoader.h"

#include "platform/ProcessLimits.h"

#include "core/common/Error.h"
#include "core/imaging/PageDecoder.h"

namespace docdesk::gui {

ThumbnailLoader::ThumbnailLoader(int maxEdge, Callback onReady, int threads)
    : maxEdge_(maxEdge), onReady_(std::move(onReady)) {
    for (int i = 0; i < threads; ++i)
        threads_.emplace_back([this](std::stop_token st) { run(st); });
}

ThumbnailLoader::~ThumbnailLoader() {
    for (auto& t : threads_)
        t.request_stop();
    wake_.notify_all();
    threads_.clear(); // joins
}

void ThumbnailLoader::request(const PageRecord& page) {
    {
        std::lock_guard g(mutex_);
        if (!pending_.insert(page.id).second)
            return;
        queue_.push_front(page);
    }
    wake_.notify_one();
}

void ThumbnailLoader::clear() {
    std::lock_guard g(mutex_);
    for (const auto& p : queue_)
        pending_.erase(p.id);
    queue_.clear();
}

void ThumbnailLoader::run(std::stop_token stop) {
    platform::runInBackground(); // decoding yields to the UI thread
    for (;;) {
        PageRecord page;
        {
            std::unique_lock lock(mutex_);
            if (!wake_.wait(lock, stop, [this] { return !queue_.empty(); }))
                return; // stop requested
            page = std::move(queue_.front());
            queue_.pop_front();
        }
        RgbImage image;
        std::string error;
        try {
            image = imaging::renderThumbnail(page.originalFile, imaging::kindFromMimeType(page.mediaType),
                                             page.sourcePage - 1, maxEdge_);
        } catch (const std::exception& e) {
            error = e.what();
        }
        if (stop.stop_requested())
            return;
        onReady_(page.id, std::move(image), std::move(error));
        std::lock_guard g(mutex_);
        pending_.erase(page.id);
    }
}

} // namespace docdesk::gui
