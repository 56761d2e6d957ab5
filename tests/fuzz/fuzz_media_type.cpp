// Media-type sniffing: what a file is, judged by its content (import, hot folder, pass-through
// documents), and the image dimensions read from headers without decoding (the decompression
// bomb check). The last byte of the input picks the file name the sniffer may use to refine
// its answer, so the extension paths are reached too.
#include "FuzzInput.h"
#include "core/imaging/MediaType.h"
#include "core/imaging/PageDecoder.h"

#include <array>
#include <span>

using namespace docdesk;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::array<const char*, 8> names = {"scan.pdf",  "mail.eml", "sheet.xls", "notes.txt",
                                                     "table.csv", "x",        "doc.DOC",   ".hidden"};
    const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
    const auto kind = imaging::sniffMediaKind(bytes);
    fuzz::require(imaging::kindFromMimeType(imaging::mimeType(kind)) == kind, "a media type names its kind");
    const std::string name = names[size == 0 ? 0 : data[size - 1] % names.size()];
    const auto mime = imaging::detectMimeType(bytes, name);
    fuzz::require(!mime.empty(), "every file has a MIME type");
    if (imaging::isPageSource(kind)) {
        for (int page = 0; page < 2; ++page)
            if (const auto declared = imaging::readDeclaredSize(bytes, kind, page))
                fuzz::require(declared->width >= 0 && declared->height >= 0,
                              "declared sizes are not negative");
    }
    return 0;
}
