#include "app/gui/PreviewPanel.h"

#include "app/gui/BackgroundTask.h"
#include "app/gui/ImageBitmap.h"
#include "core/model/PageTransforms.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <wx/button.h>
#include <wx/dcbuffer.h>
#include <wx/settings.h>
#include <wx/sizer.h>
#include <wx/stattext.h>
#include <wx/tglbtn.h>
#include <wx/wrapsizer.h>

namespace docdesk::gui {

// The drawing surface: image, overlays, zoom and pan, corner dragging.
class PreviewCanvas : public wxWindow {
  public:
    explicit PreviewCanvas(wxWindow* parent);
    ~PreviewCanvas() override = default;

    void setPage(const std::optional<PageRecord>& page);
    void setShowResult(bool result);
    void zoomBy(double factor);
    void zoomTo(double scale);
    void fit();
    double scale() const { return scale_; }
    bool hasCrop() const { return page_ && transforms_.crop.has_value(); }

    std::function<void(std::int64_t, std::optional<Quad>)> onCropChanged;
    std::function<void()> onZoomChanged;

  private:
    enum class Drag { None, Pan, Corner };

    void requestRender();
    void clampOrigin();
    void zoomAt(double newScale, wxPoint anchor);
    PointF origSize() const; // the decoded original's size
    PointF toDisplay(PointF p) const;
    PointF fromDisplay(PointF p) const;
    wxPoint toScreen(PointF original) const;
    PointF fromScreen(wxPoint p) const;
    Quad outline(bool* isCrop) const;
    int cornerAt(wxPoint p) const;
    void readAnalysis();
    void onPaint(wxPaintEvent&);
    void onMouse(wxMouseEvent& e);
    void onKey(wxKeyEvent& e);

