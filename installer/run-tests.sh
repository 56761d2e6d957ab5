#!/usr/bin/env bash
# Sets everything up and runs docdesk's whole test suite:
#   1. installs the Debian/Ubuntu packages for build and tests (skipped when present),
#   2. builds with warnings as errors and runs every test (unit, integration, GUI under Xvfb),
#   3. builds the tests again with AddressSanitizer + UndefinedBehaviorSanitizer and runs the
#      unit tests under them.
# Idempotent; a second run only rebuilds what changed. Artefacts (screenshots, logs) land in
# build/test-artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)

installer/install-deps.sh --tests

echo "== docdesk: build (warnings are errors)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDOCDESK_WERROR=ON -DDOCDESK_BUILD_TESTS=ON >/dev/null
cmake --build build -j "$jobs"

echo "== docdesk: tests"
(cd build && ctest --output-on-failure -j "$jobs")

echo "== docdesk: sanitizer build (ASan + UBSan)"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DDOCDESK_SANITIZE=ON -DDOCDESK_WERROR=ON \
      -DDOCDESK_BUILD_GUI=OFF -DDOCDESK_BUILD_TESTS=ON >/dev/null
cmake --build build-asan -j "$jobs"

echo "== docdesk: unit tests under ASan + UBSan"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
(cd build-asan && ctest --output-on-failure -j "$jobs" -L unit)
