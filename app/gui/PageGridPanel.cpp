#include "app/gui/PageGridPanel.h"
#include "app/gui/ImageBitmap.h"

#include <algorithm>
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
}

PageGridPanel::~PageGridPanel() = default;

void PageGridPanel::setPages(std::vector<PageRecord> pages) {
    thumbnails_.clear();
    pages_ = std::move(pages);
    selected_.clear();
    updateRowCount();
}

void PageGridPanel::appendPages(const std::vector<PageRecord>& pages) {
    pages_.insert(pages_.end(), pages.begin(), pages.end());
    updateRowCount();
}

std::vector<std::int64_t> PageGridPanel::selectedPageIds() const {
    return {selected_.begin(), selected_.end()};
}

int PageGridPanel::columns() const {
    return std::max(1, GetClientSize().GetWidth() / kCellWidth);
}

void PageGridPanel::updateRowCount() {
    const size_t cols = static_cast<size_t>(columns());
    SetRowCount((pages_.size() + cols - 1) / cols);
    Refresh();
}

wxCoord PageGridPanel::OnGetRowHeight(size_t) const { return kCellHeight; }

void PageGridPanel::onSize(wxSizeEvent& event) {
    updateRowCount();
    event.Skip();
}

int PageGridPanel::hitTest(const wxPoint& p) const {
    const int cols = columns();
    const int col = p.x / kCellWidth;
    if (col >= cols)
        return -1;
    const int row = static_cast<int>(GetVisibleRowsBegin()) + p.y / kCellHeight;
    const size_t index = static_cast<size_t>(row) * static_cast<size_t>(cols) + static_cast<size_t>(col);
    return index < pages_.size() ? static_cast<int>(index) : -1;
}

void PageGridPanel::onLeftDown(wxMouseEvent& event) {
    SetFocus();
    const int index = hitTest(event.GetPosition());
    if (!event.ControlDown())
        selected_.clear();
    if (index >= 0) {
        const auto id = pages_[static_cast<size_t>(index)].id;
        if (event.ControlDown() && selected_.count(id))
            selected_.erase(id);
        else
            selected_.insert(id);
    }
    Refresh();
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
    dc.DrawLabel(_("filed as it is"), wxRect(sheet).Deflate(4, 8), wxALIGN_CENTER_HORIZONTAL | wxALIGN_BOTTOM);
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
            wxRect cell(col * kCellWidth, static_cast<int>(row - firstRow) * kCellHeight, kCellWidth, kCellHeight);
            const bool isSelected = selected_.count(page.id) > 0;
            if (isSelected) {
                dc.SetPen(*wxTRANSPARENT_PEN);
                dc.SetBrush(wxBrush(wxSystemSettings::GetColour(wxSYS_COLOUR_HIGHLIGHT)));
                dc.DrawRoundedRectangle(wxRect(cell).Deflate(3), 4);
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
                    dc.DrawLabel(_("Cannot show page"), thumbBox, wxALIGN_CENTER);
                }
            }
            wxString label = wxString::Format("%d  ", static_cast<int>(index + 1)) +
                             wxString::FromUTF8(std::filesystem::path(page.source).filename().string());
            if (page.sourcePage > 1 || page.mediaType == "application/pdf")
                label += wxString::Format(_(" p. %d"), page.sourcePage);
            dc.SetTextForeground(wxSystemSettings::GetColour(isSelected ? wxSYS_COLOUR_HIGHLIGHTTEXT : wxSYS_COLOUR_WINDOWTEXT));
            const wxRect labelBox(cell.x + 6, thumbBox.GetBottom() + 6, kCellWidth - 12, 20);
            dc.SetClippingRegion(labelBox);
            dc.DrawLabel(wxControl::Ellipsize(label, dc, wxELLIPSIZE_MIDDLE, labelBox.width), labelBox,
                         wxALIGN_CENTER_HORIZONTAL | wxALIGN_TOP);
            dc.DestroyClippingRegion();
        }
    }
}

} // namespace docdesk::gui
