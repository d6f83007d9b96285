#!/usr/bin/env bash
# Sets up, builds, and runs the whole lit suite (prints lit's summary).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/scripts/build.sh"
/usr/lib/llvm-22/bin/lit -sv "$root/build/tests"
