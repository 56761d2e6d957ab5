#pragma once
// Where docdesk's helper programs (docdesk-worker, docdesk-scan-worker) live. In the build tree
// they sit beside the program that starts them; an installed docdesk keeps them out of PATH,
// in ../libexec/docdesk relative to its own folder (the FHS place for programs run by others).
#include <filesystem>
#include <string_view>

namespace docdesk::platform {

// The helper `name` beside the running executable if it is there, else in
// ../libexec/docdesk. When neither exists, the path beside the executable is returned, so the
// error from starting it names a concrete place.
std::filesystem::path helperProgram(std::string_view name);

} // namespace docdesk::platform
