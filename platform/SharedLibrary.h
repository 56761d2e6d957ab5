#pragma once
// Loading a plugin of docdesk's own at run time (a shared library with C entry points), for
// dependencies too heavy to load at every start: OpenCV's videoio pulls in FFmpeg, GStreamer
// and some 150 further libraries, a third of docdesk-cli's start-up time, for the camera alone.
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace docdesk::platform {

// The symbol `symbol` of the library at `file`, loaded once and kept for the life of the
// process; nullptr with `error` set (the loader's message) when either cannot be found.
void* pluginSymbol(const std::filesystem::path& file, std::string_view symbol, std::string& error);

// The API table a plugin's entry point `symbol` (a C function returning `const Api*`) gives,
// from the first of `places` that has one of this build's version (Api::kVersion); nullptr
// with `error` set when none has.
template <class Api>
const Api* loadPluginApi(const std::vector<std::filesystem::path>& places, std::string_view symbol,
                         std::string& error) {
    for (const auto& place : places) {
        void* entry = pluginSymbol(place, symbol, error);
        if (entry == nullptr)
            continue;
        const Api* (*function)() = nullptr;
        static_assert(sizeof(function) == sizeof(entry));
        std::memcpy(&function, &entry, sizeof(entry)); // dlsym's object pointer to a function
        const Api* api = function();
        if (api != nullptr && api->version == Api::kVersion)
            return api;
        error = place.string() + ": another version of docdesk";
    }
    return nullptr;
}

} // namespace docdesk::platform
