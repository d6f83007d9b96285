#!/usr/bin/env bash
# Configures and builds modelc (compiler, runtime, tools) into build/.
#   --sanitize  builds into build-san/ instead: everything instrumented with
#               ASan + UBSan, plus the libFuzzer targets of fuzz/.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/build"
extra=()
if [ "${1:-}" = "--sanitize" ]; then
  dir="$root/build-san"
  extra=(-DMODELC_SANITIZE=ON -DMODELC_FUZZ=ON)
elif [ $# -gt 0 ]; then
  echo "usage: build.sh [--sanitize]" >&2
  exit 2
fi
bash "$root/scripts/setup.sh"
if [ ! -f "$dir/build.ninja" ]; then
  cmake -G Ninja -S "$root" -B "$dir" \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DLLVM_USE_LINKER=lld \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir "${extra[@]}" >/dev/null
fi
ninja -C "$dir" -j"${MODELC_JOBS:-2}" ${MODELC_TARGETS:-}
