#pragma once
// Realistic benchmark pages (issue 16): 300-dpi A4 scans that look like office mail, rendered
// with a real TrueType font (DejaVu, through OpenCV's FreeType module): a letterhead, an
// address block, dense lines of body text, a table, a rotated stamp, a photo, and on every
// third page barcodes of several kinds and sizes (Code 128, Code 39, EAN-13, QR, DataMatrix).
// Some pages are scanned a little skewed, some upside down; all get scan noise. Deterministic:
// page `index` is the same page on every run and machine with the same fonts.
#include <filesystem>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

namespace docdesk::test {

struct PageCode {
    std::string format; // ZXing name: "Code128", "QRCode", ...
    std::string text;
};

struct OfficePage {
    cv::Mat grey;                // 2480 x 3508 (x scale), 8-bit grey
    std::vector<PageCode> codes; // the codes printed on it (empty on two pages of three)
    double skewDegrees = 0;      // how the page was turned when "scanned"
};

// Throws std::runtime_error when no usable TrueType font is installed.
OfficePage makeOfficePage(int index, double scale = 1.0);

// The page as a grey (or, with colour, BGR: a blue logo and a red stamp) JPEG of quality 85,
// as a scanner delivers it.
void writeOfficeJpeg(const OfficePage& page, const std::filesystem::path& file, bool colour = false);

// Pages of /work/shared/corpus/paperless-barcodes rendered at 300 dpi (pdftoppm) as grey PNGs
// into `dir`; empty when the corpus (or pdftoppm) is absent. At most `maxPages` pages.
std::vector<std::filesystem::path> corpusBarcodePages(const std::filesystem::path& dir, int maxPages = 40);

} // namespace docdesk::test
