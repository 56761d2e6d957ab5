#include "app/gui/PlanView.h"

#include "app/gui/ImageBitmap.h"

#include <algorithm>
#include <cstring>
#include <wx/control.h>
#include <wx/dcbuffer.h>
#include <wx/image.h>
#include <wx/settings.h>

namespace docdesk::gui {
namespace {

constexpr int kThumbEdge = 110;
constexpr int kTileWidth = kThumbEdge + 20;
constexpr int kTileHeight = kThumbEdge + 34;
constexpr int kHeaderHeight = 50;
constexpr int kMargin = 8;

wxBitmap greyed(const wxBitmap& bitmap) {
    return wxBitmap(bitmap.ConvertToImage().ConvertToGreyscale().ConvertToDisabled(255));
}

wxString droppedNote(const rules::DroppedPage& d) {
    if (d.reason == rules::DropReason::Blank)
        return _("blank page");
    return d.value.empty() ? _("separator")
                           : wxString::Format(_("separator %s"), wxString::FromUTF8(d.value));
}

} // namespace

PlanView::PlanView(wxWindow* parent)
    : wxVScrolledWindow(parent, wxID_ANY, wxDefaultPosition, wxDefaultSize, wxWANTS_CHARS),
      thumbnails_(this, kThumbEdge) {
    SetName(_("Filing plan"));
    SetBackgroundStyle(wxBG_STYLE_PAINT);
    SetRowCount(0);
    Bind(wxEVT_PAINT, &PlanView::onPaint, this);
    Bind(wxEVT_SIZE, &PlanView::onSize, this);
    Bind(wxEVT_LEFT_DOWN, &PlanView::onLeftDown, this);
    Bind(wxEVT_KEY_DOWN, &PlanView::onKey, this);
}

PlanView::~PlanView() = default;

void PlanView::setPlan(const rules::FilingPlan& plan, const std::vector<rules::PlanPage>& planPages,
                       const std::vector<PageRecord>& pages) {
    plan_ = plan;
    planPages_ = planPages;
    pages_ = pages;
    tiles_.assign(plan_.documents.size(), {});
    for (size_t d = 0; d < plan_.documents.size(); ++d) {
        const auto& doc = plan_.documents[d];
        for (size_t i = 0; i < doc.pages.size(); ++i)
            tiles_[d].push_back({doc.pages[i], false, i, {}});
    }
    // A page left out is shown before the document that follows it in the batch (a trailing
    // one after the last document), where the operator saw it in the stack.
    for (const auto& dropped : plan_.dropped) {
        if (plan_.documents.empty())
            break;
        size_t target = plan_.documents.size() - 1;
        bool before = false;
        for (size_t d = 0; d < plan_.documents.size(); ++d) {
            if (plan_.documents[d].pages.front() > dropped.page) {
                target = d;
                before = true;
                break;
            }
        }
        Tile tile{dropped.page, true, 0, droppedNote(dropped)};
        auto& row = tiles_[target];
        if (before) {
            const auto firstKept =
                std::find_if(row.begin(), row.end(), [](const Tile& t) { return !t.dropped; });
            // Keep several dropped pages before one document in batch order.
            auto at = row.begin();
            while (at != firstKept && at->planPage < dropped.page)
                ++at;
            row.insert(at, tile);
        } else {
            row.push_back(tile);
        }
    }
    if (document_ >= plan_.documents.size()) {
        document_ = plan_.documents.empty() ? 0 : plan_.documents.size() - 1;
        position_ = 0;
    }
    if (!plan_.documents.empty() && position_ >= plan_.documents[document_].pages.size())
        position_ = plan_.documents[document_].pages.size() - 1;
    layout();
}

void PlanView::clear() {
    thumbnails_.clear();
    plan_ = {};
    planPages_.clear();
    pages_.clear();
    tiles_.clear();
    document_ = position_ = 0;
    layout();
}

std::optional<size_t> PlanView::selectedDocument() const {
    if (plan_.documents.empty())
        return std::nullopt;
    return document_;
}

void PlanView::select(size_t document, size_t position) {
    if (document >= plan_.documents.size())
        return;
    document_ = document;
    position_ = std::min(position, plan_.documents[document].pages.size() - 1);
    if (!IsRowVisible(document_))
        ScrollToRow(document_);
    Refresh();
    if (onSelectionChanged)
        onSelectionChanged();
}

int PlanView::tilesPerRow() const {
    return std::max(1, (GetClientSize().GetWidth() - 2 * kMargin) / kTileWidth);
}

wxCoord PlanView::OnGetRowHeight(size_t row) const {
    if (row >= tiles_.size())
        return kHeaderHeight;
    const size_t perRow = static_cast<size_t>(tilesPerRow());
    const size_t lines = (tiles_[row].size() + perRow - 1) / perRow;
    return kHeaderHeight + static_cast<int>(lines) * kTileHeight + kMargin;
}

void PlanView::layout() {
    SetRowCount(tiles_.size());
    RefreshAll();
    Refresh();
}

void PlanView::onSize(wxSizeEvent& event) {
    layout();
    event.Skip();
}

void PlanView::drawTile(wxDC& dc, const wxRect& box, const Tile& tile, bool selected) {
    if (selected) {
        dc.SetPen(*wxTRANSPARENT_PEN);
        dc.SetBrush(wxBrush(wxSystemSettings::GetColour(wxSYS_COLOUR_HIGHLIGHT)));
        dc.DrawRoundedRectangle(wxRect(box).Deflate(2), 4);
    }
    const wxRect thumbBox(box.x + 10, box.y + 6, kThumbEdge, kThumbEdge);
    const PageRecord& page = pages_.at(tile.planPage);
    if (const wxBitmap* bmp = thumbnails_.find(page)) {
        drawFramedBitmap(dc, tile.dropped ? greyed(*bmp) : *bmp, thumbBox);
    } else {
        dc.SetPen(wxPen(wxSystemSettings::GetColour(wxSYS_COLOUR_GRAYTEXT)));
        dc.SetBrush(wxBrush(wxSystemSettings::GetColour(wxSYS_COLOUR_WINDOW)));
        dc.DrawRectangle(wxRect(thumbBox).Deflate(14, 0));
    }
    if (tile.dropped) {
        // Left out of every document: a veil over the sheet says so at a glance.
        dc.SetPen(*wxTRANSPARENT_PEN);
        dc.SetBrush(wxBrush(wxColour(128, 128, 128, 110)));
        dc.DrawRectangle(wxRect(thumbBox).Deflate(8, 0));
        dc.SetTextForeground(*wxWHITE);
        dc.DrawLabel(_("left out"), thumbBox, wxALIGN_CENTER);
    }
    const rules::PlanPage& pp = planPages_.at(tile.planPage);
    const wxRect labelBox(box.x + 2, thumbBox.GetBottom() + 4, box.width - 4, 18);
    const wxString full =
        tile.dropped ? tile.note : wxString::Format(_("p. %d · %s"), pp.page, wxString::FromUTF8(pp.source));
    const wxString label = wxControl::Ellipsize(full, dc, wxELLIPSIZE_END, labelBox.width);
    dc.SetTextForeground(wxSystemSettings::GetColour(selected       ? wxSYS_COLOUR_HIGHLIGHTTEXT
                                                     : tile.dropped ? wxSYS_COLOUR_GRAYTEXT
                                                                    : wxSYS_COLOUR_WINDOWTEXT));
    dc.SetClippingRegion(labelBox);
    dc.DrawLabel(label, labelBox, wxALIGN_CENTER_HORIZONTAL | wxALIGN_TOP);
    dc.DestroyClippingRegion();
}

void PlanView::onPaint(wxPaintEvent&) {
    wxAutoBufferedPaintDC dc(this);
    dc.SetBackground(wxBrush(wxSystemSettings::GetColour(wxSYS_COLOUR_APPWORKSPACE)));
    dc.Clear();
    dc.SetFont(GetFont());
    const wxSize client = GetClientSize();
    if (tiles_.empty()) {
        dc.SetTextForeground(wxSystemSettings::GetColour(wxSYS_COLOUR_GRAYTEXT));
        const wxString hint =
            _("No documents yet. Capture pages, then press F5 to plan them into documents.");
        const wxSize ext = dc.GetTextExtent(hint);
        dc.DrawText(hint, std::max(kMargin, (client.x - ext.x) / 2), (client.y - ext.y) / 2);
        return;
    }
    const int perRow = tilesPerRow();
    wxFont bold = GetFont();
    bold.MakeBold();
    int y = 0;
    for (size_t d = GetVisibleRowsBegin(); d < GetVisibleRowsEnd() && d < tiles_.size(); ++d) {
        const auto& doc = plan_.documents[d];
        const int height = OnGetRowHeight(d);
        const wxRect band(kMargin / 2, y + 2, client.x - kMargin, height - 4);
        dc.SetPen(wxPen(
            wxSystemSettings::GetColour(d == document_ ? wxSYS_COLOUR_HIGHLIGHT : wxSYS_COLOUR_BTNSHADOW),
            d == document_ ? 2 : 1));
        dc.SetBrush(wxBrush(wxSystemSettings::GetColour(wxSYS_COLOUR_WINDOW)));
        dc.DrawRoundedRectangle(band, 5);

        dc.SetFont(bold);
        dc.SetTextForeground(wxSystemSettings::GetColour(wxSYS_COLOUR_WINDOWTEXT));
        const wxString title = wxString::Format(
            wxPLURAL("Document %zu · %zu page → %s", "Document %zu · %zu pages → %s", doc.pages.size()),
            d + 1, doc.pages.size(), wxString::FromUTF8(doc.relativePath()));
        dc.DrawText(title, band.x + kMargin, band.y + 6);
        dc.SetFont(GetFont());
        wxString reason =
            wxString::Format(_("Starts: %s"), wxString::FromUTF8(rules::describe(doc.startsBecause)));
        dc.SetTextForeground(wxSystemSettings::GetColour(wxSYS_COLOUR_GRAYTEXT));
        dc.DrawText(reason, band.x + kMargin, band.y + 26);
        if (!doc.warnings.empty()) {
            const int x = band.x + kMargin + dc.GetTextExtent(reason).x + 24;
            dc.SetTextForeground(wxColour(190, 100, 0));
            wxString warning = wxString::FromUTF8(doc.warnings.front());
            if (doc.warnings.size() > 1)
                warning += wxString::Format(_(" (+%zu more)"), doc.warnings.size() - 1);
            dc.DrawText(wxString::FromUTF8("⚠ ") + warning, x, band.y + 26);
        }
        const auto& tiles = tiles_[d];
        for (size_t t = 0; t < tiles.size(); ++t) {
            const int col = static_cast<int>(t % static_cast<size_t>(perRow));
            const int line = static_cast<int>(t / static_cast<size_t>(perRow));
            const wxRect box(kMargin + col * kTileWidth, y + kHeaderHeight + line * kTileHeight, kTileWidth,
                             kTileHeight);
            const bool selected = d == document_ && !tiles[t].dropped && tiles[t].position == position_;
            drawTile(dc, box, tiles[t], selected);
        }
        y += height;
    }
}

void PlanView::onLeftDown(wxMouseEvent& event) {
    SetFocus();
    const wxPoint p = event.GetPosition();
    int y = 0;
    const int perRow = tilesPerRow();
    for (size_t d = GetVisibleRowsBegin(); d < GetVisibleRowsEnd() && d < tiles_.size(); ++d) {
        const int height = OnGetRowHeight(d);
        if (p.y >= y && p.y < y + height) {
            size_t position = 0;
            const int inTiles = p.y - y - kHeaderHeight;
            if (inTiles >= 0 && p.x >= kMargin) {
                const int col = (p.x - kMargin) / kTileWidth;
                const size_t t = static_cast<size_t>(inTiles / kTileHeight) * static_cast<size_t>(perRow) +
                                 static_cast<size_t>(col);
                if (col < perRow && t < tiles_[d].size() && !tiles_[d][t].dropped)
                    position = tiles_[d][t].position;
            }
            select(d, position);
            return;
        }
        y += height;
    }
}

void PlanView::moveSelection(int documentStep, int pageStep) {
    if (plan_.documents.empty())
        return;
    long d = static_cast<long>(document_);
    long pos = static_cast<long>(position_);
    if (documentStep != 0) {
        d = std::clamp(d + documentStep, 0L, static_cast<long>(plan_.documents.size()) - 1);
        pos = 0;
    } else {
        pos += pageStep;
        if (pos < 0 && d > 0) {
            --d;
            pos = static_cast<long>(plan_.documents[static_cast<size_t>(d)].pages.size()) - 1;
        } else if (pos >= static_cast<long>(plan_.documents[static_cast<size_t>(d)].pages.size()) &&
                   d + 1 < static_cast<long>(plan_.documents.size())) {
            ++d;
            pos = 0;
        }
        pos =
            std::clamp(pos, 0L, static_cast<long>(plan_.documents[static_cast<size_t>(d)].pages.size()) - 1);
    }
    select(static_cast<size_t>(d), static_cast<size_t>(pos));
}

void PlanView::onKey(wxKeyEvent& event) {
    switch (event.GetKeyCode()) {
    case WXK_LEFT:
        moveSelection(0, -1);
        break;
    case WXK_RIGHT:
        moveSelection(0, 1);
        break;
    case WXK_UP:
        moveSelection(-1, 0);
        break;
    case WXK_DOWN:
        moveSelection(1, 0);
        break;
    default:
        event.Skip();
    }
}

} // namespace docdesk::gui
