#!/usr/bin/env bash
# The main job: set up, build, turn Debian's Fashion-MNIST into .npz, compile
# examples/fashion_cnn.json to a native executable, train it for 2 epochs at
# batch size 64 and evaluate it on the 10,000 test images.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/scripts/build.sh"
work="$root/build/run"
mkdir -p "$work"
cd "$work"
if [ ! -f fashion_train.npz ]; then
  /usr/bin/python3 "$root/examples/scripts/make_fashion_mnist.py" "$work"
fi
echo "== modelc examples/fashion_cnn.json -o fashion_cnn"
"$root/build/bin/modelc" "$root/examples/fashion_cnn.json" -o fashion_cnn
./fashion_cnn info | head -12
echo "== ./fashion_cnn train (2 epochs, batch size 64)"
rm -f fashion.ckpt.npz
./fashion_cnn train --data fashion_train.npz --val fashion_test.npz \
  --epochs "${EPOCHS:-2}" --batch-size 64 --log-every 200 \
  --checkpoint fashion.ckpt.npz
echo "== ./fashion_cnn eval on the test set"
./fashion_cnn eval --data fashion_test.npz --checkpoint fashion.ckpt.npz
