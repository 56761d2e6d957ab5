#!/bin/bash
# End-to-end benchmark (issue 16): docdesk as a user runs it, as whole processes, against
# zbarimg on the same pages in the same run. Prints figures, asserts nothing.
#   tests/bench/endtoend_bench.sh BUILD_DIR [pages=60] [repeats=3]
# On `pages` generated 300-dpi A4 grey JPEGs of office mail (build/tests/office_pages: dense
# text in a real font, tables, stamps, photos, codes on every third page, some skewed):
# 1. docdesk-cli file --target DIR *.jpg (fresh HOME each run), and with --mode bw;
# 2. zbarimg on the same pages (one process for all of them);
# 3. docdesk-cli inspect --json on one page with codes, and zbarimg on that page.
# Medians of `repeats` runs; pages/s and ratios against zbarimg.
set -euo pipefail
build=$(cd "${1:?usage: endtoend_bench.sh BUILD_DIR [pages] [repeats]}" && pwd)
pages=${2:-60}
repeats=${3:-3}
cli=$build/app/docdesk-cli
work=$(mktemp -d /tmp/docdesk-e2e.XXXXXX)
trap 'rm -rf "$work"' EXIT
"$build/tests/office_pages" "$work/pages" "$pages"
files=("$work"/pages/page-*.jpg)
codes=$(wc -l < "$work/pages/codes.tsv")
echo "endtoend_bench: ${#files[@]} office pages (300 dpi A4 grey JPEG), $codes codes printed, $repeats repeats, $(nproc) cores"

now() { date +%s.%N; }
median() { sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
# Runs "$@" `repeats` times with a fresh HOME; prints the median wall time in seconds.
timed() {
    local times=()
    for ((r = 0; r < repeats; ++r)); do
        rm -rf "$work/home" "$work/out"; mkdir -p "$work/home" "$work/out"
        local t0; t0=$(now)
        env -u XDG_DATA_HOME -u XDG_CONFIG_HOME -u XDG_STATE_HOME -u XDG_CACHE_HOME \
            HOME="$work/home" DOCDESK_NO_KEYRING=1 "$@" > "$work/last.out" 2> "$work/last.err" || {
            echo "  (exit status $? of: $*; $(tail -1 "$work/last.err"))" >&2; }
        times+=("$(echo "$(now) - $t0" | bc -l)")
    done
    printf '%s\n' "${times[@]}" | median
}
rate() { echo "scale=1; $1 / $2" | bc -l; }
ratio() { echo "scale=2; $1 / $2" | bc -l; }

zbar_all=$(timed zbarimg -q --raw "${files[@]}")
zbar_found=$(zbarimg -q --raw "${files[@]}" 2>/dev/null | wc -l || true)
printf 'zbarimg, all pages: median %.2f s, %s pages/s, %s codes read\n' "$zbar_all" "$(rate ${#files[@]} "$zbar_all")" "$zbar_found"

file_s=$(timed "$cli" file --target "$work/out" "${files[@]}")
filed=$(ls "$work/out" | wc -l)
printf 'docdesk-cli file --target: median %.2f s, %s pages/s (target >= 20), %sx zbarimg (target >= 10); %s files filed\n' \
    "$file_s" "$(rate ${#files[@]} "$file_s")" "$(ratio "$zbar_all" "$file_s")" "$filed"
if "$cli" file --help 2>/dev/null | grep -q -- '--mode'; then
    bw_s=$(timed "$cli" file --mode bw --target "$work/out" "${files[@]}")
    printf 'docdesk-cli file --mode bw --target: median %.2f s, %s pages/s, %sx zbarimg\n' \
        "$bw_s" "$(rate ${#files[@]} "$bw_s")" "$(ratio "$zbar_all" "$bw_s")"
else
    echo "docdesk-cli file --mode bw: not supported by this docdesk-cli"
fi

one=${files[0]}
zbar_one=$(timed zbarimg -q --raw "$one")
inspect_one=$(timed "$cli" inspect --json "$one")
ours=$(grep -o '"format"' "$work/last.out" | wc -l || true)
theirs=$(zbarimg -q --raw "$one" 2>/dev/null | wc -l || true)
printf 'one page (%s): inspect --json median %.3f s (%s codes), zbarimg %.3f s (%s codes); %sx zbarimg (target >= 5)\n' \
    "$(basename "$one")" "$inspect_one" "$ours" "$zbar_one" "$theirs" "$(ratio "$zbar_one" "$inspect_one")"
