// docdesk-ocr.so: ocr::TesseractEngine behind the C entry point docdesk_ocr_plugin() (see
// OcrPlugin.h for why this is a plugin). Only docdesk-worker loads it.
#include "app/worker/OcrPlugin.h"

#include "core/ocr/TesseractEngine.h"

#include <exception>
#include <new>

namespace {

using docdesk::worker::OcrPluginApi;

void routeMessages(const char* logFile) {
    docdesk::ocr::routeLibraryMessages(logFile);
}

void* createEngine(const std::string& languages, std::string* error) {
    try {
        return new docdesk::ocr::TesseractEngine(languages);
    } catch (const std::bad_alloc&) {
        throw;
    } catch (const std::exception& e) {
        *error = e.what();
        return nullptr;
    }
}

void destroyEngine(void* engine) {
    delete static_cast<docdesk::ocr::TesseractEngine*>(engine);
}

bool recognise(void* engine, const docdesk::ImageView& page, int dpi, docdesk::ocr::PageText* out,
               std::string* error) {
    try {
        *out = static_cast<docdesk::ocr::TesseractEngine*>(engine)->recognise(page, dpi);
        return true;
    } catch (const std::bad_alloc&) {
        throw;
    } catch (const std::exception& e) {
        *error = e.what();
        return false;
    }
}

const OcrPluginApi kApi{OcrPluginApi::kVersion, routeMessages, createEngine, destroyEngine, recognise};

} // namespace

extern "C" __attribute__((visibility("default"))) const OcrPluginApi* docdesk_ocr_plugin() {
    return &kApi;
}
