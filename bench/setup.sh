#!/usr/bin/env bash
# Installs what the benchmark harness needs beyond modelc's own dependencies
# (scripts/setup.sh). Idempotent: a second run installs nothing and returns in
# about a second.
#   bash bench/setup.sh [--peers torch113,torch2,torch2-compile,jax,ort]
#
# 1. Debian's PyTorch 1.13 and matplotlib (the reference peer, `torch113`: a
#    fixed, reproducible build). Debian's PyTorch calls whatever libblas.so.3
#    is installed for its dense layers; the reference BLAS it pulls in runs a
#    64x3136x128 matmul at ~2.4 GFLOP/s, OpenBLAS at ~65. A baseline that slow
#    would flatter modelc, so the harness installs OpenBLAS (its OpenMP build,
#    which shares PyTorch's libgomp thread pool and thread count) and
#    bench.py puts it first on torch_worker.py's LD_LIBRARY_PATH.
# 2. The other peers, from PyPI, into a virtual environment of their own
#    (bench/.venv, or $BENCH_VENV) that only the benchmark uses: PyTorch 2.x
#    (eager and torch.compile; the CPU-only wheel when its index is reachable,
#    else PyPI's default wheel, which drags in CUDA libraries it never loads
#    here), JAX with its CPU jaxlib, onnxruntime. Each group installs on its
#    own; one that fails is recorded in $VENV/status/GROUP (bench.py reports
#    the peer as not available with that reason) and never fails this script.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

peers="torch113,torch2,torch2-compile,jax,ort"
while [ $# -gt 0 ]; do
  case "$1" in
    --peers) peers="$2"; shift 2 ;;
    --peers=*) peers="${1#--peers=}"; shift ;;
    *) shift ;;  # bench.py's other options: not ours
  esac
done
want() { [[ ",$peers," == *",$1,"* ]]; }

# python3-venv: the venv; python3-dev and g++: torch.compile's C++ kernels.
PKGS=(python3-torch python3-matplotlib python3-numpy libopenblas0-openmp
      clang-22 libomp-22-dev python3-venv python3-dev g++)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "bench setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# --- the PyPI peers ----------------------------------------------------------
# Loose pins: the newest release of each major version that supports Debian's
# Python 3.11 (pip picks it; the versions used are in results.json).
TORCH_SPEC="torch>=2.4,<3"
JAX_SPEC="jax[cpu]>=0.4.30,<1"
# onnx: torch.onnx.export needs it to write the model onnxruntime runs.
ORT_SPEC="onnxruntime>=1.17,<2 onnx>=1.15,<2"
CPU_INDEX="https://download.pytorch.org/whl/cpu"

groups=()
{ want torch2 || want torch2-compile || want ort; } && groups+=(torch)
want jax && groups+=(jax)
want ort && groups+=(ort)
[ ${#groups[@]} -eq 0 ] && exit 0

VENV="${BENCH_VENV:-$here/.venv}"
mkdir -p "$VENV/status" 2>/dev/null || true
status() { echo "$2" > "$VENV/status/$1"; }
ok() { [ "$(head -n1 "$VENV/status/$1" 2>/dev/null)" = "ok $2" ]; }

if [ ! -x "$VENV/bin/python" ]; then
  echo "bench setup: creating $VENV"
  if ! /usr/bin/python3 -m venv "$VENV" > "$VENV/status/venv.log" 2>&1; then
    for g in "${groups[@]}"; do
      status "$g" "failed: python3 -m venv $VENV: $(tail -n1 "$VENV/status/venv.log")"
    done
    exit 0
  fi
fi
py="$VENV/bin/python"

install() {  # group, requirement(s), then pip's options; never fails
  local g="$1" spec="$2"; shift 2
  local reqs; read -ra reqs <<< "$spec"
  ok "$g" "$spec" && return 0
  echo "bench setup: pip install $spec (into $VENV)"
  local t0=$SECONDS
  if "$py" -m pip install --progress-bar off -q --disable-pip-version-check \
       --timeout 60 --retries 2 "$@" "${reqs[@]}" > "$VENV/status/$g.log" 2>&1; then
    status "$g" "ok $spec"
    echo "bench setup: $spec installed in $((SECONDS - t0)) s"
  else
    status "$g" "failed: pip install $spec: $(grep -E 'ERROR|rror' "$VENV/status/$g.log" |
                                                tail -n1 | cut -c1-300)"
    echo "bench setup: pip install $spec failed (see $VENV/status/$g.log);" \
         "its peers will be reported as not available"
  fi
  return 0
}

for g in "${groups[@]}"; do
  case "$g" in
    torch)
      # The CPU-only wheel (~200 MB) when its index answers, else PyPI's.
      if ! ok torch "$TORCH_SPEC" &&
         "$py" -c "import urllib.request as u; u.urlopen('$CPU_INDEX/torch/', timeout=10)" \
           2>/dev/null; then
        install torch "$TORCH_SPEC" --index-url "$CPU_INDEX" --extra-index-url https://pypi.org/simple
      else
        install torch "$TORCH_SPEC"
      fi ;;
    jax) install jax "$JAX_SPEC" ;;
    ort) install ort "$ORT_SPEC" ;;
  esac
done
exit 0
