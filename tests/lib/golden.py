"""Shared helpers for tests that compare modelc's results with ../shared/golden.

Tolerances always come from the golden manifest; nothing here computes a
reference value.
"""
import json
import os
import subprocess
import sys

import numpy as np


def load_manifest(golden_dir):
    with open(os.path.join(golden_dir, "manifest.json")) as f:
        return json.load(f)


def within(got, ref, tol):
    """Max violation in tolerance units (<= 1 passes): |got-ref| <= atol + rtol*|ref|."""
    got = np.asarray(got, dtype=np.float64)
    ref = np.asarray(ref, dtype=np.float64)
    if got.shape != ref.shape:
        raise AssertionError(f"shape {got.shape} != reference {ref.shape}")
    bound = tol["atol"] + tol["rtol"] * np.abs(ref)
    err = np.abs(got - ref)
    if not np.all(np.isfinite(got)):
        return float("inf")
    return float(np.max(err / bound)) if err.size else 0.0


def run(cmd, **kw):
    res = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if res.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({res.returncode}):\n"
                           f"{res.stdout}{res.stderr}")
    return res.stdout


def save_npz(path, arrays):
    np.savez(path, **arrays)


def report(name, results):
    """Prints one line per result and exits 1 if any failed."""
    passed = failed = 0
    for what, err in results:
        ok = err <= 1.0
        print(f"{'ok  ' if ok else 'FAIL'} {name} {what}: max error "
              f"{err:.3f} of tolerance")
        passed += ok
        failed += not ok
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
