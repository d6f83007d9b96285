"""Checks that checkpoints of the same run on different numbers of processes
agree: every float array within RTOL of the first checkpoint's largest
magnitude plus ATOL (a bias followed by a batch norm has a zero gradient:
its values are rounding noise), the same global_step, and every float array
trained (moved away from INIT).

usage: close_states.py RTOL ATOL INIT.npz A.npz B.npz...
"""
import sys

import numpy as np


def main():
    rtol, atol = float(sys.argv[1]), float(sys.argv[2])
    init = np.load(sys.argv[3])
    first, *others = (np.load(p) for p in sys.argv[4:])
    failed = 0
    for path, other in zip(sys.argv[5:], others):
        if int(other["global_step"]) != int(first["global_step"]):
            print(f"FAIL {path}: global_step differs")
            failed += 1
        worst = 0.0
        for key in first.files:
            if first[key].dtype.kind != "f":
                continue
            bound = rtol * float(np.abs(first[key]).max()) + atol
            worst = max(worst, float(np.abs(other[key] - first[key]).max()) / bound)
        print(f"{path}: max difference {worst:.3f} of tolerance")
        if worst > 1:
            print(f"FAIL {path}: beyond rtol {rtol}, atol {atol}")
            failed += 1
    still = [k for k in first.files
             if first[k].dtype.kind == "f" and k in init.files
             and np.array_equal(first[k], init[k])]
    if still:
        print("FAIL untrained:", still)
        failed += 1
    print("ok" if not failed else f"{failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
