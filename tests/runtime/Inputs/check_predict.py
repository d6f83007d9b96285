"""Checks predict's outputs in DIR (see predict.test) against NumPy."""
import sys

import numpy as np

d = sys.argv[1]
s = np.load(d + "/state.npz")
x = np.load(d + "/data.npz")["x"].astype(np.float64)
z = x @ s["dense/kernel"] + s["dense/bias"]


def check(name, want):
    got = np.load(d + "/" + name)["logits"]
    assert got.dtype == np.float32 and got.shape == want.shape, (name, got.shape)
    err = np.abs(got - want).max()
    assert err < 1e-5, (name, err)


infer = z - s["logits/moving_mean"]
check("infer.npz", infer)
check("infer_all.npz", infer)
check("train.npz", z - z.mean(0))
train7 = np.concatenate([b - b.mean(0) for b in np.split(z, range(7, 50, 7))])
check("train7.npz", train7)
# The two modes really differ, so the mode flag is tested.
assert np.abs(infer - (z - z.mean(0))).max() > 1e-3
print("ok")
