#pragma once
// The line protocol between docdesk-worker and the programs that start it (AnalysisWorker), as
// both sides read it: one JSON request per line in, one JSON answer per line out (the format
// is described in app/worker/main.cpp). Both readers check every field before anything is
// done with it, so a damaged or hostile line gives a clear error, never an exception from the
// JSON library, an out-of-range page or a non-finite resolution. Kept apart from the process
// handling so that they are tested and fuzzed on their own (tests/fuzz/fuzz_worker_protocol.cpp).
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace docdesk::app {

inline constexpr int kWorkerMaxPage = 1'000'000; // pages are 1-based; no file has more
inline constexpr double kWorkerMinDpi = 1;
inline constexpr double kWorkerMaxDpi = 2400;
inline constexpr int kWorkerMaxEdge = 65535;

struct WorkerRequest {
    std::string op; // analyse, count, crop, ocr; thumbnail, raster, encode (isDecodeOperation)
    std::string file;
    std::string mediaType; // may be empty: sniffed from the file
    int page = 1;          // 1-based
    double dpi = 300;
    std::string mode = "color";    // crop: color, gray or bw
    std::string out;               // crop: the folder the documents are written into
    std::string transforms = "{}"; // ocr, raster, encode: the page's edits (PageTransforms JSON)
    std::string languages = "eng"; // ocr: Tesseract languages ("deu+eng")
    int maxEdge = 0;               // thumbnail, raster: fit into maxEdge x maxEdge (0: as is)
    int jpegQuality = 85;          // encode
    bool g4 = false;               // encode: black-and-white pages as G4 data (for PDFs)
    // analyse: the worker keeps the decoded page until its next request, so that an "encode"
    // of the same page that follows right away (the filing render, rendered ahead by
    // `docdesk-cli file`) does not decode it again.
    bool keepDecoded = false;
};

// The operations whose answer line is followed by binary data (its length in "bytes"): the
// decoding done for the application (see app/worker/main.cpp).
bool isDecodeOperation(std::string_view op);

// The request on one line; docdesk::Error naming the field when the line is not a valid request.
WorkerRequest parseWorkerRequest(std::string_view line);
// The request as a line (without the newline), as parseWorkerRequest reads it.
std::string workerRequestLine(const WorkerRequest& request);

struct AnalysisOutcome {
    bool ok = false;
    nlohmann::ordered_json analysis; // PageAnalysis JSON when ok
    std::string error;               // translated reason when not
};

// The worker's answer to a request with operation `op`. An answer that is not what that
// operation answers (no object, "ok" not a boolean, a count without a positive page number and
// a media type, an error that is no text) becomes a failed outcome saying so.
AnalysisOutcome parseWorkerAnswer(std::string_view line, std::string_view op);

} // namespace docdesk::app
