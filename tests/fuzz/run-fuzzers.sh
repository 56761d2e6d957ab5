#!/usr/bin/env bash
# Runs the libFuzzer targets of a fuzzing build (-DDOCDESK_FUZZ=ON), each for a fixed time,
# starting from its seed corpus (tests/fuzz/corpus/<target>, never written to: new inputs go
# to BUILD/fuzz-work/<target>). Prints one line of figures per target (executions, coverage
# "cov" and features "ft" at the end, inputs in the working corpus) and exits 1 when any
# target crashed, leaked, timed out or ran out of memory; the input that did it is kept as
# BUILD/fuzz-artifacts/<target>-crash-... and its report in BUILD/fuzz-logs/<target>.log.
#
#   tests/fuzz/run-fuzzers.sh BUILD SECONDS [TARGET...]     (default: every target)
#   DOCDESK_FUZZ_SEED=0 tests/fuzz/run-fuzzers.sh ...        (a random seed: search further)
set -uo pipefail
cd "$(dirname "$0")/../.."
build=${1:?usage: run-fuzzers.sh BUILD SECONDS [TARGET...]}
seconds=${2:?usage: run-fuzzers.sh BUILD SECONDS [TARGET...]}
shift 2
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  targets=(rules_file profile_bundle vault_header worker_protocol media_type page_decoder
           cmis_answer paperless_answer webdav_answer scan_protocol)
fi
mkdir -p "$build/fuzz-work" "$build/fuzz-artifacts" "$build/fuzz-logs"
# Leaks count as bugs; the symbolizer names the lines of a report.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=()
for t in "${targets[@]}"; do
  exe="$build/tests/fuzz/fuzz_$t"
  if [[ ! -x $exe ]]; then
    echo "fuzz $t: $exe is missing (build the docdesk_fuzzers target)"
    failed+=("$t")
    continue
  fi
  work="$build/fuzz-work/$t"
  mkdir -p "$work"
  log="$build/fuzz-logs/$t.log"
  # -seed: a fixed seed (DOCDESK_FUZZ_SEED, default 1) makes a run from a fresh working corpus
  # repeatable, so CI explores the same inputs a longer local run with the same seed explored
  # first; give another seed (or 0 for a random one) to search further.
  # -timeout: one input taking longer is a hang (DOCDESK_FUZZ_TIMEOUT s, default 20; a loaded
  # machine needs more); -rss_limit_mb: the decoders' bomb checks must
  # keep every input far below this; -max_len: larger inputs only slow the search down.
  # page_decoder: images and PDFs that make new paths are small; large ones only cost time.
  max_len=65536
  [[ $t == page_decoder ]] && max_len=16384
  "$exe" -seed="${DOCDESK_FUZZ_SEED:-1}" -max_total_time="$seconds" -timeout="${DOCDESK_FUZZ_TIMEOUT:-20}" -rss_limit_mb=2560 -max_len="$max_len" -print_final_stats=1 \
         -artifact_prefix="$build/fuzz-artifacts/$t-" "$work" "tests/fuzz/corpus/$t" >"$log" 2>&1
  code=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+' "$log" | tail -1)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  printf 'fuzz %-17s %4ss  execs %-9s (%s/s)  cov %-5s ft %-6s corpus %s\n' "$t" "$seconds" "${execs:-?}" \
         "${rate:-?}" "${cov:-?}" "${ft:-?}" "$(ls "$work" | wc -l)"
  if [[ $code -ne 0 ]]; then
    echo "fuzz $t: FAILED (exit $code); report in $log:"
    grep -E 'ERROR|SUMMARY|invariant|runtime error|terminate|Test unit written' "$log" | head -20
    failed+=("$t")
  fi
done
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzzing failed: ${failed[*]}"
  exit 1
fi
echo "fuzzing: ${#targets[@]} targets, ${seconds} s each, no crash"
