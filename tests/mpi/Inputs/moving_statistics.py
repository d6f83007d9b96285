"""The moving statistics after one data-parallel step (SPEC 8), from NumPy:
the batch of 8 examples is split into contiguous shards (the first
8 % N shards one example larger). Unsynchronized, each process normalizes
with its own shard and the moving statistics are averaged over processes
(weighted by shard size, as the gradients are); synchronized, they follow
the statistics of the whole batch. Momentum 0.5, biased variance.

usage: moving_statistics.py make DATA.npz
       moving_statistics.py check DATA.npz CKPT.npz NPROCS sync|shard
"""
import sys

import numpy as np


def main():
    if sys.argv[1] == "make":
        r = np.random.RandomState(7)
        # Shards with different spreads: their variances differ from the
        # batch's, so the two rules give different moving variances.
        x = np.concatenate([r.randn(4, 4), 3 * r.randn(4, 4) + 5]).astype(np.float32)
        np.savez(sys.argv[2], x=x, y=np.arange(8, dtype=np.int32) % 3)
        return 0
    x = np.load(sys.argv[2])["x"].astype(np.float64)
    state = np.load(sys.argv[3])
    n, rule = int(sys.argv[4]), sys.argv[5]
    if rule == "sync":
        mean, var = x.mean(0), x.var(0)
    else:
        sizes = [8 // n + (k < 8 % n) for k in range(n)]
        starts = np.cumsum([0] + sizes)
        parts = [x[starts[k]:starts[k + 1]] for k in range(n)]
        mean = sum(len(p) / 8 * p.mean(0) for p in parts)
        var = sum(len(p) / 8 * p.var(0) for p in parts)
    expected = {"bn/moving_mean": 0.5 * 0 + 0.5 * mean,
                "bn/moving_variance": 0.5 * 1 + 0.5 * var}
    failed = 0
    for key, ref in expected.items():
        err = float(np.abs(state[key] - ref).max() / np.abs(ref).max())
        ok = err < 1e-5
        failed += not ok
        print(f"{'ok' if ok else 'FAIL'} {rule} np {n} {key}: relative error {err:.1e}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
