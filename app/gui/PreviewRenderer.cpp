#include "app/gui/PreviewRenderer.h"

#include "app/common/WorkerPool.h"
#include "core/common/Error.h"
#include "core/export/PageRenderer.h"
#include "core/model/PageTransforms.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <opencv2/imgproc.hpp>

namespace docdesk::gui {

struct PreviewRenderer::Decoded {
    std::int64_t pageId = 0;
    std::string version;
    cv::Mat rgb;       // the whole image as shown
    std::string error; // why it could not be read (kept: zooming does not decode it again)
};

PreviewRenderer::PreviewRenderer(Callback onReady)
    : onReady_(std::move(onReady)), thread_([this](std::stop_token st) { run(st); }) {}

PreviewRenderer::~PreviewRenderer() {
    thread_.request_stop();
    wake_.notify_all();
    thread_ = {}; // joins before the members it uses go
}

void PreviewRenderer::request(PreviewRequest request) {
    {
        std::lock_guard g(mutex_);
        next_ = std::move(request);
    }
    wake_.notify_one();
}

std::string PreviewRenderer::versionOf(const PageRecord& page, bool result) {
    if (result)
        return "result:" + page.transformsJson;
    int rotation = 0;
    try {
        rotation = PageTransforms::parse(page.transformsJson).rotation;
    } catch (const std::exception&) {
    }
    return "original:" + std::to_string(rotation);
}

double PreviewRenderer::fitScale(int imageWidth, int imageHeight, int viewWidth, int viewHeight) {
    if (imageWidth <= 0 || imageHeight <= 0 || viewWidth <= 0 || viewHeight <= 0)
        return 1;
    return std::min({double(viewWidth - 16) / imageWidth, double(viewHeight - 16) / imageHeight, 4.0});
}

namespace {

// The page decoded in a worker (its bytes are untrusted): a decoder that crashes or hangs
// there costs the preview of this page ("could not be read"), not the window.
cv::Mat decode(const PageRecord& page, bool result) {
    auto source = output::pageSource(page);
    if (!result) {
        PageTransforms turned;
        turned.rotation = source.transforms.rotation;
        source.transforms = turned;
    }
    auto outcome = app::sharedWorkerPool().withWorker(
        [&](app::AnalysisWorker& worker) { return worker.raster(source, {}); });
    if (!outcome.ok())
        throw UnreadableFileError(outcome.error);
    const auto& raster = outcome.raster;
    const cv::Mat packed(raster.height, raster.width, raster.channels == 3 ? CV_8UC3 : CV_8UC1,
                         const_cast<std::uint8_t*>(raster.pixels.data()));
    cv::Mat rgb;
    if (raster.channels == 3)
        rgb = packed.clone();
    else
        cv::cvtColor(packed, rgb, cv::COLOR_GRAY2RGB);
    return rgb;
}

// The view: the visible part of `image` at `scale`, on a grey background where the page ends.
RgbImage renderView(const cv::Mat& image, double scale, double ox, double oy, int vw, int vh) {
    cv::Mat view(vh, vw, CV_8UC3, cv::Scalar(112, 112, 112));
    const int x0 = std::clamp(int(std::floor(ox / scale)), 0, image.cols);
    const int y0 = std::clamp(int(std::floor(oy / scale)), 0, image.rows);
    const int x1 = std::clamp(int(std::ceil((ox + vw) / scale)) + 1, 0, image.cols);
    const int y1 = std::clamp(int(std::ceil((oy + vh) / scale)) + 1, 0, image.rows);
    if (x1 > x0 && y1 > y0) {
        const cv::Mat roi = image(cv::Rect(x0, y0, x1 - x0, y1 - y0));
        const int dw = std::max(1, int(std::lround((x1 - x0) * scale)));
        const int dh = std::max(1, int(std::lround((y1 - y0) * scale)));
        cv::Mat scaled;
        cv::resize(roi, scaled, cv::Size(dw, dh), 0, 0,
                   scale < 1   ? cv::INTER_AREA
                   : scale < 2 ? cv::INTER_LINEAR
                               : cv::INTER_NEAREST);
        const int dx = int(std::lround(x0 * scale - ox));
        const int dy = int(std::lround(y0 * scale - oy));
        const cv::Rect target = cv::Rect(dx, dy, dw, dh) & cv::Rect(0, 0, vw, vh);
        if (target.area() > 0)
            scaled(cv::Rect(target.x - dx, target.y - dy, target.width, target.height)).copyTo(view(target));
    }
    RgbImage out;
    out.width = vw;
    out.height = vh;
    out.pixels.resize(size_t(vw) * size_t(vh) * 3);
    for (int y = 0; y < vh; ++y)
        std::memcpy(out.pixels.data() + size_t(y) * size_t(vw) * 3, view.ptr(y), size_t(vw) * 3);
    return out;
}

} // namespace

void PreviewRenderer::run(std::stop_token stop) {
    for (;;) {
        PreviewRequest req;
        {
            std::unique_lock lock(mutex_);
            if (!wake_.wait(lock, stop, [this] { return next_.has_value(); }))
                return;
            req = std::move(*next_);
            next_.reset();
        }
        PreviewImage out;
        out.serial = req.serial;
        out.pageId = req.page.id;
        out.version = versionOf(req.page, req.result);
        try {
            if (!decoded_ || decoded_->pageId != req.page.id || decoded_->version != out.version) {
                decoded_.reset(); // the old one's memory goes before the new one is made
                auto d = std::make_shared<Decoded>();
                d->pageId = req.page.id;
                d->version = out.version;
                try {
                    d->rgb = decode(req.page, req.result);
                } catch (const std::exception& e) {
                    d->error = e.what();
                }
                decoded_ = std::move(d);
            }
            if (!decoded_->error.empty())
                throw UnreadableFileError(decoded_->error);
            const cv::Mat& img = decoded_->rgb;
            out.imageWidth = img.cols;
            out.imageHeight = img.rows;
            out.scale = req.scale;
            out.originX = req.originX;
            out.originY = req.originY;
            if (out.scale <= 0) { // fit and centre
                out.scale = fitScale(img.cols, img.rows, req.viewWidth, req.viewHeight);
                out.originX = -(req.viewWidth - img.cols * out.scale) / 2;
                out.originY = -(req.viewHeight - img.rows * out.scale) / 2;
            }
            if (req.viewWidth > 0 && req.viewHeight > 0)
                out.view =
                    renderView(img, out.scale, out.originX, out.originY, req.viewWidth, req.viewHeight);
        } catch (const std::exception& e) {
            out.error = e.what();
        }
        if (stop.stop_requested())
            return;
        onReady_(std::move(out));
    }
}

} // namespace docdesk::gui
