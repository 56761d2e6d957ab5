#include "app/gui/ThumbnailLoader.h"

#include "app/common/WorkerPool.h"
#include "core/common/Error.h"
#include "core/export/PageRenderer.h"
#include "core/model/PageTransforms.h"
#include "platform/ProcessLimits.h"

#include <algorithm>

namespace docdesk::gui {
namespace {

RgbImage turned(const RgbImage& in, int rotation) {
    if (rotation == 0)
        return in;
    RgbImage out;
    const bool swap = rotation != 180;
    out.width = swap ? in.height : in.width;
    out.height = swap ? in.width : in.height;
    out.pixels.resize(in.pixels.size());
    for (int y = 0; y < in.height; ++y) {
        for (int x = 0; x < in.width; ++x) {
            int nx = x, ny = y;
            if (rotation == 90)
                nx = in.height - 1 - y, ny = x;
            else if (rotation == 180)
                nx = in.width - 1 - x, ny = in.height - 1 - y;
            else
                nx = y, ny = in.width - 1 - x;
            const auto* src = &in.pixels[(size_t(y) * size_t(in.width) + size_t(x)) * 3];
            auto* dst = &out.pixels[(size_t(ny) * size_t(out.width) + size_t(nx)) * 3];
            dst[0] = src[0], dst[1] = src[1], dst[2] = src[2];
        }
    }
    return out;
}

// The page's edits as far as a thumbnail shows them: rotation, and grey for grey and
// black-and-white pages. Damaged edits leave the thumbnail as the original.
RgbImage withEdits(RgbImage image, const std::string& transformsJson) {
    PageTransforms t;
    try {
        t = PageTransforms::parse(transformsJson);
    } catch (const std::exception&) {
        return image;
    }
    if (t.mode == PageMode::Gray || t.mode == PageMode::BlackWhite) {
        for (size_t i = 0; i + 2 < image.pixels.size(); i += 3) {
            const auto luma = static_cast<std::uint8_t>(
                (image.pixels[i] * 77 + image.pixels[i + 1] * 150 + image.pixels[i + 2] * 29) >> 8);
            image.pixels[i] = image.pixels[i + 1] = image.pixels[i + 2] = luma;
        }
    }
    return turned(image, t.rotation);
}

// A worker's pixels as RGB (grey pages come as one channel).
RgbImage rgbOf(output::PageRaster raster) {
    RgbImage out;
    out.width = raster.width;
    out.height = raster.height;
    if (raster.channels == 3) {
        out.pixels = std::move(raster.pixels);
        return out;
    }
    out.pixels.resize(raster.pixels.size() * 3);
    for (size_t i = 0; i < raster.pixels.size(); ++i)
        out.pixels[3 * i] = out.pixels[3 * i + 1] = out.pixels[3 * i + 2] = raster.pixels[i];
    return out;
}

// The thumbnail, decoded in a worker: a page's bytes are untrusted, and a decoder that
// crashes there costs this thumbnail ("could not be read"), not the window. A cropped or
// deskewed page is rendered as it will be filed and made small (slower than the thumbnail
// decoder, and only for such pages); others are the original with rotation and grey applied.
RgbImage thumbnailOf(const PageRecord& page, int maxEdge, bool edited) {
    auto outcome = app::sharedWorkerPool().withWorker([&](app::AnalysisWorker& worker) {
        return edited ? worker.raster(output::pageSource(page), {}, maxEdge)
                      : worker.thumbnail(page.originalFile, page.mediaType, page.sourcePage, maxEdge);
    });
    if (!outcome.ok())
        throw UnreadableFileError(outcome.error);
    return rgbOf(std::move(outcome.raster));
}

// Pages whose thumbnail is made from the filed rendering: cut or straightened ones, and those
// with shadows removed (a filter over the whole page the small thumbnail cannot imitate).
bool movesPixels(const std::string& transformsJson) {
    try {
        const auto t = PageTransforms::parse(transformsJson);
        return t.crop.has_value() || t.deskewDegrees != 0 || t.mode == PageMode::ShadowRemoval;
    } catch (const std::exception&) {
        return false;
    }
}

} // namespace

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
            if (movesPixels(page.transformsJson))
                image = thumbnailOf(page, maxEdge_, true);
            else
                image = withEdits(thumbnailOf(page, maxEdge_, false), page.transformsJson);
        } catch (const std::exception& e) {
            error = e.what();
        }
        if (stop.stop_requested())
            return;
        onReady_(page.id, page.transformsJson, std::move(image), std::move(error));
        std::lock_guard g(mutex_);
        pending_.erase(page.id);
    }
}

} // namespace docdesk::gui
