#pragma once
// The session's pages as a grid of thumbnails. Virtual: only the rows in view are drawn and
// only their thumbnails are requested, so thousands of pages stay smooth.
#include "app/gui/ThumbnailCache.h"
#include "core/model/Page.h"

#include <map>
#include <memory>
#include <set>
#include <vector>
#include <wx/bitmap.h>
#include <wx/dc.h>
#include <wx/vscroll.h>

namespace docdesk::gui {

class PageGridPanel : public wxVScrolledWindow {
public:
    explicit PageGridPanel(wxWindow* parent);
    ~PageGridPanel() override;

    void setPages(std::vector<PageRecord> pages);
    void appendPages(const std::vector<PageRecord>& pages);
    size_t pageCount() const { return pages_.size(); }
    std::vector<std::int64_t> selectedPageIds() const;

private:
    wxCoord OnGetRowHeight(size_t row) const override;
    void onPaint(wxPaintEvent& event);
    void drawDocumentTile(wxDC& dc, const wxRect& box, const PageRecord& page);
    void onSize(wxSizeEvent& event);
    void onLeftDown(wxMouseEvent& event);
    int columns() const;
    void updateRowCount();
    int hitTest(const wxPoint& clientPoint) const;

    std::vector<PageRecord> pages_;
    std::set<std::int64_t> selected_;
    ThumbnailCache thumbnails_; // last: its loader is stopped first on destruction
};

} // namespace docdesk::gui
