#pragma once
// The session's pages as a grid of thumbnails. Virtual: only the rows in view are drawn and
// only their thumbnails are requested, so thousands of pages stay smooth. Selection as in a
// file manager (click, Ctrl+click, Shift+click, arrows, Shift+arrows, Ctrl+A); dragging the
// selection asks the owner to move it (onMoveRequested) and shows where it would land.
#include "app/gui/ThumbnailCache.h"
#include "core/model/Page.h"

#include <functional>
#include <map>
#include <memory>
#include <optional>
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
    // The pages after an edit: the selection and the thumbnails of unchanged pages are kept.
    void updatePages(std::vector<PageRecord> pages);
    void appendPages(const std::vector<PageRecord>& pages);
    size_t pageCount() const { return pages_.size(); }
    std::vector<std::int64_t> allPageIds() const;
    // The selected pages in session order.
    std::vector<std::int64_t> selectedPageIds() const;
    // The page with the keyboard focus (the one the preview shows), if any.
    std::optional<PageRecord> currentPage() const;
    void selectAll();
    // Selects these pages (the first becomes current), e.g. after undoing a delete.
    void selectPages(const std::vector<std::int64_t>& ids);

    std::function<void()> onSelectionChanged;
    // The selected pages (session order) dragged before the page at this index.
    std::function<void(std::vector<std::int64_t>, int)> onMoveRequested;
    // Alt+Left/Right or Ctrl+Shift+Left/Right: the selection one place earlier (-1) or later (+1).
    std::function<void(int)> onShiftRequested;

  private:
    wxCoord OnGetRowHeight(size_t row) const override;
    void onPaint(wxPaintEvent& event);
    void drawDocumentTile(wxDC& dc, const wxRect& box, const PageRecord& page);
    void onSize(wxSizeEvent& event);
    void onLeftDown(wxMouseEvent& event);
    void onMotion(wxMouseEvent& event);
    void onLeftUp(wxMouseEvent& event);
    void onKeyDown(wxKeyEvent& event);
    void endDrag();
    int columns() const;
    void updateRowCount();
    int hitTest(const wxPoint& clientPoint) const;
    int dropIndexAt(const wxPoint& clientPoint) const;
    void setCurrent(int index, bool extend, bool toggle);
    void showIndex(int index);
    void selectionChanged();

    std::vector<PageRecord> pages_;
    std::set<std::int64_t> selected_;
    int current_ = -1;          // index with the keyboard focus
    int anchor_ = -1;           // where Shift+click and Shift+arrows extend from
    int pressed_ = -1;          // the page under a left click that may become a drag
    bool clickSelects_ = false; // a plain click on a selected page selects it alone on release
    wxPoint pressPoint_;
    bool dragging_ = false;
    int dropIndex_ = -1;
    ThumbnailCache thumbnails_; // last: its loader is stopped first on destruction
};

} // namespace docdesk::gui
