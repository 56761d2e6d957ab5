#pragma once
// The camera view: a live picture from a webcam or document camera with the detected page
// outlined, a Capture button (Space), and auto-capture once the page has been held still.
// Frames are read and searched on a background thread; only the newest reaches the screen.
#include "app/gui/BackgroundTask.h"
#include "core/journal/Session.h"
#include "core/model/Geometry.h"

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <wx/bitmap.h>
#include <wx/dialog.h>

namespace docdesk::capture {
class PageSource;
struct CameraControl;
} // namespace docdesk::capture

class wxCheckBox;
class wxChoice;
class wxSpinCtrlDouble;
class wxStaticText;

namespace docdesk::gui {

class CameraDialog : public wxDialog {
  public:
    // `onStored` runs on the UI thread for each page stored. `device` preselects a camera or
    // names a video file or stream URL.
    CameraDialog(wxWindow* parent, journal::Session& session, const std::string& device,
                 std::function<void(const PageRecord&)> onStored);
    ~CameraDialog() override;

  private:
    wxBoxSizer* buildTopRow(const std::string& device);
    void bindEvents();
    void start(const std::string& device);
    void stop();
    void onPaintPreview(wxPaintEvent&);
    void onCapture(wxCommandEvent&);
    void onClose(wxCloseEvent&);
    void onFrame(wxBitmap frame, std::optional<Quad> outline, int frames, int captures);

    journal::Session& session_;
    std::function<void(const PageRecord&)> onStored_;
    wxWindow* preview_ = nullptr;
    wxChoice* devices_ = nullptr;
    wxCheckBox* autoCapture_ = nullptr;
    wxSpinCtrlDouble* holdStill_ = nullptr;
    wxStaticText* status_ = nullptr;
    std::vector<std::string> devicePaths_;
    wxBitmap frame_;
    std::optional<Quad> outline_;
    std::shared_ptr<capture::PageSource> camera_;
    // The switches the camera source reads on its thread while it runs.
    std::shared_ptr<capture::CameraControl> control_;
    // Frames the UI has not painted yet; the reader skips posting while one is pending.
    std::shared_ptr<std::atomic<bool>> framePending_ = std::make_shared<std::atomic<bool>>(false);
    BackgroundTask reader_{this}; // last: discarded before the members it reads go
};

} // namespace docdesk::gui