    std::optional<PageRecord> page_;
    PageTransforms transforms_;
    std::vector<BarcodeHit> barcodes_;
    std::optional<Quad> suggestion_; // the document the analysis found
    PointF analysisSize_;            // the analysed page's size (0: unknown)
    bool result_ = false;
    bool fit_ = true;
    double scale_ = 0; // 0 until the first image arrives
    double ox_ = 0, oy_ = 0;
    int imageW_ = 0, imageH_ = 0; // the image as shown; 0: not known yet
    std::string imageVersion_;
    wxBitmap bitmap_;
    double bmpScale_ = 0, bmpOx_ = 0, bmpOy_ = 0;
    std::string error_;
    std::uint64_t serial_ = 0;      // of the last request
    std::uint64_t shownSerial_ = 0; // of the image shown
    Drag drag_ = Drag::None;
    int corner_ = -1;
    wxPoint last_;
    std::optional<Quad> dragged_; // the outline while a corner is dragged
    WindowQueue ui_;              // the renderer's images to the UI thread
    PreviewRenderer renderer_;    // last: joined first
};

namespace {

constexpr int kHandle = 7; // half the size of a corner handle, in screen pixels

std::optional<Quad> quadOf(const nlohmann::json& corners) {
    if (!corners.is_array() || corners.size() != 4)
        return std::nullopt;
    Quad q;
    for (size_t i = 0; i < 4; ++i) {
        if (!corners[i].is_array() || corners[i].size() != 2 || !corners[i][0].is_number() ||
            !corners[i][1].is_number())
            return std::nullopt;
        q[i] = {corners[i][0].get<double>(), corners[i][1].get<double>()};
    }
    return q;
}

} // namespace

PreviewCanvas::PreviewCanvas(wxWindow* parent)
    : wxWindow(parent, wxID_ANY, wxDefaultPosition, wxDefaultSize, wxWANTS_CHARS | wxFULL_REPAINT_ON_RESIZE),
      ui_(this), renderer_([this](PreviewImage img) {
          // The canvas outlives the renderer (a member); the queue drops calls for a window
          // that is gone.
          ui_.post([this, img = std::move(img)]() mutable {
              // An older image of the same page still helps while a newer one is made (panning).
              if (!page_ || img.pageId != page_->id || img.serial <= shownSerial_ ||
                  (img.error.empty() && img.version != PreviewRenderer::versionOf(*page_, result_)))
                  return;
              shownSerial_ = img.serial;
              error_ = img.error;
              if (!img.error.empty()) {
                  bitmap_ = wxBitmap();
                  Refresh();
                  return;
              }
              imageW_ = img.imageWidth;
              imageH_ = img.imageHeight;
              imageVersion_ = img.version;
              if (scale_ <= 0 || (fit_ && img.serial == serial_)) {
                  scale_ = img.scale;
                  ox_ = img.originX;
                  oy_ = img.originY;
                  if (onZoomChanged)
                      onZoomChanged();
              } else if (img.serial == serial_) {
                  const double ox = ox_, oy = oy_;
                  clampOrigin(); // the size is known now: keep the view on the page
                  if (ox != ox_ || oy != oy_)
                      requestRender();
              }
              bitmap_ = toBitmap(img.view);
              bmpScale_ = img.scale;
              bmpOx_ = img.originX;
              bmpOy_ = img.originY;
              Refresh();
          });
      }) {
    SetName(_("Page preview"));
    // No tooltip on the canvas: it would cover the page being looked at. The hint is the
    // accessible description instead.
    SetHelpText(_("Ctrl+wheel or +/- to zoom, drag or scroll to move; drag a corner of the outline to crop"));
    SetBackgroundStyle(wxBG_STYLE_PAINT);
    Bind(wxEVT_PAINT, &PreviewCanvas::onPaint, this);
    Bind(wxEVT_SIZE, [this](wxSizeEvent& e) {
        if (fit_)
            scale_ = imageW_ > 0
                         ? PreviewRenderer::fitScale(imageW_, imageH_, GetClientSize().x, GetClientSize().y)
                         : 0;
        clampOrigin();
        requestRender();
        e.Skip();
    });
    Bind(wxEVT_LEFT_DOWN, &PreviewCanvas::onMouse, this);
    Bind(wxEVT_LEFT_DCLICK, &PreviewCanvas::onMouse, this);
    Bind(wxEVT_LEFT_UP, &PreviewCanvas::onMouse, this);
    Bind(wxEVT_MIDDLE_DOWN, &PreviewCanvas::onMouse, this);
    Bind(wxEVT_MIDDLE_UP, &PreviewCanvas::onMouse, this);
    Bind(wxEVT_MOTION, &PreviewCanvas::onMouse, this);
    Bind(wxEVT_MOUSEWHEEL, &PreviewCanvas::onMouse, this);
    Bind(wxEVT_KEY_DOWN, &PreviewCanvas::onKey, this);
    Bind(wxEVT_MOUSE_CAPTURE_LOST, [this](wxMouseCaptureLostEvent&) {
        drag_ = Drag::None;
        dragged_.reset();
        Refresh();
    });
}

void PreviewCanvas::setPage(const std::optional<PageRecord>& page) {
    const bool samePage = page && page_ && page->id == page_->id;
    const bool sameContent = samePage && page->transformsJson == page_->transformsJson &&
                             page->analysisJson == page_->analysisJson;
    if (sameContent)
        return;
    if (!samePage) {
        fit_ = true;
        scale_ = 0;
        imageW_ = imageH_ = 0;
        bitmap_ = wxBitmap();
        error_.clear();
        if (drag_ != Drag::None && HasCapture())
            ReleaseMouse();
        drag_ = Drag::None;
        dragged_.reset();
    }
    page_ = page;
    transforms_ = {};
    if (page_) {
        try {
            transforms_ = PageTransforms::parse(page_->transformsJson);
        } catch (const std::exception& e) {
            error_ = e.what();
        }
    }
    readAnalysis();
    if (page_ && PreviewRenderer::versionOf(*page_, result_) != imageVersion_) {
        imageW_ = imageH_ = 0; // turned: the size and fit change
        if (fit_)
            scale_ = 0;
    }
    requestRender();
    Refresh();
}

void PreviewCanvas::readAnalysis() {
    barcodes_.clear();
    suggestion_.reset();
    analysisSize_ = {};
    if (!page_ || !page_->analysisJson)
        return;
    const auto j = nlohmann::json::parse(*page_->analysisJson, nullptr, false);
    if (!j.is_object())
        return;
    analysisSize_ = {j.value("width", 0.0), j.value("height", 0.0)};
    if (j.contains("barcodes") && j["barcodes"].is_array()) {
        for (const auto& b : j["barcodes"]) {
            if (!b.is_object())
                continue;
            if (auto q = quadOf(b.value("corners", nlohmann::json())))
                barcodes_.push_back({b.value("format", std::string()), b.value("text", std::string()), *q});
        }
    }
    if (j.contains("document") && j["document"].is_object())
        suggestion_ = quadOf(j["document"].value("corners", nlohmann::json()));
}

void PreviewCanvas::setShowResult(bool result) {
    result_ = result;
    if (page_ && PreviewRenderer::versionOf(*page_, result_) != imageVersion_) {
        imageW_ = imageH_ = 0;
        fit_ = true;
        scale_ = 0;
    }
    requestRender();
    Refresh();
}

void PreviewCanvas::requestRender() {
    ++serial_;
    const wxSize size = GetClientSize();
    if (!page_ || page_->isPassThrough() || size.x <= 0 || size.y <= 0)
        return;
    PreviewRequest r;
    r.serial = serial_;
    r.page = *page_;
    r.result = result_;
    r.scale = imageW_ > 0 ? scale_ : (fit_ ? 0 : scale_);
    r.originX = ox_;
    r.originY = oy_;
    r.viewWidth = size.x;
    r.viewHeight = size.y;
    renderer_.request(std::move(r));
}

void PreviewCanvas::clampOrigin() {
    if (imageW_ <= 0 || scale_ <= 0)
        return;
    const wxSize v = GetClientSize();
    const double w = imageW_ * scale_, h = imageH_ * scale_;
    ox_ = w <= v.x ? -(v.x - w) / 2 : std::clamp(ox_, 0.0, w - v.x);
    oy_ = h <= v.y ? -(v.y - h) / 2 : std::clamp(oy_, 0.0, h - v.y);
}

void PreviewCanvas::zoomAt(double newScale, wxPoint anchor) {
    if (imageW_ <= 0 || scale_ <= 0)
        return;
    newScale = std::clamp(newScale, 0.02, 8.0);
    const double ix = (anchor.x + ox_) / scale_, iy = (anchor.y + oy_) / scale_;
    scale_ = newScale;
    ox_ = ix * scale_ - anchor.x;
    oy_ = iy * scale_ - anchor.y;
    fit_ = false;
    clampOrigin();
    requestRender();
    Refresh();
    if (onZoomChanged)
        onZoomChanged();
}

void PreviewCanvas::zoomBy(double factor) {
    const wxSize v = GetClientSize();
    zoomAt(scale_ * factor, wxPoint(v.x / 2, v.y / 2));
}

void PreviewCanvas::zoomTo(double scale) {
    const wxSize v = GetClientSize();
    zoomAt(scale, wxPoint(v.x / 2, v.y / 2));
}

void PreviewCanvas::fit() {
    fit_ = true;
    if (imageW_ > 0) {
        scale_ = PreviewRenderer::fitScale(imageW_, imageH_, GetClientSize().x, GetClientSize().y);
        clampOrigin();
    }
    requestRender();
    Refresh();
    if (onZoomChanged)
        onZoomChanged();
}

PointF PreviewCanvas::origSize() const {
    const bool turned = transforms_.rotation == 90 || transforms_.rotation == 270;
    return turned ? PointF{double(imageH_), double(imageW_)} : PointF{double(imageW_), double(imageH_)};
}

// Original pixels to the turned image shown, and back.
PointF PreviewCanvas::toDisplay(PointF p) const {
    const PointF s = origSize();
    switch (transforms_.rotation) {
    case 90:
        return {s.y - p.y, p.x};
    case 180:
        return {s.x - p.x, s.y - p.y};
    case 270:
        return {p.y, s.x - p.x};
    default:
        return p;
    }
}

PointF PreviewCanvas::fromDisplay(PointF p) const {
    const PointF s = origSize();
    switch (transforms_.rotation) {
    case 90:
        return {p.y, s.y - p.x};
    case 180:
        return {s.x - p.x, s.y - p.y};
    case 270:
        return {s.x - p.y, p.x};
    default:
        return p;
    }
}

wxPoint PreviewCanvas::toScreen(PointF original) const {
    const PointF d = toDisplay(original);
    return {int(std::lround(d.x * scale_ - ox_)), int(std::lround(d.y * scale_ - oy_))};
}

PointF PreviewCanvas::fromScreen(wxPoint p) const {
    const PointF s = origSize();
    PointF o = fromDisplay({(p.x + ox_) / scale_, (p.y + oy_) / scale_});
    return {std::clamp(o.x, 0.0, s.x), std::clamp(o.y, 0.0, s.y)};
}

// The outline to show and drag: the crop, else the document the analysis found, else the page.
Quad PreviewCanvas::outline(bool* isCrop) const {
    *isCrop = true;
    if (dragged_)
        return *dragged_;
    if (transforms_.crop)
        return *transforms_.crop;
    *isCrop = false;
    const PointF s = origSize();
    if (suggestion_ && analysisSize_.x > 0 && analysisSize_.y > 0) {
        Quad q = *suggestion_; // analysis pixels to decoded pixels (the same unless the dpi differs)
        for (auto& c : q)
            c = {c.x * s.x / analysisSize_.x, c.y * s.y / analysisSize_.y};
        // A small find (a label, a code) is not what a crop would start from: the page is.
        double twiceArea = 0;
        for (size_t i = 0; i < 4; ++i)
            twiceArea += q[i].x * q[(i + 1) % 4].y - q[(i + 1) % 4].x * q[i].y;
        if (std::abs(twiceArea) / 2 >= 0.15 * s.x * s.y)
            return q;
    }
    return Quad{{{0, 0}, {s.x, 0}, {s.x, s.y}, {0, s.y}}};
}

int PreviewCanvas::cornerAt(wxPoint p) const {
    if (result_ || imageW_ <= 0 || !page_)
        return -1;
    bool isCrop = false;
    const Quad q = outline(&isCrop);
    int best = -1;
    int bestDistance = (kHandle + 5) * (kHandle + 5) * 2;
    for (int i = 0; i < 4; ++i) {
        const wxPoint c = toScreen(q[size_t(i)]);
        const int d = (c.x - p.x) * (c.x - p.x) + (c.y - p.y) * (c.y - p.y);
        if (d < bestDistance)
            best = i, bestDistance = d;
    }
    return best;
}

void PreviewCanvas::onMouse(wxMouseEvent& e) {
    const wxPoint p = e.GetPosition();
    if (e.GetEventType() == wxEVT_MOUSEWHEEL) {
        const double steps = double(e.GetWheelRotation()) / std::max(1, e.GetWheelDelta());
        if (e.ControlDown()) {
            zoomAt(scale_ * std::pow(1.2, steps), p);
        } else {
            const double distance = -steps * 60;
            if (e.ShiftDown() || e.GetWheelAxis() == wxMOUSE_WHEEL_HORIZONTAL)
                ox_ += e.GetWheelAxis() == wxMOUSE_WHEEL_HORIZONTAL ? -distance : distance;
            else
                oy_ += distance;
            clampOrigin();
            requestRender();
            Refresh();
        }
        return;
    }
    if (e.LeftDown() || e.LeftDClick() || e.MiddleDown()) {
        SetFocus();
        corner_ = e.MiddleDown() ? -1 : cornerAt(p);
        drag_ = corner_ >= 0 ? Drag::Corner : Drag::Pan;
        if (drag_ == Drag::Corner) {
            bool isCrop = false;
            dragged_ = outline(&isCrop);
        }
        last_ = p;
        if (!HasCapture())
            CaptureMouse();
        return;
    }
    if (e.Dragging() && drag_ == Drag::Pan) {
        ox_ -= p.x - last_.x;
        oy_ -= p.y - last_.y;
        last_ = p;
        clampOrigin();
        requestRender();
        Refresh();
        return;
    }
    if (e.Dragging() && drag_ == Drag::Corner && dragged_) {
        (*dragged_)[size_t(corner_)] = fromScreen(p);
        Refresh();
        return;
    }
    if (e.Moving() || e.Dragging()) {
        SetCursor(cornerAt(p) >= 0 ? wxCursor(wxCURSOR_SIZING) : wxNullCursor);
        return;
    }
    if (e.LeftUp() || e.MiddleUp()) {
        if (HasCapture())
            ReleaseMouse();
        if (drag_ == Drag::Corner && dragged_ && page_) {
            (*dragged_)[size_t(corner_)] = fromScreen(p);
            const Quad q = *dragged_;
            // The outline stays where it was dropped until the edit comes back from the session.
            transforms_.crop = q;
            dragged_.reset();
            if (onCropChanged)
                onCropChanged(page_->id, q);
        }
        drag_ = Drag::None;
        Refresh();
    }
}

void PreviewCanvas::onKey(wxKeyEvent& e) {
    switch (e.GetKeyCode()) {
    case '+':
    case '=':
    case WXK_NUMPAD_ADD:
        zoomBy(1.25);
        return;
    case '-':
    case WXK_NUMPAD_SUBTRACT:
        zoomBy(0.8);
        return;
    case '0':
        fit();
        return;
    case '1':
        zoomTo(1.0);
        return;
    default:
        e.Skip();
    }
}

void PreviewCanvas::onPaint(wxPaintEvent&) {
    wxAutoBufferedPaintDC dc(this);
    dc.SetBackground(wxBrush(wxColour(112, 112, 112)));
    dc.Clear();
    const wxSize size = GetClientSize();
    dc.SetTextForeground(*wxWHITE);
    if (!page_) {
        dc.DrawLabel(_("No page selected"), wxRect(size), wxALIGN_CENTER);
        return;
    }
    if (page_->isPassThrough()) {
        dc.DrawLabel(_("This file is filed as it is; it has no page image to show."), wxRect(size),
                     wxALIGN_CENTER);
        return;
    }
    if (!error_.empty()) {
        dc.DrawLabel(_("Cannot show page") + "\n" + wxString::FromUTF8(error_), wxRect(size), wxALIGN_CENTER);
        return;
    }
    if (!bitmap_.IsOk() || bmpScale_ <= 0 || scale_ <= 0) {
        dc.DrawLabel(_("Loading..."), wxRect(size), wxALIGN_CENTER);
        return;
    }
    // The last image made, placed (and, until the new one comes, scaled) where it belongs now.
    const double k = scale_ / bmpScale_;
    const double x = bmpOx_ / bmpScale_ * scale_ - ox_;
    const double y = bmpOy_ / bmpScale_ * scale_ - oy_;
    if (std::abs(k - 1) < 1e-6) {
        dc.DrawBitmap(bitmap_, int(std::lround(x)), int(std::lround(y)));
    } else {
        dc.SetUserScale(k, k);
        dc.DrawBitmap(bitmap_, int(std::lround(x / k)), int(std::lround(y / k)));
        dc.SetUserScale(1, 1);
    }
    if (result_ || imageW_ <= 0)
        return; // the result is cut and turned already: no outlines on it
    // Barcodes with their values.
    const PointF s = origSize();
    const double ax = analysisSize_.x > 0 ? s.x / analysisSize_.x : 1;
    const double ay = analysisSize_.y > 0 ? s.y / analysisSize_.y : 1;
    dc.SetFont(GetFont());
    for (const auto& b : barcodes_) {
        wxPoint pts[4];
        for (size_t i = 0; i < 4; ++i)
            pts[i] = toScreen({b.corners[i].x * ax, b.corners[i].y * ay});
        dc.SetPen(wxPen(wxColour(0, 170, 60), 2));
        dc.SetBrush(wxBrush(wxColour(0, 170, 60), wxBRUSHSTYLE_CROSSDIAG_HATCH));
        dc.DrawPolygon(4, pts);
        const wxString label = wxString::FromUTF8(b.text) + " (" + wxString::FromUTF8(b.format) + ")";
        const wxSize ext = dc.GetTextExtent(label);
        const int lx =
            std::max(0, std::min(std::min({pts[0].x, pts[1].x, pts[2].x, pts[3].x}), size.x - ext.x - 6));
        const int ly = std::max({pts[0].y, pts[1].y, pts[2].y, pts[3].y}) + 3;
        dc.SetPen(*wxTRANSPARENT_PEN);
        dc.SetBrush(wxBrush(wxColour(0, 120, 40)));
        dc.DrawRectangle(lx, ly, ext.x + 6, ext.y + 2);
        dc.SetTextForeground(*wxWHITE);
        dc.DrawText(label, lx + 3, ly + 1);
    }
    // The document outline and its corners.
    bool isCrop = false;
    const Quad q = outline(&isCrop);
    wxPoint pts[4];
    for (size_t i = 0; i < 4; ++i)
        pts[i] = toScreen(q[i]);
    const wxColour outlineColour(255, 190, 0); // amber: stands out on paper and on the grey around it
    dc.SetPen(wxPen(outlineColour, 2, isCrop ? wxPENSTYLE_SOLID : wxPENSTYLE_SHORT_DASH));
    dc.SetBrush(*wxTRANSPARENT_BRUSH);
    dc.DrawPolygon(4, pts);
    dc.SetPen(wxPen(*wxBLACK, 1));
    dc.SetBrush(wxBrush(outlineColour));
    for (const auto& c : pts)
        dc.DrawRectangle(c.x - kHandle, c.y - kHandle, 2 * kHandle + 1, 2 * kHandle + 1);
}

PreviewPanel::PreviewPanel(wxWindow* parent) : wxPanel(parent, wxID_ANY) {
    SetName(_("Preview"));
    canvas_ = new PreviewCanvas(this);
    auto* zoomOut = new wxButton(this, wxID_ANY, "-", wxDefaultPosition, wxDefaultSize, wxBU_EXACTFIT);
    zoomOut->SetName(_("Zoom out"));
    zoomOut->SetToolTip(_("Zoom out (-, Ctrl+wheel)"));
    auto* zoomIn = new wxButton(this, wxID_ANY, "+", wxDefaultPosition, wxDefaultSize, wxBU_EXACTFIT);
    zoomIn->SetName(_("Zoom in"));
    zoomIn->SetToolTip(_("Zoom in (+, Ctrl+wheel)"));
    auto* fit = new wxButton(this, wxID_ANY, _("Fit"), wxDefaultPosition, wxDefaultSize, wxBU_EXACTFIT);
    fit->SetName(_("Fit page"));
    fit->SetToolTip(_("Show the whole page (0)"));
    auto* actual = new wxButton(this, wxID_ANY, _("100%"), wxDefaultPosition, wxDefaultSize, wxBU_EXACTFIT);
    actual->SetName(_("Actual size"));
    actual->SetToolTip(_("One image pixel per screen pixel (1)"));
    zoomLabel_ = new wxStaticText(this, wxID_ANY, "", wxDefaultPosition, wxSize(FromDIP(48), -1));
    zoomLabel_->SetName(_("Zoom"));
    result_ = new wxToggleButton(this, wxID_ANY, _("Show Result"));
    result_->SetName(_("Show result"));
    result_->SetToolTip(_("Show the page as it will be filed: cut, straightened, turned and in its mode"));
    removeCrop_ = new wxButton(this, wxID_ANY, _("Remove Crop"));
    removeCrop_->SetName(_("Remove crop"));
    removeCrop_->SetToolTip(_("File the whole page again instead of the outlined part"));
    auto* zoom = new wxBoxSizer(wxHORIZONTAL);
    for (wxWindow* w : std::initializer_list<wxWindow*>{zoomOut, zoomIn, fit, actual})
        zoom->Add(w, 0, wxRIGHT, FromDIP(2));
    zoom->Add(zoomLabel_, 0, wxALIGN_CENTER_VERTICAL | wxLEFT | wxRIGHT, FromDIP(6));
    auto* actions = new wxBoxSizer(wxHORIZONTAL);
    actions->Add(removeCrop_, 0, wxRIGHT, FromDIP(4));
    actions->Add(result_, 0);
    // Longer labels (German) or a narrow preview move the page buttons onto a second row
    // instead of cutting them off.
    auto* bar = new wxWrapSizer(wxHORIZONTAL, wxREMOVE_LEADING_SPACES);
    bar->Add(zoom, 0, wxBOTTOM, FromDIP(2));
    bar->AddStretchSpacer();
    bar->Add(actions, 0, wxBOTTOM, FromDIP(2));
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    sizer->Add(bar, 0, wxEXPAND | wxALL, FromDIP(4));
    sizer->Add(canvas_, 1, wxEXPAND);
    SetSizer(sizer);

    zoomOut->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { canvas_->zoomBy(0.8); });
    zoomIn->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { canvas_->zoomBy(1.25); });
    fit->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { canvas_->fit(); });
    actual->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { canvas_->zoomTo(1.0); });
    result_->Bind(wxEVT_TOGGLEBUTTON,
                  [this](wxCommandEvent&) { canvas_->setShowResult(result_->GetValue()); });
    removeCrop_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        if (onCropChanged && page_)
            onCropChanged(page_->id, std::nullopt);
    });
    removeCrop_->Bind(wxEVT_UPDATE_UI, [this](wxUpdateUIEvent& e) { e.Enable(canvas_->hasCrop()); });
    canvas_->onCropChanged = [this](std::int64_t id, std::optional<Quad> q) {
        if (onCropChanged)
            onCropChanged(id, std::move(q));
    };
    canvas_->onZoomChanged = [this] { updateZoomLabel(); };
}

PreviewPanel::~PreviewPanel() = default;

void PreviewPanel::showPage(const std::optional<PageRecord>& page) {
    page_ = page;
    canvas_->setPage(page);
    updateZoomLabel();
}

void PreviewPanel::updateZoomLabel() {
    zoomLabel_->SetLabel(
        canvas_->scale() > 0 ? wxString::Format("%d%%", int(std::lround(canvas_->scale() * 100))) : "");
}

} // namespace docdesk::gui
