// docdesk-worker — runs decoders of untrusted input (images, PDF; later barcodes and edges)
// outside the application, so a crash or abort in a third-party decoder costs one request,
// not the session. Protocol: one JSON request per line on stdin, one JSON answer per line on
// stdout, in order.
//   {"op": "probe", "file": PATH, "media_type": MIME, "page": N}
//     -> {"ok": true, "width": W, "height": H} | {"ok": false, "error": MESSAGE}
#include "app/common/AppEnvironment.h"
#include "core/imaging/PageDecoder.h"

#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

int main(int argc, char** argv) {
    docdesk::app::initialise();
    if (argc > 1 && std::string(argv[1]) == "--version") {
        std::cout << "docdesk-worker " << DOCDESK_VERSION << "\n";
        return 0;
    }
    std::string line;
    while (std::getline(std::cin, line)) {
        nlohmann::json answer;
        try {
            const auto request = nlohmann::json::parse(line);
            const std::string op = request.at("op");
            if (op != "probe")
                throw std::runtime_error("unknown op " + op);
            // Probe renders at full size: the point is to run the decoder, here, isolated.
            const auto image = docdesk::imaging::renderThumbnail(
                request.at("file").get<std::string>(),
                docdesk::imaging::kindFromMimeType(request.value("media_type", "")),
                request.value("page", 1) - 1, 1 << 20);
            answer = {{"ok", true}, {"width", image.width}, {"height", image.height}};
        } catch (const std::exception& e) {
            answer = {{"ok", false}, {"error", e.what()}};
        }
        std::cout << answer.dump() << std::endl;
    }
    return 0;
}
