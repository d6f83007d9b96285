#!/usr/bin/env bash
# The main job: set up, build, turn Debian's Fashion-MNIST into .npz, compile
# examples/fashion_cnn.json to a native executable, train it for 2 epochs at
# batch size 64, evaluate it on the 10,000 test images, and classify them
# again through the model compiled as a C library (examples/embed/).
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
echo "== the same model as a C library, embedded in examples/embed/classify.c"
rm -rf lib
"$root/build/bin/modelc" "$root/examples/fashion_cnn.json" --emit=lib -o lib
clang-22 -std=c99 -O2 -I lib "$root/examples/embed/classify.c" lib/libfashion_cnn.a \
  -lz -lm -L/usr/lib/llvm-22/lib -lomp -Wl,-rpath,/usr/lib/llvm-22/lib -o classify
./classify fashion.ckpt.npz /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz \
  /usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz --print 3
