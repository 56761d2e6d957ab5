#!/usr/bin/env bash
# Copies screenshots taken by the GUI tests into installer/screenshots/, where the README and
# the AppStream metadata (installer/linux/docdesk.metainfo.xml.in) refer to them. Run it after
# the GUI tests (ctest -L gui, or installer/run-tests.sh), then commit the PNGs.
#   installer/update-screenshots.sh [BUILD_DIR]     (default: build)
# Each shot is cut to the docdesk window: the tests photograph the whole Xvfb screen, whose
# unused part is black.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
artifacts="$build/test-artifacts"
dest=installer/screenshots

# screenshot in installer/screenshots  <-  file the GUI tests write into test-artifacts
# English and German (-de) from gui_screenshots_test (its docdesk runs with its home at
# /home/anna, so no temporary folder shows), the camera from gui_camera_test.
declare -A shots=(
  [camera.png]=gui-camera-outline.png
  [welcome.png]=gui-shot-en-welcome.png
  [receipt.png]=gui-shot-en-receipt.png
  [plan.png]=gui-shot-en-plan.png
  [outbox.png]=gui-shot-en-outbox.png
  [privacy.png]=gui-shot-en-privacy.png
  [welcome-de.png]=gui-shot-de-welcome.png
  [receipt-de.png]=gui-shot-de-receipt.png
  [plan-de.png]=gui-shot-de-plan.png
  [outbox-de.png]=gui-shot-de-outbox.png
  [privacy-de.png]=gui-shot-de-privacy.png
)

command -v convert >/dev/null || { echo "update-screenshots: ImageMagick's convert is needed" >&2; exit 1; }
missing=0
for name in "${!shots[@]}"; do
  if [[ ! -f "$artifacts/${shots[$name]}" ]]; then
    echo "update-screenshots: $artifacts/${shots[$name]} is missing; run the GUI tests first (ctest --test-dir $build -R 'gui_(screenshots|camera)_test')" >&2
    missing=1
  fi
done
[[ $missing -eq 0 ]] || exit 1

mkdir -p "$dest"
for name in "${!shots[@]}"; do
  # A black border first, so -trim always cuts black (the window's own corners are not).
  # -strip drops time stamps, so an unchanged picture gives an unchanged file.
  convert "$artifacts/${shots[$name]}" -bordercolor black -border 1 -trim +repage -strip "$dest/$name"
  echo "update-screenshots: $dest/$name ($(identify -format '%wx%h' "$dest/$name")) from ${shots[$name]}"
done
