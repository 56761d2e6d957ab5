// A program that links docdesk::rules and nothing else of docdesk: if the filing plan started
// to need OpenCV, libcurl or poppler (or any other module), this would not link, and
// tests/tools/check_program_libraries.cmake, which runs it, also reads the libraries it was
// linked with. It plans a small batch the way rules_test does and checks the outcome, so a
// rules target that links but does not work fails as well.
#include "core/rules/FilingPlan.h"
#include "core/rules/PlanJson.h"

#include <cstdio>
#include <vector>

using namespace docdesk;
using namespace docdesk::rules;

namespace {

PlanPage pageWith(const char* barcode, int number) {
    PlanPage p;
    p.source = "batch.pdf";
    p.page = number;
    p.width = 2480;
    p.height = 3508;
    if (barcode)
        p.barcodes.push_back(
            {"Code128", barcode, Quad{{{1190, 1734}, {1290, 1734}, {1290, 1774}, {1190, 1774}}}});
    return p;
}

} // namespace

int main() {
    // plain, separator, plain, plain: two documents, the separator dropped.
    const std::vector<PlanPage> pages{pageWith(nullptr, 1), pageWith("PATCHT", 2), pageWith(nullptr, 3),
                                      pageWith(nullptr, 4)};
    const FilingPlan plan = FilingPlanner(FilingRules{}).plan(pages);
    const bool ok = plan.documents.size() == 2 && plan.documents[0].pages == std::vector<std::size_t>{0} &&
                    plan.documents[1].pages == std::vector<std::size_t>{2, 3} && plan.dropped.size() == 1 &&
                    plan.dropped[0].page == 1 && plan.dropped[0].reason == DropReason::Separator;
    const std::string json = toJson(plan, pages).dump();
    std::printf("%s\n", json.c_str());
    if (!ok) {
        std::fprintf(stderr,
                     "rules_alone: unexpected plan (expected pages [0] and [2, 3], page 1 dropped)\n");
        return 1;
    }
    return 0;
}
