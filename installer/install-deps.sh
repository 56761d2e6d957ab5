#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages docdesk needs to build, run and test.
# Idempotent: packages already present are skipped, and apt is not touched at all
# when everything is there. Uses sudo when not run as root.
#   installer/install-deps.sh            build + run dependencies
#   installer/install-deps.sh --tests    also the tools the test suite drives
set -euo pipefail

build_pkgs=(
  build-essential cmake pkg-config gettext
  libwxgtk3.2-dev libopencv-dev libzxing-dev libcurl4-openssl-dev libssl-dev libsodium-dev
  libboost-test-dev libsane-dev sane-utils libhpdf-dev libpoppler-cpp-dev libsqlite3-dev nlohmann-json3-dev libfmt-dev libqpdf-dev libtiff-dev
  libsecret-1-dev librsvg2-bin
  libtesseract-dev tesseract-ocr-eng tesseract-ocr-deu fonts-dejavu-core icc-profiles-free
  # branch codecs (issue 16): JPEG and PNG decoded and encoded directly (core/imaging/ImageCodecs.h)
  libjpeg62-turbo-dev libpng-dev
)
test_pkgs=(
  xvfb xauth xdotool imagemagick apache2 strace zbar-tools poppler-utils qpdf img2pdf
  gnome-keyring dbus-daemon dbus-bin desktop-file-utils appstream locales tesseract-ocr groff-base
  apache2-utils openssl curl
  # fuzz (issue 19): the libFuzzer targets; -fsanitize=fuzzer links libclang-rt-14-dev's runtime
  clang-14 libclang-rt-14-dev
  # branch modules: tests/tools/target_layering.py (the CMake target graph against the layering)
  python3
  # issue 21: tests/tools/check_format.sh checks every C++ file against .clang-format
  clang-format-14
)

want=("${build_pkgs[@]}")
if [[ "${1:-}" == "--tests" ]]; then
  want+=("${test_pkgs[@]}")
fi

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

SUDO=()
if [[ $(id -u) -ne 0 ]]; then
  SUDO=(sudo)
fi

if [[ ${#missing[@]} -gt 0 ]]; then
  echo "docdesk: installing ${#missing[@]} packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The German GUI test runs under LANG=de_DE.UTF-8, which needs that locale generated.
if [[ "${1:-}" == "--tests" ]] && ! locale -a 2>/dev/null | grep -qi '^de_DE\.utf-\?8$'; then
  echo "docdesk: generating the de_DE.UTF-8 locale"
  "${SUDO[@]}" sed -i 's/^# *de_DE.UTF-8 UTF-8/de_DE.UTF-8 UTF-8/' /etc/locale.gen
  grep -q '^de_DE.UTF-8 UTF-8' /etc/locale.gen || echo 'de_DE.UTF-8 UTF-8' | "${SUDO[@]}" tee -a /etc/locale.gen >/dev/null
  "${SUDO[@]}" locale-gen >/dev/null
fi
