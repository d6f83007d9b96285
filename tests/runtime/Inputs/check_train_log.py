"""Checks train --json output: check_train_log.py LOG EPOCHS STEPS_PER_EPOCH
LOG_EVERY. Every line is a JSON object; step records come exactly at
multiples of LOG_EVERY, epoch_end records at epoch ends; the loss goes down."""
import json
import math
import sys

path, epochs, per_epoch, every = sys.argv[1], *map(int, sys.argv[2:])
records = [json.loads(line) for line in open(path)]
steps = [r for r in records if not r.get("epoch_end")]
ends = [r for r in records if r.get("epoch_end")]
total = epochs * per_epoch
assert [r["step"] for r in steps] == list(range(every, total + 1, every)), steps
assert [r["step"] for r in ends] == [per_epoch * e for e in range(1, epochs + 1)]
assert [r["epoch"] for r in ends] == list(range(1, epochs + 1))
for r in records:
    for key in ("step", "epoch", "loss", "accuracy", "examples_per_sec"):
        assert key in r, (key, r)
    assert math.isfinite(r["loss"]) and 0 <= r["accuracy"] <= 1, r
    assert r["epoch"] == (r["step"] - 1) // per_epoch + 1, r
    assert r["loss"] >= r["data_loss"], r
if every == 1:
    # Each step's own loss: the epoch mean is their example-weighted mean.
    for e, end in enumerate(ends):
        own = steps[e * per_epoch:(e + 1) * per_epoch]
        sizes = [8] * (per_epoch - 1) + [end["examples"] - 8 * (per_epoch - 1)]
        mean = sum(r["loss"] * n for r, n in zip(own, sizes)) / sum(sizes)
        assert abs(mean - end["loss"]) < 1e-6, (mean, end)
if epochs > 2:
    assert ends[-1]["loss"] < ends[0]["loss"], ends
print("ok")
