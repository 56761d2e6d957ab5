// The main window's page editing: the Edit menu (undo, redo, rotate, delete, move, select
// all), the grid's drag and drop and the preview's crop, all as undoable edits that run on the
// edit queue's thread (every session write is flushed to disk, which must not stall the UI).
#include "app/gui/MainFrame.h"
#include "app/gui/PageGridPanel.h"
#include "app/gui/PlanPanel.h"
#include "app/gui/PreviewPanel.h"

#include <set>
#include <utility>
#include <wx/menu.h>
#include <wx/msgdlg.h>
#include <wx/notebook.h>

namespace docdesk::gui {
namespace {

enum {
    ID_ROTATE_LEFT = wxID_HIGHEST + 200,
    ID_ROTATE_RIGHT,
    ID_DELETE_PAGES,
    ID_MOVE_EARLIER,
    ID_MOVE_LATER,
    ID_REMOVE_CROP,
    ID_MODE_ORIGINAL,
    ID_MODE_COLOR,
    ID_MODE_GRAY,
    ID_MODE_BW,
    ID_MODE_SHADOW,
};

// Edit > Page Mode: each item and the mode it sets.
constexpr std::pair<int, PageMode> kModeItems[] = {{ID_MODE_ORIGINAL, PageMode::Original},
                                                   {ID_MODE_COLOR, PageMode::Color},
                                                   {ID_MODE_GRAY, PageMode::Gray},
                                                   {ID_MODE_BW, PageMode::BlackWhite},
                                                   {ID_MODE_SHADOW, PageMode::ShadowRemoval}};

wxString undoLabel(const std::string& name) {
    return name.empty() ? _("&Undo") : wxString::Format(_("&Undo %s"), wxString::FromUTF8(name));
}

wxString redoLabel(const std::string& name) {
    return name.empty() ? _("&Redo") : wxString::Format(_("&Redo %s"), wxString::FromUTF8(name));
}

} // namespace

wxMenu* MainFrame::buildEditMenu(wxMenuBar* bar) {
    auto* edit = new wxMenu;
    edit->Append(wxID_UNDO, undoLabel({}) + "\tCtrl+Z", _("Take back the last page edit"));
    auto* redo =
        edit->Append(wxID_REDO, redoLabel({}) + "\tCtrl+Y", _("Do the page edit that was taken back again"));
    redo->AddExtraAccel(wxAcceleratorEntry(wxACCEL_CTRL | wxACCEL_SHIFT, 'Z', wxID_REDO));
    edit->AppendSeparator();
    edit->Append(ID_ROTATE_LEFT, _("Rotate &Left\tCtrl+L"),
                 _("Turn the selected pages a quarter turn to the left"));
    edit->Append(ID_ROTATE_RIGHT, _("Rotate &Right\tCtrl+R"),
                 _("Turn the selected pages a quarter turn to the right"));
    edit->Append(ID_MOVE_EARLIER, _("Move &Earlier\tAlt+Left"),
                 _("Move the selected pages one place towards the start"));
    edit->Append(ID_MOVE_LATER, _("Move La&ter\tAlt+Right"),
                 _("Move the selected pages one place towards the end"));
    edit->Append(ID_REMOVE_CROP, _("Remove &Crop\tCtrl+Shift+X"),
                 _("File the selected pages whole again, without the crop found or drawn on them"));
    auto* mode = new wxMenu;
    mode->Append(ID_MODE_ORIGINAL, _("&As Captured"), _("File the selected pages as they were captured"));
    mode->Append(ID_MODE_COLOR, _("&Colour"), _("File the selected pages in colour"));
    mode->Append(ID_MODE_GRAY, _("&Grey"), _("File the selected pages in shades of grey"));
    mode->Append(ID_MODE_BW, _("&Black and White"),
                 _("File the selected pages in black and white only (small files, for text)"));
    mode->Append(ID_MODE_SHADOW, _("&Shadow Removal"),
                 _("For photos: take out shadows and uneven light, keep the colours"));
    edit->AppendSubMenu(
        mode, _("Page &Mode"),
        _("How the selected pages are filed: colour, grey, black and white, or with shadows removed"));
    edit->Append(
        ID_DELETE_PAGES, _("&Delete Pages\tDel"),
        _("Remove the selected pages from the session (the originals are kept; Undo brings them back)"));
    edit->AppendSeparator();
    edit->Append(wxID_SELECTALL, _("Select &All\tCtrl+A"), _("Select every page"));
    bar->Append(edit, _("&Edit"));

    Bind(
        wxEVT_MENU, [this](wxCommandEvent&) { onPlanTab() ? plan_->undoLastEdit() : edits_->undo(); },
        wxID_UNDO);
    Bind(
        wxEVT_MENU, [this](wxCommandEvent&) { edits_->redo(); }, wxID_REDO);
    Bind(
        wxEVT_MENU, [this](wxCommandEvent&) { editPages(app::rotatePages(grid_->selectedPageIds(), -90)); },
        ID_ROTATE_LEFT);
    Bind(
        wxEVT_MENU, [this](wxCommandEvent&) { editPages(app::rotatePages(grid_->selectedPageIds(), 90)); },
        ID_ROTATE_RIGHT);
    Bind(
        wxEVT_MENU, [this](wxCommandEvent&) { editPages(app::shiftPages(grid_->selectedPageIds(), -1)); },
        ID_MOVE_EARLIER);
    Bind(
        wxEVT_MENU, [this](wxCommandEvent&) { editPages(app::shiftPages(grid_->selectedPageIds(), +1)); },
        ID_MOVE_LATER);
    Bind(
        wxEVT_MENU, [this](wxCommandEvent&) { editPages(app::deletePages(grid_->selectedPageIds())); },
        ID_DELETE_PAGES);
    Bind(
        wxEVT_MENU, [this](wxCommandEvent&) { editPages(app::removeCrops(grid_->selectedPageIds())); },
        ID_REMOVE_CROP);
    for (const auto& [id, pageMode] : kModeItems)
        Bind(
            wxEVT_MENU,
            [this, pageMode](wxCommandEvent&) {
                editPages(app::setPageMode(grid_->selectedPageIds(), pageMode));
            },
            id);
    Bind(
        wxEVT_MENU, [this](wxCommandEvent&) { grid_->selectAll(); }, wxID_SELECTALL);
    return edit;
}

// A fresh queue for the current session (at start and after File > New Session).
void MainFrame::startEditing() {
    undoName_.clear();
    redoName_.clear();
    followUpRefresh_ = false;
    if (editReports_)
        editReports_->close(); // reports about the previous session are dropped
    editReports_.emplace(this);
    edits_ = std::make_unique<app::PageEditQueue>(
        *session_, [this, ui = *editReports_](app::PageEditQueue::Outcome outcome) {
            ui.post([this, outcome = std::move(outcome)]() mutable { onPagesEdited(std::move(outcome)); });
        });
    grid_->onSelectionChanged = [this] {
        preview_->showPage(grid_->currentPage());
        updateEditMenu();
    };
    grid_->onMoveRequested = [this](std::vector<std::int64_t> ids, int before) {
        editPages(app::movePages(std::move(ids), before));
    };
    grid_->onShiftRequested = [this](int step) {
        editPages(app::shiftPages(grid_->selectedPageIds(), step));
    };
    preview_->onCropChanged = [this](std::int64_t id, std::optional<Quad> corners) {
        editPages(app::cropPage(id, corners));
    };
    preview_->showPage(grid_->currentPage());
    updateEditMenu();
}

void MainFrame::editPages(std::unique_ptr<app::PageEdit> edit) {
    if (tabs_->GetSelection() != 0)
        return; // the keys belong to the other tabs there
    edits_->perform(std::move(edit));
}

void MainFrame::onPagesEdited(app::PageEditQueue::Outcome outcome) {
    undoName_ = outcome.undoName;
    redoName_ = outcome.redoName;
    if (!outcome.error.empty()) {
        wxMessageBox(wxString::FromUTF8(outcome.error), _("The pages cannot be changed"), wxOK | wxICON_ERROR,
                     this);
    } else if (outcome.done.empty()) {
        grid_->updatePages(std::move(outcome.pages)); // a refresh: new analysis results, nothing edited
    } else {
        // Pages that come back (an undone delete) are selected, so the user sees them.
        std::set<std::int64_t> before;
        const size_t count = grid_->pageCount();
        for (const auto id : grid_->allPageIds())
            before.insert(id);
        std::vector<std::int64_t> returned;
        for (const auto& p : outcome.pages)
            if (!before.count(p.id))
                returned.push_back(p.id);
        grid_->updatePages(std::move(outcome.pages));
        if (!returned.empty() && count > 0)
            grid_->selectPages(returned);
        plan_->pagesEdited();
        showPageCount();
        SetStatusText(wxString::FromUTF8(outcome.done));
    }
    // While pages arrive (import, hot folder) a report may have been read just before a page
    // was stored whose arrival the grid has shown already: read once more to show it again.
    if (followUpRefresh_)
        followUpRefresh_ = false;
    else if (outcome.error.empty() && (importsRunning_ > 0 || watcher_.running())) {
        followUpRefresh_ = true;
        edits_->refresh();
    }
    updateEditMenu();
}

// The Pages tab shows the session as it is now (the plan may have stored analysis results,
// which the preview draws); read on the edit queue's thread, like every session access here.
void MainFrame::refreshPages() {
    if (edits_)
        edits_->refresh();
}

void MainFrame::updateEditMenu() {
    wxMenuBar* bar = GetMenuBar();
    if (!bar || !grid_ || !tabs_)
        return;
    const bool onPages = tabs_->GetSelection() == 0;
    const bool selection = onPages && !grid_->selectedPageIds().empty();
    bar->SetLabel(wxID_UNDO, (onPlanTab() ? _("&Undo Plan Correction") : undoLabel(undoName_)) + "\tCtrl+Z");
    bar->SetLabel(wxID_REDO, redoLabel(redoName_) + "\tCtrl+Y");
    // On the plan, Undo takes back its corrections (a no-op when there is none: the plan's
    // edits are not watched here, so the item stays on).
    bar->Enable(wxID_UNDO, (onPages && !undoName_.empty()) || onPlanTab());
    bar->Enable(wxID_REDO, onPages && !redoName_.empty());
    for (const int id :
         {ID_ROTATE_LEFT, ID_ROTATE_RIGHT, ID_MOVE_EARLIER, ID_MOVE_LATER, ID_DELETE_PAGES, ID_REMOVE_CROP,
          ID_MODE_ORIGINAL, ID_MODE_COLOR, ID_MODE_GRAY, ID_MODE_BW, ID_MODE_SHADOW})
        bar->Enable(id, selection);
    bar->Enable(wxID_SELECTALL, onPages);
}

} // namespace docdesk::gui
