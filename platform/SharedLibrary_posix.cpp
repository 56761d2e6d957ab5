#include "platform/SharedLibrary.h"

#include <dlfcn.h>

namespace docdesk::platform {

void* pluginSymbol(const std::filesystem::path& file, std::string_view symbol, std::string& error) {
    // RTLD_NODELETE: the library stays (its code may still be on a stack somewhere); loading
    // the same file again only returns the same handle.
    void* library = ::dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    if (library == nullptr) {
        const char* message = ::dlerror();
        error = message != nullptr ? message : file.string();
        return nullptr;
    }
    ::dlerror();
    void* address = ::dlsym(library, std::string(symbol).c_str());
    if (address == nullptr) {
        const char* message = ::dlerror();
        error = message != nullptr ? message : std::string(symbol);
    }
    return address;
}

} // namespace docdesk::platform
