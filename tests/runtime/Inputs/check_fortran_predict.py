"""Checks the fake model's inference output against NumPy.

usage: check_fortran_predict.py DATA.npz STATE.npz PREDICTED.npz

NumPy reads DATA and STATE (in whatever order they are stored) and computes
the fake model's inference pass, logits = x @ kernel + bias - moving_mean;
PREDICTED must hold the same values.
"""
import sys

import numpy as np

data, state, predicted = (np.load(p) for p in sys.argv[1:4])
x = data["x"].astype(np.float32)
want = (x @ state["dense/kernel"] + state["dense/bias"] -
        state["logits/moving_mean"])
got = predicted["logits"]
if got.shape != want.shape or not np.allclose(got, want, rtol=1e-5, atol=1e-6):
    sys.exit("predict differs from NumPy: max |diff| %g" %
             np.abs(got - want).max())
print("predict equals NumPy on Fortran-order files")
