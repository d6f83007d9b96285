"""Writes the two models and the data of transpose.test.

usage: transpose_models.py DIR

`plain.json`: x [N, 4, 5, 3] -> conv2d -> flatten -> dense.
`nchw.json`:  the same, with the conv's output transposed to NCHW before
the flatten. Both compute the same function when the second model's dense
kernel holds the first's rows in (c, h, w) instead of (h, w, c) order, so
training both from matching states must keep them matching: the transpose's
forward and gradient are checked against the golden-tested layers, not
against values of their own.
"""
import json
import os
import sys

import numpy as np

out = sys.argv[1]


def model(name, transpose):
    layers = [{"name": "conv", "op": "conv2d", "input": "x", "filters": 2,
               "kernel_size": 3, "padding": "same"}]
    if transpose:
        layers.append({"name": "nchw", "op": "transpose", "input": "conv",
                       "perm": [0, 3, 1, 2]})
    layers += [{"name": "flat", "op": "flatten",
                "input": "nchw" if transpose else "conv"},
               {"name": "d", "op": "dense", "input": "flat", "units": 3}]
    return {"name": name, "seed": 5,
            "inputs": [{"name": "x", "shape": [-1, 4, 5, 3], "dtype": "f32"}],
            "labels": [{"name": "y", "shape": [-1], "dtype": "i32"}],
            "layers": layers, "outputs": ["d"],
            "loss": {"op": "softmax_cross_entropy", "logits": "d",
                     "labels": "y"},
            "optimizer": {"op": "momentum", "learning_rate": 0.05,
                          "momentum": 0.9}}


for name, t in (("plain", False), ("nchw", True)):
    with open(os.path.join(out, name + ".json"), "w") as f:
        json.dump(model(name, t), f)

rng = np.random.RandomState(3)
x = rng.randn(40, 4, 5, 3).astype(np.float32)
y = rng.randint(0, 3, 40).astype(np.int32)
np.savez(os.path.join(out, "data.npz"), x=x, y=y)

# Matching initial states: dense rows reordered from (h, w, c) to (c, h, w).
k = rng.uniform(-0.3, 0.3, (3, 3, 3, 2)).astype(np.float32)
d = rng.uniform(-0.3, 0.3, (4 * 5 * 2, 3)).astype(np.float32)
state = {"conv/kernel": k, "conv/bias": np.zeros(2, np.float32),
         "d/bias": np.zeros(3, np.float32)}
np.savez(os.path.join(out, "plain_init.npz"), **state, **{"d/kernel": d})
d_chw = d.reshape(4, 5, 2, 3).transpose(2, 0, 1, 3).reshape(-1, 3)
np.savez(os.path.join(out, "nchw_init.npz"), **state, **{"d/kernel": d_chw})
