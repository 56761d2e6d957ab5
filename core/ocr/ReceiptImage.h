#pragma once
// A receipt's picture made fit for Tesseract. A receipt photographed or scanned whole and cut out
// comes smaller than the 300-dpi scan Tesseract reads best (a phone photo of a long receipt: a
// fifth of that size), under uneven light (a gradient, the phone's shadow) and on paper printed
// with faint adverts. Tesseract's global (Otsu) threshold then loses whole lines in the darker
// part and its character models fail on text a few pixels high. So the paper's light is divided
// out when it is uneven (the background, estimated by closing the print away, becomes white), the
// picture is enlarged until its text is as tall as on a 300-dpi scan (a receipt's width tells its
// text's size: till printers use one font size on every roll width, 12 x 24 dots: 32 characters
// on a 58 mm roll, 48 on an 80 mm one), and its barcodes are whitened.
#include <opencv2/core.hpp>

namespace docdesk::ocr {

struct PreparedReceipt {
    cv::Mat grey;     // 8-bit, white paper, the text dark
    double scale = 1; // grey's size over the original's (1 or more)
    int dpi = 0;      // the resolution grey's text has: kReceiptDpi when enlarged, else 0 (the page's)
};

// The width in pixels of a receipt scanned at 300 dpi (an 80 mm roll's print, 72-76 mm): the text
// of a receipt this wide is as tall as Tesseract reads best (about 30 pixels).
inline constexpr int kReceiptWidth = 860;
inline constexpr int kReceiptDpi = 300;

// `grey`: the receipt, 8-bit one channel. Enlarged to kReceiptWidth when narrower (at most 4 times
// and to at most 12 megapixels), never made smaller.
PreparedReceipt prepareReceipt(const cv::Mat& grey);

// The picture with its paper's light divided out: the background white, text and print keeping
// their contrast to the paper around them; a copy of it when its paper is evenly lit (a scan).
// `largestPrint`: the height in pixels of the largest print that is not background.
cv::Mat flattenBackground(const cv::Mat& grey, int largestPrint);

// Whitens the barcodes of a receipt's grey (white paper, dark print): their bars, taller than
// any text, would join the text line printed right under or over them into one line that
// Tesseract misreads (the till's date line often sits under the receipt's barcode).
void eraseBarcodes(cv::Mat& grey);

} // namespace docdesk::ocr
