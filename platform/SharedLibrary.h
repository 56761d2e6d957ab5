#pragma once
// Loading a plugin of docdesk's own at run time (a shared library with C entry points), for
// dependencies too heavy to load at every start: OpenCV's videoio pulls in FFmpeg, GStreamer
// and some 150 further libraries, a third of docdesk-cli's start-up time, for the camera alone.
#include <filesystem>
#include <string>
#include <string_view>

namespace docdesk::platform {

// The symbol `symbol` of the library at `file`, loaded once and kept for the life of the
// process; nullptr with `error` set (the loader's message) when either cannot be found.
void* pluginSymbol(const std::filesystem::path& file, std::string_view symbol, std::string& error);

} // namespace docdesk::platform
