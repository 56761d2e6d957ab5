#pragma once
// The thumbnails a window shows: asked for on first sight, made on background threads
// (ThumbnailLoader), kept as bitmaps, and the window repainted when one arrives. Used by the
// page grid and the plan view.
#include "app/gui/BackgroundTask.h"
#include "app/gui/ThumbnailLoader.h"

#include <map>
#include <memory>
#include <string>
#include <wx/bitmap.h>
#include <wx/window.h>

namespace docdesk::gui {

class ThumbnailCache {
  public:
    ThumbnailCache(wxWindow* owner, int maxEdge);
    // Joins the loader's threads: no result arrives after this.
    ~ThumbnailCache();
    ThumbnailCache(const ThumbnailCache&) = delete;
    ThumbnailCache& operator=(const ThumbnailCache&) = delete;

    // The page's thumbnail with its current edits; null while it is being made (it is
    // requested then, also after an edit) or when it could not be made (see failed()).
    const wxBitmap* find(const PageRecord& page);
    bool failed(std::int64_t pageId) const { return failures_.count(pageId) > 0; }
    // Forgets everything and drops queued requests (the pages were replaced).
    void clear();

  private:
    wxWindow* owner_;
    WindowQueue ui_; // before loader_: in use while the loader runs
    struct Thumbnail {
        wxBitmap bitmap;
        std::string transformsJson; // the edits it shows
    };
    std::map<std::int64_t, Thumbnail> bitmaps_;
    std::map<std::int64_t, std::string> failures_; // the edits it was tried with
    std::unique_ptr<ThumbnailLoader> loader_;
};

} // namespace docdesk::gui
