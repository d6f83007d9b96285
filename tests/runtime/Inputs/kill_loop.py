"""Kills `train` with SIGKILL at random moments, N times; after each kill the
checkpoint must be a whole one, never older than before, loadable by NumPy
and by the executable; a killed write's temporary file must be swept by the
next run, so at most one is ever left, and none after a clean run.

usage: kill_loop.py PROGRAM DATA WORKDIR N
"""
import glob
import os
import random
import signal
import subprocess
import sys
import time

import numpy as np

prog, data, work, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
os.makedirs(work, exist_ok=True)
ckpt = os.path.join(work, "c.npz")
subprocess.run([prog, "init", "--output", ckpt], check=True,
               stdout=subprocess.DEVNULL)
expected = set(np.load(ckpt).keys())
rng = random.Random(20261205)


def temps():
    return glob.glob(os.path.join(work, ".c.npz.tmp-*"))


def check(after):
    with np.load(ckpt, allow_pickle=False) as z:
        keys = set(z.keys())
        missing = expected - keys
        assert not missing, f"after {after}: missing {missing}"
        for k in keys:
            z[k]  # every member decodes (CRC checked)
        step = int(z["global_step"])
    subprocess.run([prog, "eval", "--data", data, "--checkpoint", ckpt],
                   check=True, stdout=subprocess.DEVNULL)
    return step


step, mid_write, max_temps = check("init"), 0, 0
for i in range(n):
    p = subprocess.Popen([prog, "train", "--data", data, "--epochs", "100000000",
                          "--batch-size", "8", "--resume", ckpt,
                          "--checkpoint", ckpt],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(rng.uniform(0.02, 0.25))
    os.kill(p.pid, signal.SIGKILL)
    p.wait()
    left = temps()
    mid_write += bool(left)
    max_temps = max(max_temps, len(left))
    new = check(f"kill {i + 1}")
    assert new >= step, f"kill {i + 1}: global_step went back {step} -> {new}"
    step = new

subprocess.run([prog, "train", "--data", data, "--steps", str(step + 1),
                "--resume", ckpt, "--checkpoint", ckpt], check=True,
               stdout=subprocess.DEVNULL)
assert not temps(), f"temporary files left after a clean run: {temps()}"
assert max_temps <= 1, f"{max_temps} temporary files at once"
print(f"{n}/{n} kills: checkpoint always whole and loadable, global_step "
      f"never went back (reached {step}); {mid_write} kills caught a write "
      f"in progress, each temporary file swept by the next run")
