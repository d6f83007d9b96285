"""Mean softmax cross-entropy of EXPECTED.npz's logits for DATA.npz's labels.

usage: cross_entropy.py EXPECTED.npz DATA.npz EVAL.json
Checks `data_loss` of modelc's `eval --json` output against it (rtol 1e-5).
"""
import json
import sys

import numpy as np

logits = np.load(sys.argv[1])["logits"].astype(np.float64)
y = np.load(sys.argv[2])["y"]
z = logits - logits.max(axis=1, keepdims=True)
ce = np.mean(np.log(np.exp(z).sum(axis=1)) - z[np.arange(len(y)), y])
got = json.loads(open(sys.argv[3]).read())["data_loss"]
print("data_loss %.6f, NumPy %.6f" % (got, ce))
print("PASS" if abs(got - ce) <= 1e-5 * abs(ce) + 1e-6 else "FAIL")
