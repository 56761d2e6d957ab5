// A stand-in for docdesk-worker that speaks the same protocol but misbehaves on request, to
// test that AnalysisWorker survives crashes and hangs (named as a fake: it analyses nothing).
// A request whose file name contains "abort" aborts, "segv" dereferences null, "hang" sleeps
// forever, "exit" exits with code 7; anything else is answered {"ok": true, "analysis": {}}.
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>

int main() {
    std::string line;
    while (std::getline(std::cin, line)) {
        if (line.find("abort") != std::string::npos)
            std::abort();
        if (line.find("segv") != std::string::npos)
            std::raise(SIGSEGV);
        if (line.find("hang") != std::string::npos)
            std::this_thread::sleep_for(std::chrono::hours(1));
        if (line.find("exit") != std::string::npos)
            std::exit(7);
        std::cout << R"({"ok": true, "analysis": {"echo": true}})" << std::endl;
    }
}
