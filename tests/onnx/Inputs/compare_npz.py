"""Compares every array of EXPECTED.npz with GOT.npz within tolerances.

usage: compare_npz.py GOT.npz EXPECTED.npz [RTOL [ATOL]]
"""
import sys

import numpy as np

got, want = np.load(sys.argv[1]), np.load(sys.argv[2])
rtol = float(sys.argv[3]) if len(sys.argv) > 3 else 1e-5
atol = float(sys.argv[4]) if len(sys.argv) > 4 else 1e-5
ok = True
for name in want.files:
    g, w = got[name], want[name]
    if g.shape != w.shape:
        print("%s: shape %s, expected %s" % (name, g.shape, w.shape))
        ok = False
        continue
    err = np.max(np.abs(g - w) / (atol + rtol * np.abs(w)))
    print("%s %s: %.3g of the tolerance" % (name, list(g.shape), err))
    ok &= bool(err <= 1)
print("PASS" if ok else "FAIL")
