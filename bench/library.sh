#!/usr/bin/env bash
# The library form's overhead: one predict call through lib<name>.a against
# the executable's `bench` forward_infer (same model, batch and threads),
# alternating, ROUNDS rounds of STEPS timed calls each; plus the sizes of
# lib<name>.a / .so. usage: bench/library.sh [MODEL.json] [BATCH] [ROUNDS]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
model="${1:-$root/examples/textcnn.json}"
batch="${2:-64}"
rounds="${3:-5}"
steps=20
bash "$root/scripts/build.sh" >/dev/null
work="$root/build/bench-library"
rm -rf "$work" && mkdir -p "$work" && cd "$work"
name=$(basename "$model" .json)
"$root/build/bin/modelc" "$model" --emit=lib -o lib
"$root/build/bin/modelc" "$model" -o exe
upper=$(echo "$name" | tr a-z A-Z)
in=$(grep -m1 "^#define ${upper}_INPUT_.*_EXAMPLE_ELEMENTS" lib/$name.h | awk '{print $3}')
out=$(grep -m1 "^#define ${upper}_OUTPUT_.*_EXAMPLE_ELEMENTS" lib/$name.h | awk '{print $3}')
clang-22 -O2 -include lib/$name.h -DPREFIX=$name -DIN=$in -DOUT=$out \
  "$root/bench/library_predict.c" lib/lib$name.a -lm \
  -L/usr/lib/llvm-22/lib -lomp -Wl,-rpath,/usr/lib/llvm-22/lib -o predict
echo "model $name, batch $batch, $rounds rounds x $steps calls (medians in ms)"
echo "lib$name.a $(stat -c %s lib/lib$name.a) bytes, lib$name.so $(stat -c %s lib/lib$name.so) bytes, executable $(stat -c %s exe) bytes"
for threads in 1 2; do
  for r in $(seq "$rounds"); do
    e=$(./exe bench --batch-size "$batch" --steps $steps --threads $threads |
      awk '/^forward_infer/ {print $3}')
    l=$(./predict "$batch" $steps $threads | awk '{print $3}')
    echo "threads $threads round $r: executable forward_infer $e, library predict $l"
  done
done
