#!/usr/bin/env bash
# Fuzzes modelc's readers with libFuzzer (sanitized build in build-san/).
#   scripts/fuzz.sh [SECONDS] [TARGET...]
# SECONDS per target (default 60); TARGETs among json dsl onnx npz model-info csv library
# (default all). Seeds come from the examples and the tests; each target's
# growing corpus stays in build-san/fuzz/corpus/TARGET, crashing inputs in
# build-san/fuzz/crashes/ (copy them to tests/fuzz/TARGET/ once fixed: the
# suite replays that folder). Every run is appended to
# build-san/fuzz/history.tsv (target, seconds, executions, crashes).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(json dsl onnx npz model-info csv library)
case "$seconds" in '' | *[!0-9]*)
  echo "usage: fuzz.sh [SECONDS] [json|dsl|onnx|npz|model-info|csv|library ...]" >&2
  exit 2
  ;;
esac

bash "$root/scripts/build.sh" --sanitize
bin="$root/build-san/bin"
work="$root/build-san/fuzz"
mkdir -p "$work/crashes"
/usr/bin/python3 "$root/fuzz/make_seeds.py" "$root" "$bin" "$work/seeds"

# Debian's libMLIR is not instrumented: its container annotations would be
# reported as false positives (see tests/lit.cfg.py).
export ASAN_OPTIONS="allow_user_poisoning=0:detect_leaks=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
for t in "${targets[@]}"; do
  [ -x "$bin/modelc-fuzz-$t" ] || { echo "fuzz.sh: unknown target '$t'" >&2; exit 2; }
  mkdir -p "$work/corpus/$t"
  log="$work/$t.log"
  echo "fuzz.sh: $t for ${seconds}s (log: $log)"
  dirs=("$work/corpus/$t" "$work/seeds/$t")
  [ -d "$root/tests/fuzz/$t" ] && dirs+=("$root/tests/fuzz/$t")
  status=0
  start=$SECONDS
  "$bin/modelc-fuzz-$t" "${dirs[@]}" \
    -max_total_time="$seconds" -timeout=30 -rss_limit_mb=4096 \
    -max_len=65536 -print_final_stats=1 \
    -artifact_prefix="$work/crashes/$t-" >"$log" 2>&1 || status=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  crashes=$(ls "$work/crashes" | grep -c "^$t-" || true)
  printf '%s\t%s\t%s\t%s\n' "$t" "$((SECONDS - start))" "${runs:-0}" "$crashes" >>"$work/history.tsv"
  echo "fuzz.sh: $t: ${runs:-0} executions, exit $status, $crashes crashing inputs so far"
  [ "$status" -eq 0 ] || tail -40 "$log"
done
echo "fuzz.sh: totals per target (seconds, executions) over all runs:"
awk -F'\t' '{s[$1]+=$2; n[$1]+=$3} END {for (t in s) printf "  %-10s %8d s %12d execs\n", t, s[t], n[t]}' "$work/history.tsv"
