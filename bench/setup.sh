#!/usr/bin/env bash
# Installs what the benchmark harness needs beyond modelc's own dependencies
# (scripts/setup.sh): Debian's PyTorch and matplotlib, never PyPI, so the
# comparison runs against a fixed, reproducible PyTorch build. Idempotent.
#
# Debian's PyTorch calls whatever libblas.so.3 is installed for its dense
# layers; the reference BLAS it pulls in runs a 64x3136x128 matmul at ~2.4
# GFLOP/s, OpenBLAS at ~65. A baseline that slow would flatter modelc, so the
# harness installs OpenBLAS (its OpenMP build, which shares PyTorch's libgomp
# thread pool and thread count) and torch_worker.py loads it explicitly.
set -euo pipefail

PKGS=(python3-torch python3-matplotlib python3-numpy libopenblas0-openmp
      clang-22 libomp-22-dev)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "bench setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
