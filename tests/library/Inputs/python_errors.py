"""The generated wrapper's errors and state views, on the ghost-batch model.

usage: python_errors.py LIBDIR
"""
import importlib.util
import os
import sys

import numpy as np

lib = sys.argv[1]
spec = importlib.util.spec_from_file_location("ghost", os.path.join(lib, "ghost.py"))
ghost = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ghost)

m = ghost.Model(lib, seed=3)
x = np.linspace(-1, 1, 4 * 6, dtype=np.float32).reshape(4, 6)
y = np.array([0, 1, 2, 1], dtype=np.int32)


def attempt(what, f):
    try:
        f()
        print(f"{what}: ok")
    except (ghost.ModelError, ValueError) as e:
        status = getattr(e, "status", "-")
        print(f"{what}: {type(e).__name__} {status} {e}")


attempt("train_step batch 3", lambda: m.train_step(x=x[:3], y=y[:3]))
attempt("predict train batch 3", lambda: m.predict(mode="train", x=x[:3]))
attempt("predict infer batch 3", lambda: m.predict(mode="infer", x=x[:3]))
attempt("missing label", lambda: m.train_step(x=x))
attempt("unknown array", lambda: m.train_step(x=x, y=y, z=y))
attempt("wrong shape", lambda: m.predict(x=x[:, :5]))
attempt("batch mismatch", lambda: m.train_step(x=x, y=y[:2]))
attempt("bad mode", lambda: m.predict(mode="eval", x=x))
attempt("label out of range", lambda: m.train_step(x=x, y=y + 2))
attempt("load missing", lambda: m.load("/nonexistent.npz"))
# Labels given as int64 and x as float64 are converted (exact here).
before = m.state["fc/kernel"].copy()
loss = m.train_step(x=x.astype(np.float64), y=y.astype(np.int64))
print(f"train_step: loss finite {np.isfinite(loss)}, global_step {m.global_step}")
print("kernel moved", not np.array_equal(before, m.state["fc/kernel"]))
# The state dict views the model's memory: writes reach the model.
m.state["bn/moving_mean"][:] = 7.0
m.save(os.path.join(lib, "s.npz"))
print("moving_mean saved", np.load(os.path.join(lib, "s.npz"))["bn/moving_mean"])
m.global_step = 40
print("global_step", m.global_step)
attempt("global_step -1", lambda: setattr(m, "global_step", -1))
m.close()
