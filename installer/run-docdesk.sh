#!/usr/bin/env bash
# Sets everything up and starts docdesk: installs the Debian/Ubuntu packages it needs
# (skipped when present), builds it (only what changed), and runs the GUI. Arguments are
# passed on, e.g. files to add: installer/run-docdesk.sh scan1.jpg letters.pdf
set -euo pipefail
cd "$(dirname "$0")/.."
installer/install-deps.sh
if [[ ! -f build/CMakeCache.txt ]]; then
  cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build build -j "$(nproc 2>/dev/null || echo 2)" --target docdesk docdesk-cli docdesk-worker docdesk_translations
exec build/app/docdesk "$@"
