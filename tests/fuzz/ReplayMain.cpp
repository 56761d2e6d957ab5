// Runs a fuzz target once on every file of the folders (or files) named on the command line,
// without libFuzzer: the corpus as a regression test in the normal and the sanitizer builds.
// A crash, a sanitizer report or an exception the target lets through fails the test; the
// program prints the input it is on first, so the failing file is named.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

void runOn(const std::filesystem::path& file) {
    std::cout << "input " << file.string() << std::endl;
    std::ifstream in(file, std::ios::binary);
    const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
}

} // namespace

int main(int argc, char** argv) {
    std::size_t inputs = 0;
    for (int i = 1; i < argc; ++i) {
        const std::filesystem::path arg = argv[i];
        if (std::filesystem::is_directory(arg)) {
            std::vector<std::filesystem::path> files;
            for (const auto& entry : std::filesystem::directory_iterator(arg))
                if (entry.is_regular_file())
                    files.push_back(entry.path());
            std::sort(files.begin(), files.end());
            for (const auto& f : files) {
                runOn(f);
                ++inputs;
            }
        } else {
            runOn(arg);
            ++inputs;
        }
    }
    std::cout << inputs << " inputs ran without a crash" << std::endl;
    // An empty corpus is a mistake (a wrong folder), not a pass.
    return inputs == 0 ? 1 : 0;
}
