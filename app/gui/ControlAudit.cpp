#include "app/gui/ControlAudit.h"

#include <fstream>
#include <map>
#include <set>
#include <string>
#include <wx/anybutton.h>
#include <wx/bookctrl.h>
#include <wx/checkbox.h>
#include <wx/control.h>
#include <wx/pickerbase.h>
#include <wx/radiobut.h>
#include <wx/statbmp.h>
#include <wx/statbox.h>
#include <wx/statline.h>
#include <wx/stattext.h>
#include <wx/statusbr.h>
#include <wx/stockitem.h>
#include <wx/timer.h>
#include <wx/toplevel.h>

namespace docdesk::gui {
namespace {

// The names wx gives controls nobody named: a screen reader would announce these.
bool isDefaultName(const wxWindow& w) {
    static const std::set<wxString> defaults = {"",
                                                "button",
                                                "check",
                                                "checkbox",
                                                "choice",
                                                "comboBox",
                                                "control",
                                                "dataviewCtrl",
                                                "dirpicker",
                                                "filepicker",
                                                "gauge",
                                                "groupBox",
                                                "hyperlink",
                                                "listBox",
                                                "listCtrl",
                                                "notebook",
                                                "panel",
                                                "radioBox",
                                                "radioButton",
                                                "scrollBar",
                                                "searchCtrl",
                                                "slider",
                                                "spinButton",
                                                "staticText",
                                                "statusBar",
                                                "text",
                                                "toggle",
                                                "treeCtrl",
                                                "wxSpinButton",
                                                "wxSpinCtrl",
                                                "wxSpinCtrlDouble",
                                                "bitmapComboBox",
                                                "collapsiblePane"};
    return defaults.count(w.GetName()) > 0 || w.GetName() == w.GetClassInfo()->GetClassName();
}

// Labels and decorations: read as the text next to a control, not controls themselves.
bool isDecoration(const wxWindow& w) {
    return wxDynamicCast(&w, wxStaticText) || wxDynamicCast(&w, wxStaticBox) ||
           wxDynamicCast(&w, wxStaticLine) || wxDynamicCast(&w, wxStaticBitmap);
}

bool hasToolTip(wxWindow& w) {
    if (auto* picker = wxDynamicCast(&w, wxPickerBase)) // its tooltip sits on the picker inside
        return picker->GetPickerCtrl() && !picker->GetPickerCtrl()->GetToolTipText().empty();
    return !w.GetToolTipText().empty();
}

// Buttons and check boxes are announced by their label (GTK's accessible name is the label):
// a visible label is their accessible name. Other controls need a name of their own.
bool hasAccessibleName(const wxWindow& w) {
    const bool labelled =
        wxDynamicCast(&w, wxAnyButton) || wxDynamicCast(&w, wxCheckBox) || wxDynamicCast(&w, wxRadioButton);
    if (labelled && !wxStripMenuCodes(w.GetLabel()).Strip(wxString::both).empty())
        return true;
    return !isDefaultName(w);
}

// Tabs and the status bar are labelled by their pages and fields, and a dialog's standard
// buttons (OK, Cancel, Close...) say all there is to say: they need no tooltip.
bool needsToolTip(const wxWindow& w) {
    if (wxDynamicCast(&w, wxAnyButton) && wxIsStockID(w.GetId()) && w.GetId() != wxID_SAVE)
        return false;
    return !wxDynamicCast(&w, wxBookCtrlBase) && !wxDynamicCast(&w, wxStatusBar);
}

class Auditor : public wxEvtHandler {
  public:
    explicit Auditor(const std::filesystem::path& report) : out_(report, std::ios::app), timer_(this) {
        Bind(wxEVT_TIMER, [this](wxTimerEvent&) { tick(); });
        timer_.Start(400);
    }

  private:
    void tick() {
        std::set<wxWindow*> open;
        for (wxWindow* top : wxTopLevelWindows) {
            if (!top->IsShown())
                continue;
            open.insert(top);
            if (++seen_[top] == 2) // shown for a moment: dialogs fill their lists after showing
                audit(*static_cast<wxTopLevelWindow*>(top));
        }
        std::erase_if(seen_, [&](const auto& entry) { return !open.count(entry.first); });
    }

    void audit(wxTopLevelWindow& top) {
        const std::string title = top.GetTitle().utf8_string();
        int checked = 0;
        walk(top, title, checked);
        out_ << "window\t" << title << '\t' << checked << std::endl;
    }

    void walk(wxWindow& parent, const std::string& title, int& checked) {
        for (wxWindow* child : parent.GetChildren()) {
            if (child->IsTopLevel() || isDecoration(*child))
                continue;
            if (!wxDynamicCast(child, wxControl)) {
                walk(*child, title, checked); // panels, splitters: the controls are inside
                continue;
            }
            ++checked; // a control's own parts (a picker's button, a list's header) are its own business
            if (needsToolTip(*child) && !hasToolTip(*child))
                report(*child, title, "tooltip");
            if (!hasAccessibleName(*child))
                report(*child, title, "name");
            if (wxDynamicCast(child, wxBookCtrlBase))
                walk(*child, title, checked); // a notebook's pages hold controls
        }
    }

    void report(wxWindow& w, const std::string& title, const char* what) {
        out_ << "missing\t" << title << '\t' << wxString(w.GetClassInfo()->GetClassName()).utf8_string()
             << '\t' << w.GetName().utf8_string() << '\t' << wxStripMenuCodes(w.GetLabel()).utf8_string()
             << '\t' << what << std::endl;
    }

    std::ofstream out_;
    wxTimer timer_;
    std::map<wxWindow*, int> seen_;
};

} // namespace

std::unique_ptr<wxEvtHandler> startControlAudit(const std::filesystem::path& report) {
    return std::make_unique<Auditor>(report);
}

} // namespace docdesk::gui
