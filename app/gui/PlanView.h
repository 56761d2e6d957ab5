#pragma once
// The filing plan drawn as documents: for each, a header (number, target name, why it starts,
// warnings) and its pages as thumbnails; separator sheets and blank pages left out are shown
// greyed where they were in the batch. One document and, within it, one page are selected;
// the panel around it acts on that selection (split here, merge with next, fields).
#include "app/gui/ThumbnailCache.h"
#include "core/model/Page.h"
#include "core/rules/FilingPlan.h"

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>
#include <wx/bitmap.h>
#include <wx/vscroll.h>

namespace docdesk::gui {

class PlanView : public wxVScrolledWindow {
  public:
    explicit PlanView(wxWindow* parent);
    ~PlanView() override;

    // Shows `plan` over `pages` (plan page index -> record, for thumbnails). Keeps the
    // selection where it still exists.
    void setPlan(const rules::FilingPlan& plan, const std::vector<rules::PlanPage>& planPages,
                 const std::vector<PageRecord>& pages);
    void clear();

    // The selected document, and the selected page's position within it (0 = its first page).
    std::optional<size_t> selectedDocument() const;
    size_t selectedPosition() const { return position_; }
    void select(size_t document, size_t position);

    // Called after the user changed the selection.
    std::function<void()> onSelectionChanged;

  private:
    struct Tile {
        size_t planPage = 0;
        bool dropped = false;
        size_t position = 0; // within the document's pages (for kept pages)
        wxString note;       // for dropped pages: why
    };
    wxCoord OnGetRowHeight(size_t row) const override;
    int tilesPerRow() const;
    void layout();
    void onPaint(wxPaintEvent& event);
    void onSize(wxSizeEvent& event);
    void onLeftDown(wxMouseEvent& event);
    void onKey(wxKeyEvent& event);
    void drawTile(wxDC& dc, const wxRect& box, const Tile& tile, bool selected);
    void moveSelection(int documentStep, int pageStep);

    rules::FilingPlan plan_;
    std::vector<rules::PlanPage> planPages_;
    std::vector<PageRecord> pages_;
    std::vector<std::vector<Tile>> tiles_; // per document
    size_t document_ = 0;
    size_t position_ = 0;
    ThumbnailCache thumbnails_; // last: its loader is stopped first on destruction
};

} // namespace docdesk::gui
