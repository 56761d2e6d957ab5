#include "app/gui/ThumbnailCache.h"

#include "app/gui/ImageBitmap.h"

namespace docdesk::gui {

ThumbnailCache::ThumbnailCache(wxWindow* owner, int maxEdge) : owner_(owner), ui_(owner) {
    // The callback runs on a loader thread; the window's queue takes it to the UI thread. The
    // cache is a member of its window, so the loader is joined before the window goes, and the
    // queue drops calls for a window that is gone: no callback outlives the window.
    loader_ = std::make_unique<ThumbnailLoader>(
        maxEdge, [this](std::int64_t id, std::string version, RgbImage img, std::string) {
            ui_.post([this, id, version = std::move(version), img = std::move(img)]() mutable {
                if (img.empty()) {
                    failures_[id] = std::move(version);
                } else {
                    bitmaps_[id] = {toBitmap(img), std::move(version)};
                    failures_.erase(id);
                }
                owner_->Refresh();
            });
        });
}

ThumbnailCache::~ThumbnailCache() {
    loader_.reset();
}

const wxBitmap* ThumbnailCache::find(const PageRecord& page) {
    // A thumbnail of other edits is not shown: the page is drawn empty until the new one comes.
    if (auto it = bitmaps_.find(page.id);
        it != bitmaps_.end() && it->second.transformsJson == page.transformsJson)
        return &it->second.bitmap;
    if (auto it = failures_.find(page.id); it == failures_.end() || it->second != page.transformsJson)
        loader_->request(page);
    return nullptr;
}

void ThumbnailCache::clear() {
    loader_->clear();
    bitmaps_.clear();
    failures_.clear();
}

} // namespace docdesk::gui
