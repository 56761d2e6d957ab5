// docdesk-worker with faults injected on request, for tests only: it starts the real worker
// (its path is given at build time) with the same arguments and passes every request and
// answer through, except requests for a file that asks for a fault: "fault-WHAT-OP" in its
// bytes (e.g. appended after a PNG's end, where decoders do not look) or in its name, WHAT =
// abort | segv | hang | exit, OP = the request's "op" (count, thumbnail, raster, encode,
// analyse, ocr, crop) or "any". The bytes travel with the file into the session's stored
// original (whose name is the session's own), as a hostile file's would. So a test can make,
// say, only the thumbnail of one page crash while its page count works.
// Programs under test use it when started from a folder that holds it as docdesk-worker
// (test::programWithFaultInjectingWorker).
#include "platform/ChildProcess.h"

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

namespace {

// The fault a request asks for, or "".
std::string faultFor(const nlohmann::json& request) {
    if (!request.is_object() || !request.contains("file") || !request["file"].is_string())
        return {};
    const std::filesystem::path file = request["file"].get<std::string>();
    std::ifstream in(file, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::string name = file.filename().string();
    const std::string op = request.value("op", "");
    for (const char* what : {"abort", "segv", "hang", "exit"})
        for (const std::string& target : {op, std::string("any")}) {
            const std::string marker = std::string("fault-") + what + "-" + target;
            if (name.find(marker) != std::string::npos || bytes.find(marker) != std::string::npos)
                return what;
        }
    return {};
}

[[noreturn]] void misbehave(const std::string& what) {
    if (what == "abort")
        std::abort();
    if (what == "segv")
        std::raise(SIGSEGV);
    if (what == "hang")
        for (;;)
            std::this_thread::sleep_for(std::chrono::hours(1));
    std::exit(7);
}

} // namespace

int main(int argc, char** argv) {
    std::vector<std::string> command{DOCDESK_REAL_WORKER};
    for (int i = 1; i < argc; ++i)
        command.emplace_back(argv[i]);
    docdesk::platform::ChildOptions options;
    options.pipeStdin = true;
    options.pipeStdout = true;
    docdesk::platform::ChildProcess worker(command, options);
    std::string line;
    while (std::getline(std::cin, line)) {
        if (const auto fault = faultFor(nlohmann::json::parse(line, nullptr, false)); !fault.empty())
            misbehave(fault);
        worker.writeStdin(line + "\n");
        const auto answer = worker.readLine(std::chrono::minutes(10));
        if (!answer)
            return 3; // the real worker died: the application sees this one end
        std::cout << *answer << "\n";
        const auto parsed = nlohmann::json::parse(*answer, nullptr, false);
        const std::uint64_t bytes = parsed.is_object() ? parsed.value("bytes", std::uint64_t(0)) : 0;
        if (bytes > 0) {
            std::vector<std::byte> data(bytes);
            if (!worker.readExactly(data, std::chrono::minutes(10)))
                return 3;
            std::cout.write(reinterpret_cast<const char*>(data.data()), std::streamsize(data.size()));
        }
        std::cout.flush();
    }
    return 0;
}
