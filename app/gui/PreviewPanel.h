#pragma once
// The selected page, large, beside the page grid: zoom (Ctrl+wheel, +/-, Fit, 100%), pan
// (drag or scroll), the barcodes the analysis found with their values, and the document
// outline with corners to drag; releasing a corner asks the owner to crop the page to the
// outline (onCropChanged, an undoable edit). "Show result" shows the page as it will be
// filed (crop, deskew, rotation and mode applied) instead of the original. The image is made
// on a background thread (PreviewRenderer) at the size of the view.
#include "app/gui/PreviewRenderer.h"
#include "core/model/BarcodeHit.h"
#include "core/model/Page.h"

#include <functional>
#include <optional>
#include <vector>
#include <wx/bitmap.h>
#include <wx/panel.h>

class wxButton;
class wxStaticText;
class wxToggleButton;

namespace docdesk::gui {

class PreviewCanvas;

class PreviewPanel : public wxPanel {
  public:
    explicit PreviewPanel(wxWindow* parent);
    ~PreviewPanel() override;

    // Shows this page (nullopt: none). The same page with new edits or analysis is redrawn
    // keeping the zoom.
    void showPage(const std::optional<PageRecord>& page);

    // A corner of the outline was dragged: crop `pageId` to these corners (pixels of the
    // decoded original; nullopt: no crop).
    std::function<void(std::int64_t, std::optional<Quad>)> onCropChanged;

  private:
    void updateZoomLabel();

    std::optional<PageRecord> page_;
    PreviewCanvas* canvas_ = nullptr;
    wxStaticText* zoomLabel_ = nullptr;
    wxToggleButton* result_ = nullptr;
    wxButton* removeCrop_ = nullptr;
};

} // namespace docdesk::gui
