"""Checks that two checkpoints of transpose.test hold the same model.

usage: compare_transposed.py PLAIN.npz NCHW.npz INIT.npz
"""
import sys

import numpy as np

a, b = np.load(sys.argv[1]), np.load(sys.argv[2])
worst = 0.0
for name in ("conv/kernel", "conv/bias", "d/bias", "d/kernel"):
    want = a[name]
    got = b[name]
    if name == "d/kernel":
        got = got.reshape(2, 4, 5, 3).transpose(1, 2, 0, 3).reshape(-1, 3)
    err = np.max(np.abs(got - want) / (1e-6 + 1e-5 * np.abs(want)))
    worst = max(worst, err)
    print("%-12s max error %.3g tolerances" % (name, err))
moved = np.max(np.abs(a["conv/kernel"] - np.load(sys.argv[3])["conv/kernel"]))
print("conv/kernel moved by %.3g in training" % moved)
assert moved > 1e-3, "training did not change the conv kernel"
print("PASS" if worst <= 1 else "FAIL")
