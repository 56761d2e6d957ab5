#!/bin/bash
# End-to-end benchmark (issue 16): docdesk as a user runs it, as whole processes, against
# zbarimg on the same pages in the same run. Prints figures, asserts nothing.
#   tests/bench/endtoend_bench.sh BUILD_DIR [pages=60] [repeats=3] [zbar_repeats=1]
# On `pages` generated 300-dpi A4 grey JPEGs of office mail (build/tests/office_pages: dense
# text in a real font, tables, stamps, photos, codes on every third page, some skewed):
# 1. docdesk-cli file --target DIR *.jpg (fresh HOME each run), and with --mode bw;
# 2. zbarimg on the same pages (one process for all of them);
# 3. docdesk-cli inspect --json on one page with codes, and zbarimg on that page;
# 4. docdesk-worker started and ended without a request (what each run pays first), and
#    docdesk-cli --version and --help (what every command pays first).
# pages=0 runs step 4 alone (start-up only: no pages, no zbarimg).
# Medians of `repeats` runs (zbarimg on all pages: `zbar_repeats`, it takes seconds per page);
# pages/s and ratios against zbarimg, by wall time and by CPU time (the machine may be shared).
set -euo pipefail
build=$(cd "${1:?usage: endtoend_bench.sh BUILD_DIR [pages] [repeats]}" && pwd)
pages=${2:-60}
repeats=${3:-3}
zbar_repeats=${4:-1}
cli=$build/app/docdesk-cli
work=$(mktemp -d /tmp/docdesk-e2e.XXXXXX)
trap 'rm -rf "$work"' EXIT
start_only=$((pages == 0))
if ((start_only)); then pages=1; fi
"$build/tests/office_pages" "$work/pages" "$pages"
files=("$work"/pages/page-*.jpg)
codes=$(wc -l < "$work/pages/codes.tsv")
echo "endtoend_bench: ${#files[@]} office pages (300 dpi A4 grey JPEG), $codes codes printed, $repeats repeats, $(nproc) cores"

now() { date +%s.%N; }
median() { sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
# Runs "$@" `repeats` times with a fresh HOME; prints the median wall time and the median CPU
# time (user + system, children included: the machine may be shared) in seconds.
timed() {
    local walls=() cpus=() runs=$repeats
    if [[ $1 == --runs ]]; then runs=$2; shift 2; fi
    for ((r = 0; r < runs; ++r)); do
        rm -rf "$work/home" "$work/out"; mkdir -p "$work/home" "$work/out"
        env -u XDG_DATA_HOME -u XDG_CONFIG_HOME -u XDG_STATE_HOME -u XDG_CACHE_HOME \
            HOME="$work/home" DOCDESK_NO_KEYRING=1 /usr/bin/time -o "$work/time" -f '%e %U %S' "$@" \
            > "$work/last.out" 2> "$work/last.err" || true
        read -r wall user sys < <(tail -1 "$work/time")
        walls+=("$wall"); cpus+=("$(echo "$user + $sys" | bc -l)")
    done
    echo "$(printf '%s\n' "${walls[@]}" | median) $(printf '%s\n' "${cpus[@]}" | median)"
}
rate() { echo "scale=1; $1 / $2" | bc -l; }
ratio() { echo "scale=2; $1 / $2" | bc -l; }

# Runs "$@" 20 times in a row, `repeats` times; prints the median wall and CPU time per run in
# ms (a start takes tens of ms: one run alone is below the 10 ms resolution of time(1)).
per_start() {
    local walls=() cpus=() n=20
    for ((r = 0; r < repeats; ++r)); do
        HOME="$work/home" DOCDESK_NO_KEYRING=1 /usr/bin/time -o "$work/time" -f '%e %U %S' \
            bash -c 'for ((i = 0; i < '$n'; ++i)); do "$@" > /dev/null 2>&1 < /dev/null; done' _ "$@" || true
        read -r wall user sys < <(tail -1 "$work/time")
        walls+=("$(echo "1000 * $wall / $n" | bc -l)"); cpus+=("$(echo "1000 * ($user + $sys) / $n" | bc -l)")
    done
    echo "$(printf '%s\n' "${walls[@]}" | median) $(printf '%s\n' "${cpus[@]}" | median)"
}

if ((!start_only)); then
read -r zbar_all zbar_cpu < <(timed --runs "$zbar_repeats" zbarimg -q --raw "${files[@]}")
zbar_found=$(wc -l < "$work/last.out")
printf 'zbarimg, all pages: median %.2f s (cpu %.2f s), %s pages/s, %s codes read\n' \
    "$zbar_all" "$zbar_cpu" "$(rate ${#files[@]} "$zbar_all")" "$zbar_found"

filing() { # label, extra options
    local label=$1; shift
    read -r wall cpu < <(timed "$cli" file "$@" --target "$work/out" "${files[@]}")
    printf '%s: median %.2f s (cpu %.2f s), %s pages/s (target >= 20), %sx zbarimg (target >= 10), cpu %sx; %s files filed\n' \
        "$label" "$wall" "$cpu" "$(rate ${#files[@]} "$wall")" "$(ratio "$zbar_all" "$wall")" \
        "$(ratio "$zbar_cpu" "$cpu")" "$(ls "$work/out" | wc -l)"
}
filing "docdesk-cli file --target"
if "$cli" file --help 2>/dev/null | grep -- '--mode' >/dev/null; then # not grep -q: under pipefail its early exit fails the probe
    filing "docdesk-cli file --mode bw --target" --mode bw
else
    echo "docdesk-cli file --mode bw: not supported by this docdesk-cli"
fi

one=${files[0]}
read -r zbar_one zbar_one_cpu < <(timed zbarimg -q --raw "$one")
theirs=$(wc -l < "$work/last.out")
read -r inspect_one inspect_cpu < <(timed "$cli" inspect --json "$one")
ours=$(grep -o '"format"' "$work/last.out" | wc -l || true)
printf 'one page (%s): inspect --json median %.3f s (cpu %.3f s, %s codes), zbarimg %.3f s (cpu %.3f s, %s codes); %sx zbarimg (target >= 5), cpu %sx\n' \
    "$(basename "$one")" "$inspect_one" "$inspect_cpu" "$ours" "$zbar_one" "$zbar_one_cpu" "$theirs" \
    "$(ratio "$zbar_one" "$inspect_one")" "$(ratio "$zbar_one_cpu" "$inspect_cpu")"

fi # start_only

# 4. What every run pays before its first page: one docdesk-worker started and ended without a
#    request (each `inspect`, and each worker of a pool, starts one).
read -r worker_start worker_start_cpu < <(timed --runs $((repeats * 3)) "$build/app/docdesk-worker" --serve < /dev/null)
printf 'docdesk-worker start and end: median %.3f s (cpu %.3f s)\n' "$worker_start" "$worker_start_cpu"
mkdir -p "$work/home"
for what in "docdesk-worker --serve" "docdesk-cli --version" "docdesk-cli --help"; do
    read -r start_wall start_cpu < <(per_start "$build/app/${what%% *}" ${what#* })
    printf '%s (20 in a row): median %.1f ms wall, %.1f ms cpu per start; %s libraries loaded\n' "$what" \
        "$start_wall" "$start_cpu" "$(ldd "$build/app/${what%% *}" | wc -l)"
done
