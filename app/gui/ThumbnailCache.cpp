#include "app/gui/ThumbnailCache.h"

#include "app/gui/ImageBitmap.h"

namespace docdesk::gui {

ThumbnailCache::ThumbnailCache(wxWindow* owner, int maxEdge) : owner_(owner) {
    // The callback runs on a loader thread; CallAfter queues it for the UI thread. The cache is
    // a member of its window, so the loader is joined before the window goes, and wx drops
    // queued calls of a destroyed handler: no callback outlives the window.
    loader_ = std::make_unique<ThumbnailLoader>(maxEdge, [this](std::int64_t id, RgbImage img, std::string err) {
        owner_->CallAfter([this, id, img = std::move(img), err = std::move(err)]() mutable {
            if (img.empty())
                failures_[id] = std::move(err);
            else
                bitmaps_[id] = toBitmap(img);
            owner_->Refresh();
        });
    });
}

ThumbnailCache::~ThumbnailCache() { loader_.reset(); }

const wxBitmap* ThumbnailCache::find(const PageRecord& page) {
    if (auto it = bitmaps_.find(page.id); it != bitmaps_.end())
        return &it->second;
    if (!failed(page.id))
        loader_->request(page);
    return nullptr;
}

void ThumbnailCache::clear() {
    loader_->clear();
    bitmaps_.clear();
    failures_.clear();
}

} // namespace docdesk::gui
