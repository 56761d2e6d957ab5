#pragma once
// The accessibility check behind docdesk's hidden --audit-controls=FILE switch (used by
// gui_controls_test): while the app runs, every top-level window and dialog that appears is
// walked once it has been shown for a moment, and every control without a tooltip or without
// an accessible name of its own (a name other than wx's default, e.g. "button") is reported.
#include <filesystem>
#include <memory>

class wxEvtHandler;

namespace docdesk::gui {

// Report lines (tab-separated, appended and flushed as windows are walked):
//   window <TAB> title <TAB> number of controls checked
//   missing <TAB> window title <TAB> class <TAB> name <TAB> label <TAB> tooltip|name
// The audit runs while the returned object lives (the app keeps it until OnExit).
std::unique_ptr<wxEvtHandler> startControlAudit(const std::filesystem::path& report);

} // namespace docdesk::gui
