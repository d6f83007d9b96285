"""Turns scikit-learn's digits.csv.gz (Debian's python3-sklearn) into modelc
.npz data: a fixed, seeded 80/20 split.

usage: make_digits.py OUTDIR   -> OUTDIR/digits_train.npz, digits_test.npz
Arrays: x float32 [N, 8, 8, 1] scaled to [0, 1], y int32 [N].
"""
import gzip
import os
import sys

import numpy as np

SRC = "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz"


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    with gzip.open(SRC, "rt") as f:
        data = np.loadtxt(f, delimiter=",")
    x = (data[:, :64] / 16.0).astype(np.float32).reshape(-1, 8, 8, 1)
    y = data[:, 64].astype(np.int32)
    order = np.random.RandomState(0).permutation(len(y))
    cut = int(0.8 * len(y))
    for name, idx in (("train", order[:cut]), ("test", order[cut:])):
        np.savez(os.path.join(out, f"digits_{name}.npz"), x=x[idx], y=y[idx])
        print(f"digits_{name}.npz: x {x[idx].shape}, y {y[idx].shape}")


if __name__ == "__main__":
    main()
