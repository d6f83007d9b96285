"""Checks eval --json outputs against NumPy: check_eval.py DATA STATE JSON..."""
import json
import sys

import numpy as np

data, state = np.load(sys.argv[1]), np.load(sys.argv[2])
x, y = data["x"].astype(np.float64), data["y"]
k = state["dense/kernel"].astype(np.float64)
logits = x @ k + state["dense/bias"] - state["logits/moving_mean"]
lse = np.log(np.exp(logits).sum(1))
data_loss = np.mean(lse - logits[np.arange(len(y)), y])
loss = data_loss + 0.01 * np.sum(k * k)
accuracy = np.mean(logits.argmax(1) == y)
for path in sys.argv[3:]:
    got = json.load(open(path))
    assert got["examples"] == len(y), got
    assert abs(got["data_loss"] - data_loss) < 1e-5, (got, data_loss)
    assert abs(got["loss"] - loss) < 1e-5, (got, loss)
    assert abs(got["accuracy"] - accuracy) < 1e-12, (got, accuracy)
# Not a degenerate case: some predictions are wrong, regularization matters.
assert 0.5 < accuracy < 1.0 and loss - data_loss > 1e-3, (accuracy, loss)
print("ok")
