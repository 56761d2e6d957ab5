#!/usr/bin/env bash
# Sets everything up and runs docdesk's whole test suite:
#   1. installs the Debian/Ubuntu packages for build and tests (skipped when present),
#   2. builds with warnings as errors and runs every test (unit, integration, GUI under Xvfb),
#   3. builds the tests again with AddressSanitizer + UndefinedBehaviorSanitizer and runs the
#      unit tests under them,
#   4. builds the libFuzzer targets (clang, tests/fuzz) and runs each for a fixed time
#      (DOCDESK_FUZZ_SECONDS, default 25 s each, about 4 minutes in all).
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

# fuzz (issue 19): a clang build of its own (the rest builds with g++); -O1 with line tables is
# the usual fuzzing trade (fast to build, readable reports), and assertions stay on.
echo "== docdesk: fuzzing build (clang, libFuzzer + ASan + UBSan)"
CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only" "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only" \
      -DDOCDESK_FUZZ=ON -DDOCDESK_BUILD_GUI=OFF -DDOCDESK_BUILD_TESTS=OFF >/dev/null
cmake --build build-fuzz -j "$jobs" --target docdesk_fuzzers

echo "== docdesk: fuzzing, ${DOCDESK_FUZZ_SECONDS:-15} s per target"
unset ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS
tests/fuzz/run-fuzzers.sh build-fuzz "${DOCDESK_FUZZ_SECONDS:-15}"
