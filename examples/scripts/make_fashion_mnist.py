"""Turns Debian's dataset-fashion-mnist (IDX files) into modelc .npz data.

usage: make_fashion_mnist.py OUTDIR   -> OUTDIR/fashion_train.npz, fashion_test.npz
Arrays: x float32 [N, 28, 28, 1] scaled to [0, 1], y int32 [N].
"""
import gzip
import os
import sys

import numpy as np

SRC = "/usr/share/datasets/fashion-mnist"


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for split, prefix in (("train", "train"), ("test", "t10k")):
        x = idx(os.path.join(SRC, f"{prefix}-images-idx3-ubyte.gz"))
        y = idx(os.path.join(SRC, f"{prefix}-labels-idx1-ubyte.gz"))
        x = (x.astype(np.float32) / 255.0)[..., None]
        np.savez(os.path.join(out, f"fashion_{split}.npz"), x=x, y=y.astype(np.int32))
        print(f"fashion_{split}.npz: x {x.shape}, y {y.shape}")


if __name__ == "__main__":
    main()
