#pragma once
// The docdesk-cli commands. Each takes the arguments after its name and returns the exit code.
#include <stdexcept>
#include <string>
#include <vector>

namespace docdesk::cli {

// Wrong command-line usage (exit code 2).
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

int runImport(const std::vector<std::string>& args);
int runInspect(const std::vector<std::string>& args);
int runCrop(const std::vector<std::string>& args);
int runAnalyse(const std::vector<std::string>& args);
int runSession(const std::vector<std::string>& args);

} // namespace docdesk::cli
