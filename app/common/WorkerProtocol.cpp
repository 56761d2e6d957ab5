#include "app/common/WorkerProtocol.h"

#include "core/common/Error.h"
#include "core/common/Translate.h"

#include <cmath>

namespace docdesk::app {
namespace {

using nlohmann::json;

// The text field `name`, `fallback` when absent; Error when present but not text.
std::string textField(const json& request, const char* name, std::string fallback) {
    if (!request.contains(name))
        return fallback;
    const auto& v = request[name];
    if (!v.is_string())
        throw Error(trf("Worker request: \"{}\" must be text.", name));
    return v.get<std::string>();
}

// The whole number `name` from `low` to `high`, `fallback` when absent; Error otherwise.
int intField(const json& request, const char* name, int fallback, int low, int high) {
    if (!request.contains(name))
        return fallback;
    const auto& v = request[name];
    if (!v.is_number_integer() || v.get<std::int64_t>() < low || v.get<std::int64_t>() > high)
        throw Error(trf("Worker request: \"{}\" must be a whole number from {} to {}.", name, low, high));
    return int(v.get<std::int64_t>());
}

bool isDocument(const json& d) {
    return d.is_object() && d.contains("file") && d["file"].is_string() && d.contains("width") &&
           d["width"].is_number_integer() && d.contains("height") && d["height"].is_number_integer() &&
           d.contains("cropped") && d["cropped"].is_boolean();
}

} // namespace

bool isDecodeOperation(std::string_view op) {
    return op == "thumbnail" || op == "raster" || op == "encode";
}

WorkerRequest parseWorkerRequest(std::string_view line) {
    const auto request = json::parse(line, nullptr, false);
    if (request.is_discarded() || !request.is_object())
        throw Error(tr("Worker request: not a JSON object."));
    WorkerRequest r;
    r.op = textField(request, "op", "");
    if (r.op != "analyse" && r.op != "count" && r.op != "crop" && r.op != "ocr" && !isDecodeOperation(r.op))
        throw Error(trf("Worker request: unknown operation \"{}\".", r.op));
    r.file = textField(request, "file", "");
    if (r.file.empty() || r.file.find('\0') != std::string::npos)
        throw Error(tr("Worker request: \"file\" must name a file."));
    r.mediaType = textField(request, "media_type", "");
    if (request.contains("page")) {
        const auto& page = request["page"];
        if (!page.is_number_integer() || page.get<std::int64_t>() < 1 ||
            page.get<std::int64_t>() > kWorkerMaxPage)
            throw Error(trf("Worker request: \"page\" must be a whole number from 1 to {}.", kWorkerMaxPage));
        r.page = int(page.get<std::int64_t>());
    }
    if (request.contains("dpi")) {
        const auto& dpi = request["dpi"];
        if (!dpi.is_number() || !std::isfinite(dpi.get<double>()) || dpi.get<double>() < kWorkerMinDpi ||
            dpi.get<double>() > kWorkerMaxDpi)
            throw Error(
                trf("Worker request: \"dpi\" must be a number from {} to {}.", kWorkerMinDpi, kWorkerMaxDpi));
        r.dpi = dpi.get<double>();
    }
    r.mode = textField(request, "mode", "color");
    if (r.mode != "color" && r.mode != "gray" && r.mode != "grey" && r.mode != "bw")
        throw Error(tr("Worker request: \"mode\" must be color, gray or bw."));
    r.out = textField(request, "out", "");
    if (r.op == "crop" && (r.out.empty() || r.out.find('\0') != std::string::npos))
        throw Error(tr("Worker request: \"out\" must name a folder."));
    r.transforms = textField(request, "transforms", "{}");
    r.languages = textField(request, "languages", "eng");
    if (r.languages.empty())
        throw Error(tr("Worker request: \"languages\" must name at least one language."));
    r.maxEdge = intField(request, "max_edge", r.maxEdge, 0, kWorkerMaxEdge);
    r.jpegQuality = intField(request, "jpeg_quality", r.jpegQuality, 1, 100);
    if (request.contains("keep_decoded")) {
        if (!request["keep_decoded"].is_boolean())
            throw Error(tr("Worker request: \"keep_decoded\" must be true or false."));
        r.keepDecoded = request["keep_decoded"].get<bool>();
    }
    if (request.contains("g4")) {
        if (!request["g4"].is_boolean())
            throw Error(tr("Worker request: \"g4\" must be true or false."));
        r.g4 = request["g4"].get<bool>();
    }
    return r;
}

std::string workerRequestLine(const WorkerRequest& r) {
    json j{{"op", r.op}, {"file", r.file}, {"media_type", r.mediaType}, {"page", r.page}, {"dpi", r.dpi}};
    if (r.op == "crop") {
        j["mode"] = r.mode;
        j["out"] = r.out;
    }
    if (r.op == "ocr") {
        j["transforms"] = r.transforms;
        j["languages"] = r.languages;
    }
    if (r.op == "raster" || r.op == "encode")
        j["transforms"] = r.transforms;
    if (r.op == "thumbnail" || r.op == "raster")
        j["max_edge"] = r.maxEdge;
    if (r.op == "encode") {
        j["jpeg_quality"] = r.jpegQuality;
        if (r.g4)
            j["g4"] = true;
    }
    if (r.op == "analyse" && r.keepDecoded)
        j["keep_decoded"] = true;
    // Invalid UTF-8 in a file name is passed on byte for byte rather than refused.
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

AnalysisOutcome parseWorkerAnswer(std::string_view line, std::string_view op) {
    AnalysisOutcome out;
    const auto answer = nlohmann::ordered_json::parse(line, nullptr, false);
    const auto unreadable = [&] {
        out.ok = false;
        out.analysis = nullptr;
        out.error = tr("analysis failed: the worker gave an unreadable answer");
        return out;
    };
    if (answer.is_discarded() || !answer.is_object() || !answer.contains("ok") || !answer["ok"].is_boolean())
        return unreadable();
    if (!answer["ok"].get<bool>()) {
        out.error =
            answer.contains("error") && answer["error"].is_string() ? answer["error"].get<std::string>() : "";
        if (out.error.empty())
            out.error = tr("analysis failed");
        return out;
    }
    out.ok = true;
    if (op == "analyse" || op == "ocr") {
        const char* key = op == "ocr" ? "ocr" : "analysis";
        if (!answer.contains(key) || !answer[key].is_object())
            return unreadable();
        out.analysis = answer[key];
    } else if (op == "count") {
        if (!answer.contains("pages") || !answer["pages"].is_number_integer() ||
            answer["pages"].get<std::int64_t>() < 1 || answer["pages"].get<std::int64_t>() > kWorkerMaxPage ||
            !answer.contains("media_type") || !answer["media_type"].is_string())
            return unreadable();
        out.analysis = answer;
    } else if (op == "crop") {
        if (!answer.contains("documents") || !answer["documents"].is_array())
            return unreadable();
        for (const auto& d : answer["documents"])
            if (!isDocument(d))
                return unreadable();
        out.analysis = answer;
    } else {
        out.analysis = answer;
    }
    return out;
}

} // namespace docdesk::app
