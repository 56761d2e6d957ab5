#pragma once
// Renders what the preview shows on a thread of its own: the page (its original turned by the
// page's rotation, or the page as it will be filed with all its edits) decoded once, then
// the part in view at the zoom asked for, at screen size. Only the newest request counts;
// older ones waiting are dropped. wx-free (the panel posts results to the UI thread).
#include "core/model/Image.h"
#include "core/model/Page.h"

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace docdesk::gui {

struct PreviewRequest {
    std::uint64_t serial = 0;
    PageRecord page;
    bool result = false; // the page as filed (every edit) instead of the turned original
    double scale = 0;    // screen pixels per image pixel; 0: fit the view
    double originX = 0;  // the view's top-left in scaled image pixels (negative: margin)
    double originY = 0;
    int viewWidth = 0;
    int viewHeight = 0;
};

struct PreviewImage {
    std::uint64_t serial = 0;
    std::int64_t pageId = 0;
    std::string version; // what the image shows (see PreviewRenderer::versionOf)
    int imageWidth = 0;  // the whole image, as shown (turned)
    int imageHeight = 0;
    double scale = 0; // as used (the fit when 0 was asked for)
    double originX = 0;
    double originY = 0;
    RgbImage view;     // viewWidth x viewHeight
    std::string error; // when the page cannot be shown
};

class PreviewRenderer {
  public:
    using Callback = std::function<void(PreviewImage)>;
    explicit PreviewRenderer(Callback onReady);
    // Joins the thread: no callback runs after this.
    ~PreviewRenderer();
    PreviewRenderer(const PreviewRenderer&) = delete;
    PreviewRenderer& operator=(const PreviewRenderer&) = delete;

    void request(PreviewRequest request);
    // Identifies the decoded image a request needs: the original turned (rotation only) or
    // the page with all its edits.
    static std::string versionOf(const PageRecord& page, bool result);
    // The scale and centring margin that fit an image into a view.
    static double fitScale(int imageWidth, int imageHeight, int viewWidth, int viewHeight);

  private:
    struct Decoded;
    void run(std::stop_token stop);

    Callback onReady_;
    std::mutex mutex_;
    std::condition_variable_any wake_;
    std::optional<PreviewRequest> next_;
    std::shared_ptr<Decoded> decoded_; // the last decoded page, used on the thread only
    std::jthread thread_;              // last
};

} // namespace docdesk::gui
