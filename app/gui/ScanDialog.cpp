#include "app/gui/ScanDialog.h"

#include "capture/PageSources.h"

#include <algorithm>
#include <atomic>
#include <wx/button.h>
#include <wx/choice.h>
#include <wx/config.h>
#include <wx/gauge.h>
#include <wx/sizer.h>
#include <wx/spinctrl.h>
#include <wx/stattext.h>

namespace docdesk::gui {
namespace {

constexpr int kResolutions[] = {150, 200, 300, 400, 600};

wxChoice* labelled(wxWindow* parent, wxFlexGridSizer* grid, const wxString& label) {
    grid->Add(new wxStaticText(parent, wxID_ANY, label), 0, wxALIGN_CENTER_VERTICAL);
    auto* choice = new wxChoice(parent, wxID_ANY);
    grid->Add(choice, 1, wxEXPAND);
    return choice;
}

} // namespace

ScanDialog::ScanDialog(wxWindow* parent, journal::Session& session,
                       std::function<void(const PageRecord&)> onStored)
    : wxDialog(parent, wxID_ANY, _("Scan"), wxDefaultPosition, wxDefaultSize,
               wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER),
      session_(session), onStored_(std::move(onStored)),
      source_(capture::makePageSource(capture::SourceKind::Scanner)) {
    wxSizer* settings = buildSettings();
    gauge_ = new wxGauge(this, wxID_ANY, 100);
    gauge_->SetName(_("Scan progress"));
    gauge_->SetToolTip(_("How far the scan has come"));
    status_ = new wxStaticText(this, wxID_ANY, _("Looking for scanners..."));
    scan_ = new wxButton(this, wxID_ANY, _("&Scan"));
    cancel_ = new wxButton(this, wxID_ANY, _("&Cancel Scan"));
    searchNetwork_ = new wxButton(this, wxID_ANY, _("Search the &network"));
    searchNetwork_->SetName("searchNetwork");
    searchNetwork_->SetToolTip(
        _("Look for scanners on the local network too (sends discovery messages to the "
          "network; never done without this button)"));
    auto* close = new wxButton(this, wxID_CLOSE, _("&Done"));
    scan_->SetToolTip(_("Scan with these settings; the pages appear in the session as they come"));
    cancel_->SetToolTip(_("Stop after the page being scanned; the pages scanned so far are kept"));
    scan_->Disable();
    cancel_->Disable();
    auto* buttons = new wxBoxSizer(wxHORIZONTAL);
    buttons->Add(scan_, 0, wxRIGHT, 6);
    buttons->Add(cancel_, 0, wxRIGHT, 6);
    buttons->Add(searchNetwork_, 0, wxRIGHT, 6);
    buttons->AddStretchSpacer();
    buttons->Add(close);

    auto* main = new wxBoxSizer(wxVERTICAL);
    main->Add(settings, 0, wxEXPAND | wxALL, 12);
    main->Add(gauge_, 0, wxEXPAND | wxLEFT | wxRIGHT, 12);
    main->Add(status_, 0, wxEXPAND | wxALL, 12);
    main->Add(buttons, 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, 12);
    SetSizerAndFit(main);
    SetSize(wxSize(std::max(GetSize().x, 520), GetSize().y));

    Bind(wxEVT_CHAR_HOOK, [this](wxKeyEvent& e) {
        if (e.GetKeyCode() == WXK_ESCAPE)
            Close();
        else
            e.Skip();
    });
    scan_->Bind(wxEVT_BUTTON, &ScanDialog::onScan, this);
    cancel_->Bind(wxEVT_BUTTON, &ScanDialog::onCancel, this);
    searchNetwork_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        if (work_.running() && cancel_->IsEnabled())
            return; // scanning
        join();
        listDevices(true);
    });
    close->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        join(); // a running scan is cancelled; its pages so far stay in the session
        EndModal(wxID_OK);
    });
    Bind(wxEVT_CLOSE_WINDOW, [this](wxCloseEvent& e) {
        join(); // a running scan is cancelled; its pages so far stay in the session
        e.Skip();
    });
    listDevices(false);
}

