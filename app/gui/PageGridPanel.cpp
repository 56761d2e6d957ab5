#include "app/gui/PageGridPanel.h"

#include "app/gui/ImageBitmap.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <wx/control.h>
#include <wx/dcbuffer.h>
#include <wx/image.h>
#include <wx/settings.h>

namespace docdesk::gui {
namespace {

constexpr int kThumbEdge = 160;
constexpr int kCellWidth = kThumbEdge + 28;
constexpr int kCellHeight = kThumbEdge + 52;

} // namespace

PageGridPanel::PageGridPanel(wxWindow* parent)
    : wxVScrolledWindow(parent, wxID_ANY, wxDefaultPosition, wxDefaultSize, wxWANTS_CHARS),
      thumbnails_(this, kThumbEdge) {
    SetName(_("Pages"));
    SetBackgroundStyle(wxBG_STYLE_PAINT);
    SetRowCount(0);
    Bind(wxEVT_PAINT, &PageGridPanel::onPaint, this);
    Bind(wxEVT_SIZE, &PageGridPanel::onSize, this);
    Bind(wxEVT_LEFT_DOWN, &PageGridPanel::onLeftDown, this);
    Bind(wxEVT_LEFT_DCLICK, &PageGridPanel::onLeftDown, this);
    Bind(wxEVT_MOTION, &PageGridPanel::onMotion, this);
    Bind(wxEVT_LEFT_UP, &PageGridPanel::onLeftUp, this);
    Bind(wxEVT_KEY_DOWN, &PageGridPanel::onKeyDown, this);
    Bind(wxEVT_SET_FOCUS, [this](wxFocusEvent& e) {
        Refresh();
        e.Skip();
    });
    Bind(wxEVT_KILL_FOCUS, [this](wxFocusEvent& e) {
        Refresh();
        e.Skip();
    });
    Bind(wxEVT_MOUSE_CAPTURE_LOST, [this](wxMouseCaptureLostEvent&) {
        dragging_ = false;
        dropIndex_ = -1;
        pressed_ = -1;
        Refresh();
    });
}

PageGridPanel::~PageGridPanel() = default;

void PageGridPanel::setPages(std::vector<PageRecord> pages) {
    thumbnails_.clear();
    pages_ = std::move(pages);
    selected_.clear();
    current_ = anchor_ = pages_.empty() ? -1 : 0; // the preview shows the first page
    updateRowCount();
    selectionChanged();
}

void PageGridPanel::updatePages(std::vector<PageRecord> pages) {
    const std::optional<std::int64_t> currentId =
        current_ >= 0 && static_cast<size_t>(current_) < pages_.size()
            ? std::optional(pages_[size_t(current_)].id)
            : std::nullopt;
    const int oldCurrent = current_;
    pages_ = std::move(pages);
    std::set<std::int64_t> still;
    current_ = -1;
    for (size_t i = 0; i < pages_.size(); ++i) {
        if (selected_.count(pages_[i].id))
            still.insert(pages_[i].id);
        if (currentId && pages_[i].id == *currentId)
            current_ = static_cast<int>(i);
    }
    selected_ = std::move(still);
    if (current_ < 0 && !pages_.empty()) { // the current page went: its neighbour takes over
        current_ = std::clamp(oldCurrent, 0, static_cast<int>(pages_.size()) - 1);
        if (selected_.empty() && oldCurrent >= 0)
            selected_.insert(pages_[size_t(current_)].id);
    }
    anchor_ = current_;
    updateRowCount();
    selectionChanged();
}

void PageGridPanel::appendPages(const std::vector<PageRecord>& pages) {
    const bool wasEmpty = pages_.empty();
    // An edit's report may have brought these pages already (it read the session after they
    // were stored): each page is shown once.
    std::set<std::int64_t> known;
    for (const auto& p : pages_)
        known.insert(p.id);
    for (const auto& p : pages)
        if (!known.count(p.id))
            pages_.push_back(p);
    updateRowCount();
    if (wasEmpty && !pages_.empty()) {
        current_ = anchor_ = 0;
        selectionChanged();
    }
}

std::vector<std::int64_t> PageGridPanel::allPageIds() const {
    std::vector<std::int64_t> ids;
    for (const auto& p : pages_)
        ids.push_back(p.id);
    return ids;
}

std::vector<std::int64_t> PageGridPanel::selectedPageIds() const {
    std::vector<std::int64_t> ids;
    for (const auto& p : pages_)
        if (selected_.count(p.id))
            ids.push_back(p.id);
    return ids;
}

std::optional<PageRecord> PageGridPanel::currentPage() const {
    if (current_ < 0 || static_cast<size_t>(current_) >= pages_.size())
        return std::nullopt;
    return pages_[static_cast<size_t>(current_)];
}

void PageGridPanel::selectAll() {
    for (const auto& p : pages_)
        selected_.insert(p.id);
    Refresh();
    selectionChanged();
}

void PageGridPanel::selectPages(const std::vector<std::int64_t>& ids) {
    const std::set<std::int64_t> wanted(ids.begin(), ids.end());
    std::set<std::int64_t> found;
    int first = -1;
    for (size_t i = 0; i < pages_.size(); ++i) {
        if (wanted.count(pages_[i].id)) {
            found.insert(pages_[i].id);
            if (first < 0)
                first = static_cast<int>(i);
        }
    }
    if (found.empty())
        return;
    selected_ = std::move(found);
    current_ = anchor_ = first;
    showIndex(first);
    Refresh();
    selectionChanged();
}

void PageGridPanel::selectionChanged() {
    if (onSelectionChanged)
        onSelectionChanged();
}

int PageGridPanel::columns() const {
    return std::max(1, GetClientSize().GetWidth() / kCellWidth);
}

void PageGridPanel::updateRowCount() {
    const size_t cols = static_cast<size_t>(columns());
    SetRowCount((pages_.size() + cols - 1) / cols);
    Refresh();
}

wxCoord PageGridPanel::OnGetRowHeight(size_t) const {
    return kCellHeight;
}

void PageGridPanel::onSize(wxSizeEvent& event) {
    updateRowCount();
    event.Skip();
}

int PageGridPanel::hitTest(const wxPoint& p) const {
    const int cols = columns();
    const int col = p.x / kCellWidth;
    if (col >= cols || p.y < 0)
        return -1;
    const int row = static_cast<int>(GetVisibleRowsBegin()) + p.y / kCellHeight;
    const size_t index = static_cast<size_t>(row) * static_cast<size_t>(cols) + static_cast<size_t>(col);
    return index < pages_.size() ? static_cast<int>(index) : -1;
}

// The gap a dragged selection would land in: before the cell under the pointer, or after it
// when the pointer is on the cell's right half.
int PageGridPanel::dropIndexAt(const wxPoint& p) const {
    const int cols = columns();
    const int col = std::clamp(p.x / kCellWidth, 0, cols - 1);
    const int row = static_cast<int>(GetVisibleRowsBegin()) + std::max(0, p.y) / kCellHeight;
    int index = row * cols + col + ((p.x % kCellWidth) > kCellWidth / 2 || p.x >= cols * kCellWidth ? 1 : 0);
    return std::clamp(index, 0, static_cast<int>(pages_.size()));
}

void PageGridPanel::showIndex(int index) {
    if (index < 0)
        return;
    const size_t row = static_cast<size_t>(index / columns());
    if (row < GetVisibleRowsBegin())
        ScrollToRow(row);
    else if (row + 1 >= GetVisibleRowsEnd() && GetVisibleRowsEnd() > GetVisibleRowsBegin())
        ScrollToRow(row + 1 - std::max<size_t>(1, GetClientSize().GetHeight() / kCellHeight));
}

// Moves the focus to `index`: alone, extending from the anchor (Shift), or toggling (Ctrl).
void PageGridPanel::setCurrent(int index, bool extend, bool toggle) {
    if (index < 0 || static_cast<size_t>(index) >= pages_.size())
        return;
    const auto id = pages_[static_cast<size_t>(index)].id;
    if (extend && anchor_ >= 0) {
        if (!toggle)
            selected_.clear();
        for (int i = std::min(anchor_, index); i <= std::max(anchor_, index); ++i)
            selected_.insert(pages_[static_cast<size_t>(i)].id);
    } else if (toggle) {
        if (!selected_.erase(id))
            selected_.insert(id);
        anchor_ = index;
    } else {
        selected_ = {id};
        anchor_ = index;
    }
    current_ = index;
    showIndex(index);
    Refresh();
    selectionChanged();
}

void PageGridPanel::onLeftDown(wxMouseEvent& event) {
    SetFocus();
    const int index = hitTest(event.GetPosition());
    pressed_ = -1;
    clickSelects_ = false;
    if (index < 0) {
        if (!event.ControlDown() && !event.ShiftDown()) {
            selected_.clear();
            Refresh();
            selectionChanged();
        }
        return;
    }
    const auto id = pages_[static_cast<size_t>(index)].id;
    if (!event.ControlDown() && !event.ShiftDown() && selected_.count(id)) {
        // Maybe the start of dragging the whole selection: decided on release or motion.
        current_ = index;
        clickSelects_ = true;
        Refresh();
        selectionChanged();
    } else {
        setCurrent(index, event.ShiftDown(), event.ControlDown());
    }
    if (selected_.count(id)) {
        pressed_ = index;
        pressPoint_ = event.GetPosition();
    }
}

void PageGridPanel::onMotion(wxMouseEvent& event) {
    if (pressed_ < 0 || !event.LeftIsDown())
        return;
    const wxPoint p = event.GetPosition();
    if (!dragging_) {
        if (std::abs(p.x - pressPoint_.x) + std::abs(p.y - pressPoint_.y) < 8)
            return;
        dragging_ = true;
        clickSelects_ = false;
        CaptureMouse();
    }
    // Near the top or bottom edge the grid scrolls, so a page can travel far.
    if (p.y < 12 && GetVisibleRowsBegin() > 0)
        ScrollRows(-1);
    else if (p.y > GetClientSize().GetHeight() - 12)
        ScrollRows(1);
    const int drop = dropIndexAt(p);
    if (drop != dropIndex_) {
        dropIndex_ = drop;
        Refresh();
    }
}

void PageGridPanel::endDrag() {
    if (HasCapture())
        ReleaseMouse();
    dragging_ = false;
    dropIndex_ = -1;
    pressed_ = -1;
    Refresh();
}

void PageGridPanel::onLeftUp(wxMouseEvent& event) {
    if (dragging_) {
        const int drop = dropIndexAt(event.GetPosition());
        endDrag();
        if (onMoveRequested)
            onMoveRequested(selectedPageIds(), drop);
        return;
    }
    if (clickSelects_ && pressed_ >= 0)
        setCurrent(pressed_, false, false);
    clickSelects_ = false;
    pressed_ = -1;
}

void PageGridPanel::onKeyDown(wxKeyEvent& event) {
    if (pages_.empty()) {
        event.Skip();
        return;
    }
    const int cols = columns();
    const int rowsInView = std::max(1, GetClientSize().GetHeight() / kCellHeight);
    const int last = static_cast<int>(pages_.size()) - 1;
    const int from = current_ < 0 ? 0 : current_;
    int to = -1;
    switch (event.GetKeyCode()) {
    case WXK_LEFT:
        to = from - 1;
        break;
    case WXK_RIGHT:
        to = from + 1;
        break;
    case WXK_UP:
        to = from - cols;
        break;
    case WXK_DOWN:
        to = from + cols;
        break;
    case WXK_PAGEUP:
        to = from - cols * rowsInView;
        break;
    case WXK_PAGEDOWN:
        to = from + cols * rowsInView;
        break;
    case WXK_HOME:
        to = 0;
        break;
    case WXK_END:
        to = last;
        break;
    case WXK_ESCAPE:
        if (dragging_) {
            endDrag();
            return;
        }
        event.Skip();
        return;
    default:
        event.Skip(); // Delete, Ctrl+A, Alt+arrows... are the Edit menu's
        return;
    }
    const bool moveKeys = event.AltDown() || (event.ControlDown() && event.ShiftDown());
    if (moveKeys && (event.GetKeyCode() == WXK_LEFT || event.GetKeyCode() == WXK_RIGHT)) {
        // Handled here rather than by the menu's accelerator, which GTK does not always see.
        if (onShiftRequested)
            onShiftRequested(event.GetKeyCode() == WXK_LEFT ? -1 : +1);
        return;
    }
    if (event.AltDown()) {
        event.Skip();
        return;
    }
    setCurrent(std::clamp(to, 0, last), event.ShiftDown(), false);
}

// A pass-through document has no page image: a sheet with a folded corner and its type.
void PageGridPanel::drawDocumentTile(wxDC& dc, const wxRect& box, const PageRecord& page) {
    const wxRect sheet = wxRect(box).Deflate(30, 10);
    const int fold = 24;
    const wxPoint outline[] = {{sheet.GetLeft(), sheet.GetTop()},
                               {sheet.GetRight() - fold, sheet.GetTop()},
                               {sheet.GetRight(), sheet.GetTop() + fold},
                               {sheet.GetRight(), sheet.GetBottom()},
                               {sheet.GetLeft(), sheet.GetBottom()}};
    dc.SetPen(wxPen(wxSystemSettings::GetColour(wxSYS_COLOUR_GRAYTEXT)));
    dc.SetBrush(wxBrush(wxSystemSettings::GetColour(wxSYS_COLOUR_WINDOW)));
    dc.DrawPolygon(5, outline);
    dc.DrawLine(sheet.GetRight() - fold, sheet.GetTop(), sheet.GetRight() - fold, sheet.GetTop() + fold);
    dc.DrawLine(sheet.GetRight() - fold, sheet.GetTop() + fold, sheet.GetRight(), sheet.GetTop() + fold);
    wxString extension = wxString::FromUTF8(std::filesystem::path(page.source).extension().string());
    extension = extension.Mid(1).Upper();
    if (extension.empty())
        extension = _("File");
    dc.SetTextForeground(wxSystemSettings::GetColour(wxSYS_COLOUR_WINDOWTEXT));
    dc.DrawLabel(extension, sheet, wxALIGN_CENTER);
    dc.SetTextForeground(wxSystemSettings::GetColour(wxSYS_COLOUR_GRAYTEXT));
    dc.DrawLabel(_("filed as it is"), wxRect(sheet).Deflate(4, 8),
                 wxALIGN_CENTER_HORIZONTAL | wxALIGN_BOTTOM);
}

void PageGridPanel::onPaint(wxPaintEvent&) {
    wxAutoBufferedPaintDC dc(this);
    const wxColour background = wxSystemSettings::GetColour(wxSYS_COLOUR_APPWORKSPACE);
    dc.SetBackground(wxBrush(background));
    dc.Clear();
    if (pages_.empty()) {
        dc.SetTextForeground(wxSystemSettings::GetColour(wxSYS_COLOUR_GRAYTEXT));
        const wxString hint = _("Drop files here, or use File > Open (Ctrl+O).");
        const wxSize ext = dc.GetTextExtent(hint);
        const wxSize sz = GetClientSize();
        dc.DrawText(hint, (sz.x - ext.x) / 2, (sz.y - ext.y) / 2);
        return;
    }
    const int cols = columns();
    const size_t firstRow = GetVisibleRowsBegin();
    const size_t lastRow = GetVisibleRowsEnd();
    dc.SetFont(GetFont());
    for (size_t row = firstRow; row < lastRow; ++row) {
        for (int col = 0; col < cols; ++col) {
            const size_t index = row * static_cast<size_t>(cols) + static_cast<size_t>(col);
            if (index >= pages_.size())
                break;
            const PageRecord& page = pages_[index];
            wxRect cell(col * kCellWidth, static_cast<int>(row - firstRow) * kCellHeight, kCellWidth,
                        kCellHeight);
            const bool isSelected = selected_.count(page.id) > 0;
            if (isSelected) {
                dc.SetPen(*wxTRANSPARENT_PEN);
                dc.SetBrush(wxBrush(wxSystemSettings::GetColour(wxSYS_COLOUR_HIGHLIGHT)));
                dc.DrawRoundedRectangle(wxRect(cell).Deflate(3), 4);
            }
            if (static_cast<int>(index) == current_ && HasFocus()) {
                dc.SetPen(wxPen(wxSystemSettings::GetColour(wxSYS_COLOUR_HIGHLIGHT), 1, wxPENSTYLE_DOT));
                dc.SetBrush(*wxTRANSPARENT_BRUSH);
                dc.DrawRoundedRectangle(wxRect(cell).Deflate(1), 4);
            }
            wxRect thumbBox(cell.x + 14, cell.y + 10, kThumbEdge, kThumbEdge);
            if (page.isPassThrough()) {
                drawDocumentTile(dc, thumbBox, page);
            } else if (const wxBitmap* bmp = thumbnails_.find(page)) {
                drawFramedBitmap(dc, *bmp, thumbBox);
            } else {
                dc.SetPen(wxPen(wxSystemSettings::GetColour(wxSYS_COLOUR_GRAYTEXT)));
                dc.SetBrush(wxBrush(wxSystemSettings::GetColour(wxSYS_COLOUR_WINDOW)));
                dc.DrawRectangle(wxRect(thumbBox).Deflate(20, 0));
                if (thumbnails_.failed(page.id)) {
                    dc.SetTextForeground(*wxRED);
                    dc.DrawLabel(_("Could not be read"), thumbBox, wxALIGN_CENTER);
                }
            }
            wxString label = wxString::Format("%d  ", static_cast<int>(index + 1)) +
                             wxString::FromUTF8(std::filesystem::path(page.source).filename().string());
            if (page.sourcePage > 1 || page.mediaType == "application/pdf")
                label += wxString::Format(_(" p. %d"), page.sourcePage);
            dc.SetTextForeground(wxSystemSettings::GetColour(isSelected ? wxSYS_COLOUR_HIGHLIGHTTEXT
                                                                        : wxSYS_COLOUR_WINDOWTEXT));
            const wxRect labelBox(cell.x + 6, thumbBox.GetBottom() + 6, kCellWidth - 12, 20);
            dc.SetClippingRegion(labelBox);
            dc.DrawLabel(wxControl::Ellipsize(label, dc, wxELLIPSIZE_MIDDLE, labelBox.width), labelBox,
                         wxALIGN_CENTER_HORIZONTAL | wxALIGN_TOP);
            dc.DestroyClippingRegion();
        }
    }
    if (dragging_ && dropIndex_ >= 0) { // where the dragged pages would land
        const int row = dropIndex_ / cols - static_cast<int>(firstRow);
        int col = dropIndex_ % cols;
        int rowY = row * kCellHeight;
        if (col == 0 && dropIndex_ > 0 && dropIndex_ == static_cast<int>(pages_.size()) &&
            pages_.size() % size_t(cols) == 0) {
            col = cols; // after the last page of a full row
            rowY -= kCellHeight;
        }
        dc.SetPen(*wxTRANSPARENT_PEN);
        dc.SetBrush(wxBrush(wxSystemSettings::GetColour(wxSYS_COLOUR_HIGHLIGHT)));
        dc.DrawRectangle(col * kCellWidth - 2, rowY + 4, 5, kCellHeight - 8);
    }
}

} // namespace docdesk::gui
