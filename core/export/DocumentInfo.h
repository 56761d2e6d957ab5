#pragma once
// What an output file says about the document it holds (PDF Info dictionary, TIFF tags).
#include <chrono>
#include <map>
#include <string>

namespace docdesk::output {

struct DocumentInfo {
    std::string title;
    // Free text; when empty, PDFs carry the fields here as "name: value; name: value".
    std::string subject;
    std::map<std::string, std::string> fields; // e.g. {"invoice": "4711", "date": "2024-05-01"}
    std::chrono::system_clock::time_point created = std::chrono::system_clock::now();
};

} // namespace docdesk::output
