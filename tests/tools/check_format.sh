#!/usr/bin/env bash
# Fails when a C++ file of the project does not match .clang-format (issue 21: one format,
# checked). Fix with:  tests/tools/check_format.sh --fix
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
formatter="${CLANG_FORMAT:-clang-format-14}"
if ! command -v "$formatter" >/dev/null; then
  echo "check_format: $formatter is missing; installer/install-deps.sh --tests installs it" >&2
  exit 2
fi
cd "$root"
mapfile -d '' files < <(find app capture core platform tests -type f \( -name '*.cpp' -o -name '*.h' \) \
                          -not -path 'tests/fuzz/corpus/*' -print0 | sort -z)
if [[ "${1:-}" == "--fix" ]]; then
  "$formatter" -i "${files[@]}"
  exit 0
fi
# One run over all files; its diagnostics start with "FILE:LINE:COL: error:".
mapfile -t unformatted < <("$formatter" --dry-run -Werror "${files[@]}" 2>&1 |
                           sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: error: .*/\1/p' | sort -u)
if ((${#unformatted[@]})); then
  printf 'not formatted as .clang-format says:\n' >&2
  printf '  %s\n' "${unformatted[@]}" >&2
  printf '%d of %d files; run tests/tools/check_format.sh --fix\n' "${#unformatted[@]}" "${#files[@]}" >&2
  exit 1
fi
echo "check_format: ${#files[@]} files match .clang-format"
