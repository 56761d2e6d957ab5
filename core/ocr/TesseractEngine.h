#pragma once
// The OCR engine: Tesseract 5 through its C++ API, behind docdesk's own types. One engine
// recognises one page at a time on one thread (docdesk-worker runs one per process with
// OMP_THREAD_LIMIT=1, and a pool of processes for parallelism). Only docdesk-worker and the
// tests link it (library docdesk_ocr): untrusted page images are recognised outside the app.
#include "core/model/ImageView.h"
#include "core/ocr/PageText.h"

#include <filesystem>
#include <memory>
#include <string>

namespace tesseract {
class TessBaseAPI;
}

namespace docdesk::ocr {

// Sends what Leptonica (Tesseract's image library) prints ("Error in boxClipToRectangle: box
// outside rectangle", "Warning: ... resolution") to `logFile` instead of the user's terminal,
// each line marked "leptonica:"; the file is started afresh (the old one kept as NAME.1) when it
// passes 1 MiB. Tesseract's own chatter is switched off in each engine. Call once, first.
void routeLibraryMessages(const std::filesystem::path& logFile);

class TesseractEngine {
  public:
    // Loads the languages ("deu+eng"); throws docdesk::Error when one is not installed or
    // Tesseract cannot start.
    explicit TesseractEngine(const std::string& languages);
    TesseractEngine(const TesseractEngine&) = delete;
    TesseractEngine& operator=(const TesseractEngine&) = delete;
    ~TesseractEngine();

    const std::string& languages() const { return languages_; }
    // The words and text of a grey or BGR page scanned at `dpi`. Throws docdesk::Error when
    // Tesseract fails on it.
    PageText recognise(const ImageView& page, int dpi);

  private:
    std::string languages_;
    std::unique_ptr<tesseract::TessBaseAPI> api_;
};

} // namespace docdesk::ocr
