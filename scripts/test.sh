#!/usr/bin/env bash
# Sets up, builds, and runs the whole lit suite (prints lit's summary); then
# builds everything again with AddressSanitizer + UndefinedBehaviorSanitizer
# (build-san/, with the fuzz targets) and runs the whole suite there too,
# where it also replays the fuzzers' regression inputs (tests/fuzz/).
#   MODELC_SKIP_SANITIZE=1  runs the first half only.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/scripts/build.sh"
/usr/lib/llvm-22/bin/lit -sv "$root/build/tests"
if [ "${MODELC_SKIP_SANITIZE:-0}" != 1 ]; then
  echo "test.sh: the same suite under ASan + UBSan (build-san/)"
  bash "$root/scripts/build.sh" --sanitize
  /usr/lib/llvm-22/bin/lit -sv "$root/build-san/tests"
fi
