#include "app/common/PageRecognition.h"

#include "core/common/Translate.h"

#include <filesystem>

namespace docdesk::app {

std::shared_ptr<const PageTexts> recognisePages(std::span<const PageRecord> pages, AnalysisWorker& worker,
                                                const std::string& languages, double pdfDpi,
                                                std::stop_token stop, std::vector<std::string>& errors,
                                                const std::function<void(size_t, size_t)>& onDone) {
    // A clear message before any page is sent.
    const std::string chosen = ocr::requireLanguagesOrDefault(languages);
    std::vector<AnalysisRequest> requests;
    std::vector<const PageRecord*> recorded;
    for (const PageRecord& p : pages) {
        if (p.isPassThrough())
            continue;
        AnalysisRequest r{p.originalFile, p.mediaType, p.sourcePage, pdfDpi, chosen, p.transformsJson};
        requests.push_back(std::move(r));
        recorded.push_back(&p);
    }
    auto texts = std::make_shared<PageTexts>();
    size_t done = 0;
    worker.analyseMany(
        requests,
        [&](size_t i, AnalysisOutcome& outcome) {
            const PageRecord& p = *recorded[i];
            if (outcome.ok) {
                try {
                    texts->emplace(p.id, ocr::pageTextFromJson(outcome.analysis));
                } catch (const nlohmann::json::exception&) {
                    outcome.ok = false;
                    outcome.error = tr("the worker gave an unreadable answer");
                }
            }
            if (!outcome.ok)
                errors.push_back(trf("{} page {}: text recognition failed: {}",
                                     std::filesystem::path(p.source).filename().string(), p.sourcePage,
                                     outcome.error));
            if (onDone)
                onDone(++done, requests.size());
        },
        stop);
    return texts;
}

void attachTexts(std::vector<rules::PlanPage>& planPages, std::span<const PageRecord> imagePages,
                 const PageTexts& texts) {
    for (size_t i = 0; i < planPages.size() && i < imagePages.size(); ++i)
        if (const auto it = texts.find(imagePages[i].id); it != texts.end())
            planPages[i].text = std::make_shared<const ocr::PageText>(it->second);
}

} // namespace docdesk::app
