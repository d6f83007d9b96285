"""Replays the fake model's train_step in NumPy (float64) and compares with
the runtime's checkpoint and per-step losses.

usage: check_train_reference.py INIT DATA CKPT LOG BATCH EPOCHS SEED

Valid for --no-shuffle runs: checks that the runtime feeds batches in order,
passes `step` = global_step before the step and the training seed, trains
the last partial batch, and counts global_step.
"""
import json
import sys

import numpy as np

init, data, ckpt, log = (np.load(sys.argv[1]), np.load(sys.argv[2]),
                         np.load(sys.argv[3]), sys.argv[4])
batch, epochs, seed = map(int, sys.argv[5:8])
x, y = data["x"].astype(np.float64), data["y"]
w = init["dense/kernel"].astype(np.float64)
b = init["dense/bias"].astype(np.float64)
mm = init["logits/moving_mean"].astype(np.float64)
wacc = init["dense/kernel/momentum"].astype(np.float64)
bacc = init["dense/bias/momentum"].astype(np.float64)

losses = []
step = 0
for _ in range(epochs):
    for start in range(0, len(y), batch):
        xb, yb = x[start:start + batch], y[start:start + batch]
        n = len(yb)
        z = xb @ w + b
        mean = z.mean(0)
        logits = z - mean
        p = np.exp(logits - logits.max(1, keepdims=True))
        p /= p.sum(1, keepdims=True)
        data_loss = -np.log(p[np.arange(n), yb]).mean()
        losses.append(data_loss + 0.01 * np.sum(w * w))
        dy = p.copy()
        dy[np.arange(n), yb] -= 1
        dy /= n
        dz = dy - dy.mean(0)
        gw = xb.T @ dz + 0.02 * w
        gb = dz.sum(0)
        lr = 0.1 / (1 + 0.01 * step) * (1 + (seed % 7) / 1000)
        wacc = 0.9 * wacc + gw
        bacc = 0.9 * bacc + gb
        w = w - lr * wacc
        b = b - lr * bacc
        mm = 0.9 * mm + 0.1 * mean
        step += 1


def close(name, want):
    got = ckpt[name]
    err = np.abs(got - want).max()
    assert err <= 1e-5 * max(1.0, np.abs(want).max()), (name, got, want)


close("dense/kernel", w)
close("dense/bias", b)
close("logits/moving_mean", mm)
close("dense/kernel/momentum", wacc)
close("dense/bias/momentum", bacc)
assert int(ckpt["global_step"]) == step, ckpt["global_step"]
assert int(ckpt["modelc/seed"]) == seed, ckpt["modelc/seed"]
got = [r["loss"] for r in map(json.loads, open(log)) if not r.get("epoch_end")]
assert len(got) == step and np.allclose(got, losses, rtol=1e-5), (got, losses)
print("ok", step, "steps")
