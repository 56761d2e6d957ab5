// The reference for startup_bench: the smallest wxWidgets (GTK) program that shows a window,
// reporting "ready" on its event loop's first pass exactly as docdesk's latency probe does
// (DOCDESK_UI_LATENCY_LOG). docdesk's start-up is quoted as a ratio to this one: what docdesk
// itself adds on top of starting the toolkit.
#include <cstdio>
#include <cstdlib>
#include <wx/app.h>
#include <wx/frame.h>

namespace {

class ReferenceApp : public wxApp {
  public:
    bool OnInit() override {
        auto* frame =
            new wxFrame(nullptr, wxID_ANY, "startup reference", wxDefaultPosition, wxSize(1000, 700));
        frame->Show();
        frame->CallAfter([] {
            if (const char* path = std::getenv("DOCDESK_UI_LATENCY_LOG"); path != nullptr && *path != '\0') {
                if (std::FILE* log = std::fopen(path, "a")) {
                    std::fprintf(log, "ready\n");
                    std::fclose(log);
                }
            }
        });
        return true;
    }
};

} // namespace

wxIMPLEMENT_APP(ReferenceApp);