// Scanner, paper, colour, resolution and page count, as they were set last time.
wxSizer* ScanDialog::buildSettings() {
    auto* grid = new wxFlexGridSizer(2, 8, 8);
    grid->AddGrowableCol(1);
    devices_ = labelled(this, grid, _("Scanner:"));
    devices_->SetName(_("Scanner"));
    devices_->SetToolTip(_("The scanner to scan with (found on this computer and its network by SANE)"));
    paper_ = labelled(this, grid, _("Paper:"));
    paper_->SetName(_("Paper"));
    paper_->SetToolTip(_("Where the paper lies: on the glass, or in the feeder (one or both sides)"));
    paper_->Append(_("Flatbed"));
    paper_->Append(_("Feeder, one side"));
    paper_->Append(_("Feeder, both sides"));
    mode_ = labelled(this, grid, _("Colour:"));
    mode_->SetName(_("Colour"));
    mode_->SetToolTip(_("Colour, grey or black and white pages"));
    mode_->Append(_("Colour"));
    mode_->Append(_("Grey"));
    mode_->Append(_("Black and white"));
    resolution_ = labelled(this, grid, _("Resolution:"));
    resolution_->SetName(_("Resolution"));
    resolution_->SetToolTip(_("Dots per inch: 300 reads barcodes and text well"));
    for (int dpi : kResolutions)
        resolution_->Append(wxString::Format(_("%d dpi"), dpi));
    grid->Add(new wxStaticText(this, wxID_ANY, _("Pages:")), 0, wxALIGN_CENTER_VERTICAL);
    pageLimit_ =
        new wxSpinCtrl(this, wxID_ANY, "", wxDefaultPosition, wxDefaultSize, wxSP_ARROW_KEYS, 0, 9999, 0);
    pageLimit_->SetName(_("Pages to scan"));
    pageLimit_->SetToolTip(_("Stop after this many pages; 0 scans until the feeder is empty"));
    grid->Add(pageLimit_, 1, wxEXPAND);
    // The settings used last time.
    wxConfigBase* config = wxConfigBase::Get();
    paper_->SetSelection(static_cast<int>(config->ReadLong("scan/paper", 0)));
    mode_->SetSelection(static_cast<int>(config->ReadLong("scan/mode", 1)));
    resolution_->SetSelection(static_cast<int>(config->ReadLong("scan/resolution", 2)));
    pageLimit_->SetValue(static_cast<int>(config->ReadLong("scan/pages", 0)));
    return grid;
}

ScanDialog::~ScanDialog() {
    join();
}

void ScanDialog::join() {
    work_.discard();
}

void ScanDialog::listDevices(bool network) {
    std::shared_ptr<capture::PageSource> source = source_;
    if (network) {
        capture::PageSourceOptions options;
        options.scanner.network = true;
        source = capture::makePageSource(capture::SourceKind::Scanner, options);
        searchNetwork_->Disable();
        status_->SetLabel(_("Searching the network for scanners..."));
    }
    work_.start([source](std::stop_token stop, const WindowQueue&) { return source->devices(stop); },
                [this, network](TaskResult<std::vector<capture::DeviceInfo>> result) {
                    if (!result.failure) {
                        showDevices(result.value, network);
                        return;
                    }
                    status_->SetLabel(wxString::FromUTF8(result.failure->summary));
                    searchNetwork_->Enable();
                });
}

void ScanDialog::showDevices(const std::vector<capture::DeviceInfo>& devices, bool network) {
    const wxString last = wxConfigBase::Get()->Read("scan/device", "");
    int added = 0;
    for (const auto& d : devices) {
        if (std::find(deviceNames_.begin(), deviceNames_.end(), d.name) != deviceNames_.end())
            continue;
        ++added;
        deviceNames_.push_back(d.name);
        const std::string label = d.vendor.empty() ? d.name : d.vendor + " " + d.model + " (" + d.name + ")";
        devices_->Append(wxString::FromUTF8(label));
        if (wxString::FromUTF8(d.name) == last)
            devices_->SetSelection(devices_->GetCount() - 1);
    }
    searchNetwork_->Enable();
    if (deviceNames_.empty()) {
        status_->SetLabel(network
                              ? _("No scanner found, neither on this computer nor on the network.")
                              : _("No scanner found. Is it connected and switched on? A network scanner is "
                                  "listed after \"Search the network\"."));
        return;
    }
    if (devices_->GetSelection() == wxNOT_FOUND)
        devices_->SetSelection(0);
    status_->SetLabel(network ? wxString::Format(wxPLURAL("Found %d more scanner on the network.",
                                                          "Found %d more scanners on the network.", added),
                                                 added)
                              : _("Ready."));
    scan_->Enable();
    scan_->SetDefault(); // Enter scans
    scan_->SetFocus();
}

