#!/usr/bin/env bash
# One command for the whole benchmark: install the harness's packages (and
# the peers' venv), build modelc, then time modelc against its peers.
# Arguments go to bench.py (--quick for a smoke run, --rounds R, --steps N,
# --peers torch113,torch2,torch2-compile,jax,ort, --models, --threads);
# setup.sh reads --peers too and installs only what those peers need.
#   bash bench/run.sh [--quick] [--peers LIST]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/bench/setup.sh" "$@"
# Only the compiler and its runtime library are needed, not the test tools.
MODELC_TARGETS="${MODELC_TARGETS:-modelc}" bash "$root/scripts/build.sh"
# Debian's interpreter: the one python3-torch is installed for (the other
# peers run in bench/.venv's).
exec /usr/bin/python3 "$root/bench/bench.py" "$@"
