#pragma once
// Makes page thumbnails on background threads. Requests for pages the user is looking at
// jump the queue (last requested, first served); results are handed to a callback on the
// worker thread, which the GUI forwards to the UI thread. wx-free, so it is testable alone.
// A thumbnail shows the page's edits (rotation and grey modes; crop and deskew too, by
// rendering the page as it will be filed); each result names the transforms it was made for,
// so a thumbnail made before an edit is never taken for the edited page.
#include "core/model/Image.h"
#include "core/model/Page.h"

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace docdesk::gui {

class ThumbnailLoader {
  public:
    // `onReady(pageId, transformsJson, image, error)` runs on a worker thread; image is empty
    // on error.
    using Callback = std::function<void(std::int64_t, std::string, RgbImage, std::string)>;
    ThumbnailLoader(int maxEdge, Callback onReady, int threads = 2);
    ThumbnailLoader(const ThumbnailLoader&) = delete;
    ThumbnailLoader& operator=(const ThumbnailLoader&) = delete;
    // Stops and joins the threads; no callback runs after it returns.
    ~ThumbnailLoader();

    // Queues a page unless it is queued or being made already.
    void request(const PageRecord& page);
    // Drops queued requests (e.g. when the session is replaced).
    void clear();

  private:
    void run(std::stop_token stop);

    const int maxEdge_;
    Callback onReady_;
    std::mutex mutex_;
    std::condition_variable_any wake_;
    std::deque<PageRecord> queue_;
    std::set<std::int64_t> pending_;
    std::vector<std::jthread> threads_;
};

} // namespace docdesk::gui
