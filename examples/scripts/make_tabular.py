"""Two tabular data sets from scikit-learn (Debian's python3-sklearn), as a
Keras user has them: float64 features, int64 or float64 labels. modelc
converts them on load (with a note).

usage: make_tabular.py OUTDIR
  breast_cancer_{train,val,test}.npz  x float64 [N, 30], y float64 [N, 1] (1 = benign)
  diabetes_{train,val,test}.npz       x float64 [N, 10], y float64 [N] (disease progression)
  diabetes_{train,val,test}.csv       the same as CSV: x0..x9, y
Split: a seeded 60/20/20 permutation (val chooses the epoch, test judges
it); features standardized with the training part's mean and deviation.
"""
import os
import sys

import numpy as np
from sklearn.datasets import load_breast_cancer, load_diabetes


def split(x, y, seed):
    order = np.random.RandomState(seed).permutation(len(y))
    a, b = int(0.6 * len(y)), int(0.8 * len(y))
    parts = {"train": order[:a], "val": order[a:b], "test": order[b:]}
    mean, std = x[parts["train"]].mean(0), x[parts["train"]].std(0)
    return {k: ((x[i] - mean) / std, y[i]) for k, i in parts.items()}


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    bc = load_breast_cancer()
    parts = split(bc.data, bc.target.astype(np.float64).reshape(-1, 1), 0)
    for name, (x, y) in parts.items():
        np.savez(os.path.join(out, f"breast_cancer_{name}.npz"), x=x, y=y)
    print("breast_cancer:", {k: len(v[1]) for k, v in parts.items()})

    db = load_diabetes()
    parts = split(db.data, db.target, 0)
    for name, (x, y) in parts.items():
        np.savez(os.path.join(out, f"diabetes_{name}.npz"), x=x, y=y)
        with open(os.path.join(out, f"diabetes_{name}.csv"), "w") as f:
            f.write(",".join(f"x{i}" for i in range(10)) + ",y\n")
            for row, target in zip(x, y):
                f.write(",".join("%.17g" % v for v in row) + ",%g\n" % target)
    print("diabetes:", {k: len(v[1]) for k, v in parts.items()})


if __name__ == "__main__":
    main()
