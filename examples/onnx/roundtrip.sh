#!/usr/bin/env bash
# ONNX round trip: a CNN written in PyTorch (torch_fashion_cnn.py), exported
# with torch.onnx.export, imported by modelc, trained natively on
# Fashion-MNIST, evaluated, exported again as ONNX, and the exported file's
# logits recomputed from the ONNX graph by NumPy (onnxruntime too, when it is
# importable) and compared with the executable's.
#
# MODEL=mobile runs torch_mobile_cnn.py instead: depthwise-separable
# convolutions, SiLU, squeeze-and-excitation and an AvgPool counting its
# pads, with the cross-entropy exported in the graph (SoftmaxCrossEntropyLoss)
# so that the training wrapper only adds the optimizer.
#
# usage: [MODEL=fashion|mobile] examples/onnx/roundtrip.sh [WORKDIR]
#        (after scripts/build.sh)
# Needs Debian's python3-torch (bench/setup.sh installs it) and python3-onnx;
# ORT_PYTHON=/path/to/venv/bin/python (a Python with onnxruntime, e.g. from
# PyPI) adds onnxruntime's logits and test accuracy to the check.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="${1:-$root/build/onnx-roundtrip}"
py=/usr/bin/python3
mkdir -p "$work"
cd "$work"

model="${MODEL:-fashion}"
case "$model" in
fashion)
  # An inference graph: the wrapper adds the labels and the loss.
  wrapper='"labels": [{"name": "y", "shape": [-1], "dtype": "i32"}],
 "loss": {"op": "softmax_cross_entropy", "logits": "logits", "labels": "y"},'
  epochs=2
  ;;
mobile)
  wrapper="" # the graph brings its labels and loss
  epochs=4
  ;;
*)
  echo "MODEL must be fashion or mobile, got '$model'" >&2
  exit 1
  ;;
esac

echo "== PyTorch -> ONNX ($model)"
$py "$root/examples/onnx/torch_${model}_cnn.py" "${model}_torch.onnx"

echo "== Fashion-MNIST in NCHW, as the ONNX graph takes it"
if [ ! -f fashion_train.npz ]; then
  $py "$root/examples/scripts/make_fashion_mnist.py" "$work"
fi
$py - <<'PY'
import numpy as np
for part in ("train", "test"):
    d = np.load("fashion_%s.npz" % part)
    np.savez("nchw_%s.npz" % part, x=d["x"].transpose(0, 3, 1, 2), y=d["y"])
PY

echo "== modelc: import and train"
cat > "train_$model.json" <<JSON
{"import": "${model}_torch.onnx", "seed": 42, $wrapper
 "optimizer": {"op": "adam", "learning_rate": 0.002}}
JSON
"$root/build/bin/modelc" "train_$model.json" -o "${model}_onnx"
"./${model}_onnx" train --data nchw_train.npz --epochs "${EPOCHS:-$epochs}" \
  --batch-size 64 --log-every 400 --checkpoint "$model.ckpt.npz"
"./${model}_onnx" eval --data nchw_test.npz --checkpoint "$model.ckpt.npz" \
  --json | tee eval.json

echo "== export and check the exported graph"
"./${model}_onnx" export --checkpoint "$model.ckpt.npz" --output trained.onnx
$py - <<'PY'
import numpy as np
d = np.load("nchw_test.npz")
np.savez("check_in.npz", x=d["x"][:1000])
PY
"./${model}_onnx" predict --input check_in.npz --checkpoint "$model.ckpt.npz" \
  --output check_modelc.npz
$py "$root/tests/onnx/Inputs/onnx_numpy.py" trained.onnx check_in.npz \
  check_numpy.npz
$py - <<'PY'
import json
import numpy as np
got = np.load("check_modelc.npz")["logits"]
ref = np.load("check_numpy.npz")["logits"]
rel = np.max(np.abs(got - ref)) / np.max(np.abs(ref))
acc = json.load(open("eval.json"))["accuracy"]
print("test accuracy %.4f; exported graph (NumPy) vs executable: max "
      "|diff| / max |logit| = %.2e over 1000 images" % (acc, rel))
assert rel < 1e-5, "exported graph differs"
assert acc >= 0.90, "accuracy below 90%"
PY
if [ -n "${ORT_PYTHON:-}" ]; then
  "$ORT_PYTHON" - <<'PY'
import numpy as np
import onnxruntime
s = onnxruntime.InferenceSession("trained.onnx",
                                 providers=["CPUExecutionProvider"])
x = np.load("check_in.npz")["x"]
ort = s.run(None, {"x": x})[0]
got = np.load("check_modelc.npz")["logits"]
rel = np.max(np.abs(got - ort)) / np.max(np.abs(ort))
test = np.load("nchw_test.npz")
acc = (s.run(None, {"x": test["x"]})[0].argmax(1) == test["y"]).mean()
print("onnxruntime %s: max |diff| / max |logit| = %.2e; test accuracy %.4f"
      % (onnxruntime.__version__, rel, acc))
assert rel < 1e-5
PY
fi
