#!/usr/bin/env bash
# Installs every system dependency of modelc with apt-get. Idempotent: a
# second run installs nothing and returns quickly.
set -euo pipefail

PKGS=(
  cmake ninja-build
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools clang-22 lld-22
  libomp-22-dev libclang-rt-22-dev libfuzzer-22-dev
  nlohmann-json3-dev zlib1g-dev libstdc++-12-dev
  python3-numpy python3-matplotlib
  dataset-fashion-mnist python3-sklearn
  openmpi-bin libopenmpi-dev
  libonnx-dev libprotobuf-dev python3-onnx libonnx-testdata
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
