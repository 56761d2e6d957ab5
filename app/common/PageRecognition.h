#pragma once
// OCR of the pages about to be filed: each page rendered with its edits (the cut, straightened,
// enhanced page that goes into the document) is read by Tesseract in docdesk-worker, in the
// same pool, with the same limits and crash containment as analysis. The texts feed the
// searchable text layer of the PDFs (pipeline::FilingOptions::pageTexts).
#include "app/common/AnalysisWorker.h"
#include "core/model/Page.h"
#include "core/ocr/PageText.h"
#include "core/rules/FilingPlan.h"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <stop_token>
#include <string>
#include <vector>

namespace docdesk::app {

using PageTexts = std::map<std::int64_t, ocr::PageText>; // by PageRecord::id

// The text of each of `pages` in `languages` ("deu+eng"; empty: ocr::defaultLanguages()). A
// page that fails is left out and reported in `errors` ("source page N: text recognition
// failed: reason"); the others go on. `onDone(done, total)` reports progress. Throws
// docdesk::Error before any work when a language is not installed.
std::shared_ptr<const PageTexts>
recognisePages(std::span<const PageRecord> pages, AnalysisWorker& worker, const std::string& languages,
               double pdfDpi, std::stop_token stop, std::vector<std::string>& errors,
               const std::function<void(size_t done, size_t total)>& onDone = {});

// Gives each plan page its OCR text, for text fields and receipt data (plan pages and image pages
// share their index, as in PreparedBatch).
void attachTexts(std::vector<rules::PlanPage>& planPages, std::span<const PageRecord> imagePages,
                 const PageTexts& texts);

} // namespace docdesk::app
