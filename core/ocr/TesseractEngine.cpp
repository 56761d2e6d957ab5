#include "core/ocr/TesseractEngine.h"

#include "core/common/Error.h"
#include "core/common/Translate.h"
#include "core/imaging/PageRasterCv.h"
#include "core/ocr/Receipt.h"
#include "core/ocr/ReceiptImage.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <leptonica/allheaders.h>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <optional>
#include <tesseract/baseapi.h>
#include <tesseract/resultiterator.h>

namespace docdesk::ocr {
namespace {

// Text Tesseract allocated, as std::string (empty for null).
std::string takeText(char* text) {
    std::string out = text ? text : "";
    delete[] text;
    return out;
}

// Tesseract's text without the line breaks and spaces it ends with.
std::string withoutTrailingBreaks(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
        text.pop_back();
    return text;
}

std::ptrdiff_t digitCount(const std::string& text) {
    return std::count_if(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Words of the recognised page, numbered by text line.
std::vector<Word> collectWords(tesseract::TessBaseAPI& api) {
    std::vector<Word> words;
    std::unique_ptr<tesseract::ResultIterator> it(api.GetIterator());
    if (!it)
        return words;
    int line = -1;
    do {
        if (it->IsAtBeginningOf(tesseract::RIL_TEXTLINE))
            ++line;
        Word w;
        w.text = takeText(it->GetUTF8Text(tesseract::RIL_WORD));
        int left = 0, top = 0, right = 0, bottom = 0;
        if (w.text.empty() || !it->BoundingBox(tesseract::RIL_WORD, &left, &top, &right, &bottom))
            continue;
        w.x = left;
        w.y = top;
        w.width = right - left;
        w.height = bottom - top;
        w.confidence = std::clamp(int(it->Confidence(tesseract::RIL_WORD) + 0.5f), 0, 100);
        w.line = std::max(line, 0);
        words.push_back(std::move(w));
    } while (it->Next(tesseract::RIL_WORD));
    return words;
}

// Whether a page is a till receipt: a strip of 57-80 mm paper, or anything at least 1.8 times as
// tall as wide. Its text is one column whose labels and amounts sit far apart on the same line;
// Tesseract's automatic layout splits them into two blocks ("SUMME" here, "8,83" far below),
// while reading it as a single column keeps each label with its amount.
bool isReceiptStrip(int width, int height, int dpi) {
    const double inches = double(width) / std::max(dpi, 1);
    return height >= width * 18 / 10 || (inches <= 4.5 && height >= width * 12 / 10);
}

// A receipt's grey for OCR: the brightest of its colour channels. Thermal print is black in every
// channel, while the shop's logo, adverts and coupons printed in colour on the paper (often on
// its back, showing through) are bright in at least one and fade away instead of being read
// as text that splits the receipt's columns.
cv::Mat receiptGrey(const cv::Mat& page) {
    if (page.channels() < 3)
        return imaging::detail::toGrey(page);
    std::vector<cv::Mat> channels;
    cv::split(page, channels);
    cv::Mat grey = cv::max(channels[0], channels[1]);
    return cv::max(grey, channels[2]);
}

// Word boxes found on an enlarged picture, in the page's pixels (kept inside the page).
void scaleBoxes(std::vector<Word>& words, double factor, int width, int height) {
    for (auto& w : words) {
        const int left = std::clamp(int(std::floor(w.x * factor)), 0, width - 1);
        const int top = std::clamp(int(std::floor(w.y * factor)), 0, height - 1);
        const int right = std::clamp(int(std::ceil((w.x + w.width) * factor)), left + 1, width);
        const int bottom = std::clamp(int(std::ceil((w.y + w.height) * factor)), top + 1, height);
        w.x = left;
        w.y = top;
        w.width = right - left;
        w.height = bottom - top;
    }
}

struct TextLine {
    std::string text; // without its line break
    cv::Rect box;
    float confidence = 0;
};

// The text lines of the recognised page, in reading order.
std::vector<TextLine> collectLines(tesseract::TessBaseAPI& api) {
    std::vector<TextLine> lines;
    std::unique_ptr<tesseract::ResultIterator> it(api.GetIterator());
    if (!it)
        return lines;
    do {
        TextLine line;
        line.text = withoutTrailingBreaks(takeText(it->GetUTF8Text(tesseract::RIL_TEXTLINE)));
        int left = 0, top = 0, right = 0, bottom = 0;
        if (line.text.empty() || !it->BoundingBox(tesseract::RIL_TEXTLINE, &left, &top, &right, &bottom))
            continue;
        line.box = cv::Rect(left, top, right - left, bottom - top);
        line.confidence = it->Confidence(tesseract::RIL_TEXTLINE);
        lines.push_back(std::move(line));
    } while (it->Next(tesseract::RIL_TEXTLINE));
    return lines;
}

// `region` of the grey, twice as large, recognised as Tesseract is told (`mode`); false when it
// fails.
bool recogniseEnlarged(tesseract::TessBaseAPI& api, const cv::Mat& grey, const cv::Rect& region, int dpi,
                       tesseract::PageSegMode mode, cv::Mat& larger) {
    cv::resize(grey(region), larger, cv::Size(), 2, 2, cv::INTER_CUBIC);
    api.SetImage(larger.data, larger.cols, larger.rows, 1, int(larger.step));
    api.SetSourceResolution(std::clamp(dpi * 2, 70, 1200));
    api.SetPageSegMode(mode);
    return api.Recognize(nullptr) == 0;
}

// The line read again among its neighbours: a band of a line's height above and under it read
// as a block, and of the band's lines the one nearest the page's reading. Receipts print the
// date line right under its heading ("Datum Zeit BonNr"), so close that the page's line finding
// can cut through both and read neither; the band's own line finding parts them again.
std::optional<TextLine> rereadInBand(tesseract::TessBaseAPI& api, const cv::Mat& grey, int dpi,
                                     const TextLine& line) {
    const int reach = line.box.height;
    const cv::Rect band = (line.box + cv::Size(2 * reach, 2 * reach) - cv::Point(reach, reach)) &
                          cv::Rect(0, 0, grey.cols, grey.rows);
    cv::Mat larger;
    if (band.area() <= 0 || !recogniseEnlarged(api, grey, band, dpi, tesseract::PSM_SINGLE_BLOCK, larger))
        return std::nullopt;
    std::optional<TextLine> nearest;
    size_t distance = line.text.size();
    for (auto& candidate : collectLines(api))
        if (const size_t d = editDistance(candidate.text, line.text); d < distance) {
            distance = d;
            nearest = std::move(candidate);
        }
    return nearest;
}

// Lines of a receipt that Tesseract read with doubt and that hold digits (dates, amounts) are
// read once more, alone and at twice the size: thermal print's thin, broken strokes are read
// better larger. Lines that may hold the receipt's date or total (ocr::mayHoldReceiptData) and
// are still doubtful are read among their neighbours too (rereadInBand). The most confident
// reading is kept. At most 60 lines a page.
void rereadDoubtfulLines(tesseract::TessBaseAPI& api, const cv::Mat& grey, int dpi,
                         std::vector<TextLine>& lines) {
    constexpr float kDoubtful = 85;
    int reread = 0;
    for (auto& line : lines) {
        const auto digits = digitCount(line.text);
        if (line.confidence >= kDoubtful || digits == 0 || ++reread > 60)
            continue;
        const int pad = std::max(4, line.box.height / 4);
        const cv::Rect around = (line.box + cv::Size(2 * pad, 2 * pad) - cv::Point(pad, pad)) &
                                cv::Rect(0, 0, grey.cols, grey.rows);
        if (around.area() <= 0)
            continue;
        // A reading that lost digits lost what the line is read again for ("Total 1.95" is not
        // "Total bee", however sure Tesseract is of it).
        const auto keepIfBetter = [&](TextLine reading) {
            if (reading.confidence > line.confidence && digitCount(reading.text) >= digits) {
                line.text = std::move(reading.text);
                line.confidence = reading.confidence;
            }
        };
        cv::Mat larger;
        if (recogniseEnlarged(api, grey, around, dpi, tesseract::PSM_SINGLE_LINE, larger))
            if (std::string text = withoutTrailingBreaks(takeText(api.GetUTF8Text()));
                !text.empty() && text.find('\n') == std::string::npos)
                keepIfBetter({std::move(text), line.box, float(api.MeanTextConf())});
        // Still doubtful after that: read among its neighbours when it matters for the receipt.
        if (line.confidence < kDoubtful && mayHoldReceiptData(line.text))
            if (auto inBand = rereadInBand(api, grey, dpi, line))
                keepIfBetter(std::move(*inBand));
    }
}

std::filesystem::path& messageLog() {
    static std::filesystem::path file;
    return file;
}

// Leptonica's messages, appended to the log (opened per message: they are rare, and several
// worker processes share the file).
void logLibraryMessage(const char* message) {
    const auto& file = messageLog();
    std::error_code ec;
    if (std::filesystem::file_size(file, ec) > (1u << 20) && !ec)
        std::filesystem::rename(file, std::filesystem::path(file) += ".1", ec);
    if (std::FILE* log = std::fopen(file.c_str(), "a")) {
        std::fprintf(log, "leptonica: %s", message);
        std::fclose(log);
    }
}

} // namespace

void routeLibraryMessages(const std::filesystem::path& logFile) {
    std::error_code ec;
    std::filesystem::create_directories(logFile.parent_path(), ec);
    messageLog() = logFile;
    leptSetStderrHandler(logLibraryMessage);
}

TesseractEngine::TesseractEngine(const std::string& languages)
    : languages_(languages), api_(std::make_unique<tesseract::TessBaseAPI>()) {
    requireLanguages(languages);
    const std::string data = tessdataFolder();
    // Tesseract's chatter ("Estimating resolution as ...") goes nowhere, from the start: the page's
    // resolution is always set, so what it would say is noise (Leptonica's: routeLibraryMessages).
    std::vector<std::string> names{"debug_file"}, values{"/dev/null"};
    if (api_->Init(data.c_str(), languages.c_str(), tesseract::OEM_LSTM_ONLY, nullptr, 0, &names, &values,
                   false) != 0)
        throw Error(trf("Tesseract could not load the languages {} from {}.", languages, data));
}

TesseractEngine::~TesseractEngine() {
    if (api_)
        api_->End();
}

PageText TesseractEngine::recognise(const ImageView& page, int dpi) {
    if (page.empty())
        throw Error(tr("There is no page image to recognise."));
    // Tesseract binarises grey itself; colour adds nothing but time.
    const cv::Mat image = imaging::detail::asMat(page);
    const bool receipt = isReceiptStrip(page.width, page.height, dpi);
    // A receipt is read from its grey made fit for Tesseract (light divided out, enlarged when
    // small); its words' boxes are scaled back to the page's pixels.
    PreparedReceipt prepared;
    if (receipt)
        prepared = prepareReceipt(receiptGrey(image));
    else
        prepared.grey = imaging::detail::toGrey(image);
    const cv::Mat& grey = prepared.grey;
    const int readDpi = std::clamp(prepared.dpi > 0 ? prepared.dpi : dpi, 70, 1200);
    api_->SetImage(grey.data, grey.cols, grey.rows, 1, int(grey.step));
    api_->SetSourceResolution(readDpi);
    api_->SetPageSegMode(receipt ? tesseract::PSM_SINGLE_COLUMN : tesseract::PSM_AUTO);
    if (api_->Recognize(nullptr) != 0) {
        api_->Clear();
        throw Error(tr("Tesseract could not recognise the page."));
    }
    PageText out;
    out.width = page.width;
    out.height = page.height;
    out.words = collectWords(*api_);
    if (prepared.scale != 1)
        scaleBoxes(out.words, 1 / prepared.scale, page.width, page.height);
    if (!receipt) {
        out.text = takeText(api_->GetUTF8Text());
    } else {
        // A receipt's text comes line by line, doubtful lines read again (its words, for the
        // text layer, stay those of the whole page: their boxes are the page's).
        auto lines = collectLines(*api_);
        rereadDoubtfulLines(*api_, grey, readDpi, lines);
        for (const auto& line : lines)
            out.text += line.text + "\n";
    }
    api_->Clear();
    return out;
}

} // namespace docdesk::ocr
