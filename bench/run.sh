#!/usr/bin/env bash
# One command for the whole benchmark: install the harness's packages, build
# modelc, then time modelc against PyTorch. Arguments go to bench.py
# (--quick for a smoke run, --rounds R, --steps N).
#   bash bench/run.sh [--quick]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/bench/setup.sh"
# Only the compiler and its runtime library are needed, not the test tools.
MODELC_TARGETS="${MODELC_TARGETS:-modelc}" bash "$root/scripts/build.sh"
# Debian's interpreter: the one python3-torch is installed for.
exec /usr/bin/python3 "$root/bench/bench.py" "$@"
