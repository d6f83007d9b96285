"""Checks `eval --json` of a compiled model against scikit-learn/NumPy on
the outputs `predict` wrote for the same checkpoint and data.

usage: check_keras_metrics.py binary|regression EVAL.json DATA.npz PRED.npz"""
import json
import sys

import numpy as np
from sklearn import metrics

kind, got, data, pred = sys.argv[1], json.load(open(sys.argv[2])), np.load(sys.argv[3]), np.load(sys.argv[4])
y = data["y"].reshape(-1)
if kind == "binary":
    logit = pred["logit"].astype(np.float64).reshape(-1)
    truth, guess = y > 0.5, logit > 0
    want = {"accuracy": metrics.accuracy_score(truth, guess),
            "precision": metrics.precision_score(truth, guess),
            "recall": metrics.recall_score(truth, guess),
            "auc": metrics.roc_auc_score(truth, logit)}
    cm = metrics.confusion_matrix(truth, guess).tolist()
    assert got["confusion_matrix"] == cm, (got["confusion_matrix"], cm)
    prob = 1 / (1 + np.exp(-logit))
    assert np.abs(pred["probabilities"].reshape(-1) - prob).max() < 1e-6
else:
    out = pred["out"].astype(np.float64).reshape(-1)
    want = {"mean_absolute_error": np.abs(out - y.astype(np.float32)).mean(),
            "mean_squared_error": ((out - y.astype(np.float32)) ** 2).mean()}
    # The metric is the data loss, computed by the runtime in double.
    assert abs(got["mean_squared_error"] - got["data_loss"]) <= 1e-5 * got["data_loss"]
for key, value in want.items():
    assert abs(got[key] - value) <= 1e-9 * max(1, abs(value)), (key, got[key], value)
print("ok", {k: round(v, 4) for k, v in want.items()})
