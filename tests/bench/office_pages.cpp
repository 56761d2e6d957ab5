// Writes realistic benchmark pages (tests/support/OfficePages.h) as grey 300-dpi JPEGs, for
// the end-to-end benchmark script and for looking at them.
//   office_pages DIR [count=60] [first=0]
// DIR/page-NNN.jpg, and DIR/codes.tsv: file, format, text of every code printed.
#include "tests/support/OfficePages.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

namespace fs = std::filesystem;

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: office_pages DIR [count=60] [first=0]\n");
        return 2;
    }
    const fs::path dir = argv[1];
    const int count = argc > 2 ? std::atoi(argv[2]) : 60;
    const int first = argc > 3 ? std::atoi(argv[3]) : 0;
    fs::create_directories(dir);
    std::ofstream codes(dir / "codes.tsv");
    for (int i = first; i < first + count; ++i) {
        char name[32];
        std::snprintf(name, sizeof name, "page-%03d.jpg", i);
        const auto page = docdesk::test::makeOfficePage(i);
        docdesk::test::writeOfficeJpeg(page, dir / name);
        for (const auto& code : page.codes)
            codes << name << '\t' << code.format << '\t' << code.text << '\n';
    }
    return 0;
}