void ScanDialog::onScan(wxCommandEvent&) {
    const int device = devices_->GetSelection();
    if (device == wxNOT_FOUND)
        return;
    join();
    capture::AcquireSettings settings;
    settings.device = deviceNames_[static_cast<size_t>(device)];
    const capture::PaperSource papers[] = {capture::PaperSource::Flatbed, capture::PaperSource::Feeder,
                                           capture::PaperSource::Duplex};
    const capture::ColourMode modes[] = {capture::ColourMode::Color, capture::ColourMode::Gray,
                                         capture::ColourMode::Lineart};
    settings.source = papers[std::max(0, paper_->GetSelection())];
    settings.mode = modes[std::max(0, mode_->GetSelection())];
    settings.resolution = kResolutions[std::max(0, resolution_->GetSelection())];
    settings.maxPages = pageLimit_->GetValue();
    wxConfigBase* config = wxConfigBase::Get();
    config->Write("scan/device", wxString::FromUTF8(settings.device));
    config->Write("scan/paper", static_cast<long>(paper_->GetSelection()));
    config->Write("scan/mode", static_cast<long>(mode_->GetSelection()));
    config->Write("scan/resolution", static_cast<long>(resolution_->GetSelection()));
    config->Write("scan/pages", static_cast<long>(pageLimit_->GetValue()));

    pages_ = 0;
    scan_->Disable();
    cancel_->Enable();
    gauge_->SetValue(0);
    status_->SetLabel(_("Scanning..."));
    auto source = source_;
    journal::Session* session = &session_;
    // The sink is the work's: `then` learns from it how many pages were kept after a failure.
    auto stored = std::make_shared<std::atomic<int>>(0);
    work_.start(
        [this, source, session, settings, stored](std::stop_token stop, const WindowQueue& ui) {
            capture::JournalPageSink sink(
                *session,
                {[this, &ui, stored](const capture::AcquiredPage&, const PageRecord& page) {
                     ++*stored;
                     ui.post([this, page] {
                         ++pages_;
                         onStored_(page);
                     });
                 },
                 [this, &ui](const capture::AcquireProgress& p) { ui.post([this, p] { showProgress(p); }); },
                 {}});
            return source->acquire(settings, stop, sink);
        },
        [this, stored](TaskResult<capture::AcquireSummary> result) {
            if (result.failure) {
                const int n = *stored;
                finished(wxString::FromUTF8(result.failure->summary) + "\n" +
                         wxString::Format(wxPLURAL("The %d page scanned before is kept.",
                                                   "The %d pages scanned before are kept.", n),
                                          n));
                return;
            }
            const auto& summary = result.value;
            const wxString end = summary.end == capture::AcquireEnd::Cancelled ? wxString(_("Cancelled."))
                                 : summary.end == capture::AcquireEnd::FeederEmpty
                                     ? wxString(_("The feeder is empty."))
                                     : wxString(_("Done."));
            finished(wxString::Format(wxPLURAL("%d page scanned. ", "%d pages scanned. ", summary.pages),
                                      summary.pages) +
                     end);
        });
}

void ScanDialog::showProgress(const capture::AcquireProgress& p) {
    if (p.fraction >= 0)
        gauge_->SetValue(static_cast<int>(p.fraction * 100));
    else
        gauge_->Pulse();
    status_->SetLabel(wxString::Format(_("Scanning page %d..."), p.page));
}

void ScanDialog::onCancel(wxCommandEvent&) {
    cancel_->Disable();
    status_->SetLabel(_("Cancelling..."));
    work_.requestStop(); // the scanner stops after the page it is reading; pages so far stay
}

void ScanDialog::finished(const wxString& message) {
    gauge_->SetValue(0);
    status_->SetLabel(message);
    status_->Wrap(GetClientSize().x - 24);
    Layout();
    cancel_->Disable();
    scan_->Enable();
}

} // namespace docdesk::gui
