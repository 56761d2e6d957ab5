#pragma once
// The plugin docdesk-ocr.so (built from OcrPlugin.cpp): Tesseract behind a C entry point,
// loaded by docdesk-worker on its first OCR request only. Tesseract and Leptonica bring some
// 50 shared libraries (libarchive, curl, GnuTLS, Kerberos, image formats...) whose loading cost
// every worker about 25 ms of CPU and 40 ms of its start, although most workers only analyse
// pages; `docdesk-cli inspect` pays that start once per run.
#include "core/model/ImageView.h"
#include "core/ocr/PageText.h"

#include <string>

namespace docdesk::worker {

// The plugin's entry points; kVersion changes whenever this table does. The functions throw
// nothing but std::bad_alloc: other failures come back as `error`.
struct OcrPluginApi {
    static constexpr int kVersion = 1;
    int version;
    // Leptonica's messages go to `logFile` (ocr::routeLibraryMessages); called once, on loading.
    void (*routeLibraryMessages)(const char* logFile);
    // An engine for `languages` ("deu+eng"); nullptr with `error` set when it cannot start.
    void* (*createEngine)(const std::string& languages, std::string* error);
    void (*destroyEngine)(void* engine);
    // The text of `page` scanned at `dpi` into `out`; false with `error` set when it fails.
    bool (*recognise)(void* engine, const ImageView& page, int dpi, ocr::PageText* out, std::string* error);
};

} // namespace docdesk::worker

extern "C" const docdesk::worker::OcrPluginApi* docdesk_ocr_plugin();
