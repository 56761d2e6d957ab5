// The docdesk-worker line protocol, as both sides read it. The first byte picks the side:
//   even: the rest is a request line as the worker reads it; an accepted request must survive
//         being written and read again unchanged, and its page edits (ocr) are parsed as the
//         worker parses them;
//   odd:  the rest is an answer line as AnalysisWorker reads it, for the operation named by the
//         second byte; a failed outcome must say why.
#include "FuzzInput.h"
#include "app/common/WorkerProtocol.h"
#include "core/model/PageTransforms.h"

#include <array>

using namespace docdesk;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2)
        return 0;
    if (data[0] % 2 == 0) {
        app::WorkerRequest request;
        try {
            request = app::parseWorkerRequest(fuzz::textOf(data + 1, size - 1));
        } catch (const Error& e) {
            fuzz::expectMessage(e);
            return 0;
        }
        const auto again = app::parseWorkerRequest(app::workerRequestLine(request)); // must not throw
        fuzz::require(again.op == request.op && again.file == request.file &&
                          again.mediaType == request.mediaType && again.page == request.page &&
                          again.dpi == request.dpi,
                      "a request reads back as it was written");
        fuzz::require(request.page >= 1 && request.page <= app::kWorkerMaxPage, "the page is in range");
        if (request.op == "ocr") {
            try {
                (void)PageTransforms::parse(request.transforms);
            } catch (const Error& e) {
                fuzz::expectMessage(e);
            }
        }
        return 0;
    }
    static const std::array<const char*, 4> ops = {"analyse", "count", "crop", "ocr"};
    const auto outcome = app::parseWorkerAnswer(fuzz::textOf(data + 2, size - 2), ops[data[1] % ops.size()]);
    fuzz::require(outcome.ok || !outcome.error.empty(), "a failed outcome says why");
    return 0;
}
