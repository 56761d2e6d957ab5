#include "app/gui/CameraDialog.h"

#include "app/gui/ImageBitmap.h"
#include "capture/PageSources.h"

#include <wx/button.h>
#include <wx/checkbox.h>
#include <wx/choice.h>
#include <wx/dcbuffer.h>
#include <wx/image.h>
#include <wx/sizer.h>
#include <wx/spinctrl.h>
#include <wx/stattext.h>

namespace docdesk::gui {

CameraDialog::CameraDialog(wxWindow* parent, journal::Session& session, const std::string& device,
                           std::function<void(const PageRecord&)> onStored)
    : wxDialog(parent, wxID_ANY, _("Camera"), wxDefaultPosition, wxSize(900, 680),
               wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER),
      session_(session), onStored_(std::move(onStored)),
      camera_(capture::makePageSource(capture::SourceKind::Camera)),
      control_(std::make_shared<capture::CameraControl>()) {
    auto* top = buildTopRow(device);

    preview_ = new wxWindow(this, wxID_ANY, wxDefaultPosition, wxSize(800, 450));
    preview_->SetBackgroundStyle(wxBG_STYLE_PAINT);
    preview_->Bind(wxEVT_PAINT, &CameraDialog::onPaintPreview, this);

    auto* bottom = new wxBoxSizer(wxHORIZONTAL);
    status_ = new wxStaticText(this, wxID_ANY, _("Starting the camera..."));
    bottom->Add(status_, 1, wxALIGN_CENTER_VERTICAL);
    auto* capture = new wxButton(this, wxID_ANY, _("&Capture (Space)"));
    capture->SetToolTip(_("Take the page now (Space)"));
    bottom->Add(capture, 0, wxRIGHT, 6);
    bottom->Add(new wxButton(this, wxID_CLOSE, _("&Done")));

    auto* main = new wxBoxSizer(wxVERTICAL);
    main->Add(top, 0, wxEXPAND | wxALL, 8);
    main->Add(preview_, 1, wxEXPAND | wxLEFT | wxRIGHT, 8);
    main->Add(bottom, 0, wxEXPAND | wxALL, 8);
    SetSizer(main);

    capture->Bind(wxEVT_BUTTON, &CameraDialog::onCapture, this);
    bindEvents();
    if (!devicePaths_.empty()) {
        const auto chosen = device.empty() ? devicePaths_.front() : device;
        devices_->SetSelection(static_cast<int>(std::find(devicePaths_.begin(), devicePaths_.end(), chosen) -
                                                devicePaths_.begin()));
        start(chosen);
    } else {
        status_->SetLabel(_("No camera found. Connect a webcam or document camera."));
    }
}

// The device choice and the auto-capture settings above the preview.
wxBoxSizer* CameraDialog::buildTopRow(const std::string& device) {
    auto* top = new wxBoxSizer(wxHORIZONTAL);
    devices_ = new wxChoice(this, wxID_ANY);
    devices_->SetName(_("Camera"));
    devices_->SetToolTip(_("The webcam, document camera or video to take pages from"));
    for (const auto& d : camera_->devices({})) {
        devicePaths_.push_back(d.name);
        devices_->Append(wxString::FromUTF8(d.model + " (" + d.name + ")"));
    }
    if (!device.empty() &&
        std::find(devicePaths_.begin(), devicePaths_.end(), device) == devicePaths_.end()) {
        devicePaths_.push_back(device); // a video file or stream given by the caller
        devices_->Append(wxString::FromUTF8(device));
    }
    top->Add(new wxStaticText(this, wxID_ANY, _("Camera:")), 0, wxALIGN_CENTER_VERTICAL | wxRIGHT, 6);
    top->Add(devices_, 1, wxALIGN_CENTER_VERTICAL);
    autoCapture_ = new wxCheckBox(this, wxID_ANY, _("&Auto-capture when still for"));
    autoCapture_->SetValue(true);
    autoCapture_->SetToolTip(_("Take the page by itself once it has been held still this long"));
    top->Add(autoCapture_, 0, wxALIGN_CENTER_VERTICAL | wxLEFT, 12);
    holdStill_ = new wxSpinCtrlDouble(this, wxID_ANY, "", wxDefaultPosition, wxSize(80, -1), wxSP_ARROW_KEYS,
                                      0.3, 5.0, 1.0, 0.1);
    holdStill_->SetName(_("Seconds held still"));
    holdStill_->SetToolTip(_("How long a page must be held still before it is taken (seconds)"));
    top->Add(holdStill_, 0, wxALIGN_CENTER_VERTICAL | wxLEFT, 4);
    top->Add(new wxStaticText(this, wxID_ANY, _("s")), 0, wxALIGN_CENTER_VERTICAL | wxLEFT, 4);
    return top;
}

void CameraDialog::bindEvents() {
    Bind(
        wxEVT_BUTTON, [this](wxCommandEvent&) { Close(); }, wxID_CLOSE);
    Bind(wxEVT_CLOSE_WINDOW, &CameraDialog::onClose, this);
    Bind(wxEVT_CHAR_HOOK, [this](wxKeyEvent& e) {
        if (e.GetKeyCode() == WXK_SPACE) {
            wxCommandEvent none;
            onCapture(none);
        } else if (e.GetKeyCode() == WXK_ESCAPE) {
            Close();
        } else {
            e.Skip();
        }
    });
    autoCapture_->Bind(wxEVT_CHECKBOX,
                       [this](wxCommandEvent&) { control_->autoCapture = autoCapture_->GetValue(); });
    holdStill_->Bind(wxEVT_SPINCTRLDOUBLE, [this](wxSpinDoubleEvent&) {
        control_->holdStillMs = static_cast<int>(holdStill_->GetValue() * 1000);
    });
    control_->holdStillMs = static_cast<int>(holdStill_->GetValue() * 1000);
    devices_->Bind(wxEVT_CHOICE, [this](wxCommandEvent&) {
        const int i = devices_->GetSelection();
        if (i >= 0)
            start(devicePaths_[static_cast<size_t>(i)]);
    });
}

CameraDialog::~CameraDialog() {
    stop();
}

void CameraDialog::stop() {
    reader_.discard();
}

void CameraDialog::start(const std::string& device) {
    stop();
    frame_ = wxBitmap();
    outline_.reset();
    *framePending_ = false;
    journal::Session* session = &session_;
    capture::AcquireSettings settings;
    settings.device = device;
    settings.camera.control = control_;
    settings.camera.playAtPace = true; // a video file plays at its own pace, like a camera would
    reader_.start(
        [this, session, settings, source = camera_, pending = framePending_](std::stop_token stopToken,
                                                                             const WindowQueue& ui) mutable {
            // Only the newest frame is shown: the UI never queues up behind the camera.
            // The bitmap is made on the UI thread: wx objects are not shared across threads.
            settings.camera.onFrame = [this, &ui, pending](capture::CameraFrame&& frame,
                                                           const capture::CameraProgress& progress) {
                if (!pending->exchange(true))
                    ui.post([this, preview = std::make_shared<const RgbImage>(std::move(frame.preview)),
                             outline = frame.document, progress] {
                        onFrame(toBitmap(*preview), outline, progress.frames, progress.captures);
                    });
            };
            capture::JournalPageSink sink(*session,
                                          {[this, &ui](const capture::AcquiredPage&, const PageRecord& page) {
                                               ui.post([this, page] { onStored_(page); });
                                           },
                                           {},
                                           {}});
            return source->acquire(settings, stopToken, sink);
        },
        [this](TaskResult<capture::AcquireSummary> result) {
            if (result.failure)
                status_->SetLabel(wxString::FromUTF8(result.failure->summary));
            else if (result.value.end != capture::AcquireEnd::Cancelled)
                status_->SetLabel(_("The camera stopped sending pictures."));
        });
}

void CameraDialog::onFrame(wxBitmap frame, std::optional<Quad> outline, int frames, int captures) {
    *framePending_ = false;
    frame_ = std::move(frame);
    outline_ = std::move(outline);
    const wxString seen = outline_ ? _("Page found — hold it still.") : _("Looking for a page...");
    status_->SetLabel(wxString::Format(wxPLURAL("%d page taken. ", "%d pages taken. ", captures), captures) +
                      seen);
    (void)frames;
    preview_->Refresh(false);
}

void CameraDialog::onPaintPreview(wxPaintEvent&) {
    wxAutoBufferedPaintDC dc(preview_);
    dc.SetBackground(*wxBLACK_BRUSH);
    dc.Clear();
    if (!frame_.IsOk())
        return;
    // Fit the frame into the view, keeping its aspect ratio.
    const wxSize area = preview_->GetClientSize();
    const double scale = std::min(double(area.x) / frame_.GetWidth(), double(area.y) / frame_.GetHeight());
    const int w = static_cast<int>(frame_.GetWidth() * scale),
              h = static_cast<int>(frame_.GetHeight() * scale);
    const int x0 = (area.x - w) / 2, y0 = (area.y - h) / 2;
    dc.SetUserScale(scale, scale);
    dc.DrawBitmap(frame_, static_cast<int>(x0 / scale), static_cast<int>(y0 / scale));
    dc.SetUserScale(1, 1);
    if (!outline_)
        return;
    wxPoint points[4];
    for (size_t i = 0; i < 4; ++i)
        points[i] = wxPoint(x0 + static_cast<int>((*outline_)[i].x * scale),
                            y0 + static_cast<int>((*outline_)[i].y * scale));
    dc.SetPen(wxPen(wxColour(0, 220, 0), 3));
    dc.SetBrush(*wxTRANSPARENT_BRUSH);
    dc.DrawPolygon(4, points);
}

void CameraDialog::onCapture(wxCommandEvent&) {
    control_->captureRequested = true;
}

void CameraDialog::onClose(wxCloseEvent& event) {
    stop(); // no frame is posted after this; pages stored so far stay
    event.Skip();
}

} // namespace docdesk::gui
