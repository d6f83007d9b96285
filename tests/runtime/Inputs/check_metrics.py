"""Checks `eval --json --confusion-matrix` of a binary softmax classifier
against scikit-learn on the logits `predict` wrote for the same checkpoint.

usage: check_metrics.py EVAL.json DATA.npz PREDICTIONS.npz"""
import json
import sys

import numpy as np
from sklearn import metrics

got = json.load(open(sys.argv[1]))
y = np.load(sys.argv[2])["y"]
logits = np.load(sys.argv[3])["logits"].astype(np.float64)
pred = logits.argmax(axis=1)
score = logits[:, 1] - logits[:, 0]
want = {
    "accuracy": metrics.accuracy_score(y, pred),
    "top_1_accuracy": metrics.top_k_accuracy_score(y, score, k=1),
    "precision": metrics.precision_score(y, pred),
    "recall": metrics.recall_score(y, pred),
    "auc": metrics.roc_auc_score(y, score),
}
for key, value in want.items():
    assert abs(got[key] - value) < 1e-12, (key, got[key], value)
cm = metrics.confusion_matrix(y, pred).tolist()
assert got["confusion_matrix"] == cm, (got["confusion_matrix"], cm)
assert got["examples"] == len(y)
print("ok", want, cm)
