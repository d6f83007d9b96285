"""Checks that two checkpoints hold the same state, bit for bit, by name (the
arena order may differ), and that training moved every float array away
from the initial state.

usage: same_state.py A.npz B.npz INIT.npz
"""
import sys

import numpy as np


def main():
    a, b, init = (np.load(p) for p in sys.argv[1:4])
    if sorted(a.files) != sorted(b.files):
        print("FAIL names differ:", sorted(set(a.files) ^ set(b.files)))
        return 1
    floats = [k for k in a.files if a[k].dtype.kind == "f"]
    differ = [k for k in floats if not np.array_equal(a[k], b[k])]
    still = [k for k in floats if np.array_equal(a[k], init[k])]
    if differ or still:
        print("FAIL differ:", differ, "unchanged:", still)
        return 1
    print(f"same {len(floats)} arrays, all trained")
    return 0


if __name__ == "__main__":
    sys.exit(main())
