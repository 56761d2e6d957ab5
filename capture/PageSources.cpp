#include "capture/PageSources.h"

#include "capture/camera/CameraSource.h"
#include "capture/files/FileSource.h"
#include "capture/hotfolder/HotFolderSource.h"
#include "capture/scanner/ScannerSources.h"

#include <stdexcept>

namespace docdesk::capture {

std::unique_ptr<PageSource> makePageSource(SourceKind kind, PageSourceOptions options) {
    switch (kind) {
    case SourceKind::Files:
        return std::make_unique<FileSource>(std::move(options.paths));
    case SourceKind::HotFolder:
        if (options.paths.size() != 1)
            throw std::invalid_argument("a hot folder source watches exactly one folder");
        return std::make_unique<HotFolderSource>(options.paths.front());
    case SourceKind::Camera:
        return std::make_unique<CameraSource>();
    case SourceKind::Scanner:
        break;
    }
    return makeScannerSource(std::move(options.scanner));
}

std::vector<PageRecord> JournalPageSink::page(AcquiredPage&& page) {
    auto records = page.pieces
                       ? session_.addOriginal(page.pieces, page.source, page.mediaType, page.pageCount)
                       : session_.addOriginal(page.bytes, page.source, page.mediaType, page.pageCount);
    // The source's proposal is an edit like any other: the original stays as it came.
    if (!page.transformsJson.empty())
        for (auto& record : records) {
            session_.setTransforms(record.id, page.transformsJson);
            record.transformsJson = page.transformsJson;
        }
    storedPages_ += records.size();
    if (callbacks_.stored && !records.empty())
        callbacks_.stored(page, records.front());
    return records;
}

} // namespace docdesk::capture
