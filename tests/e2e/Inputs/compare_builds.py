"""Compares the held-out outputs two builds of a golden model wrote (see
golden_e2e_forward.py) within the golden end-to-end tolerances.

usage: compare_builds.py GOLDEN_DIR NAME DIR_A DIR_B
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "lib"))
from golden import load_manifest, within  # noqa: E402
from golden_e2e_forward import e2e_tol  # noqa: E402

KEYS = ("heldout_infer_logits_init", "heldout_infer_logits",
        "heldout_train_logits")


def main():
    golden, name, a, b = sys.argv[1:5]
    manifest = load_manifest(golden)
    entry = manifest["e2e"][name]
    output = entry.get("output", "logits")
    agreed = []
    for key in KEYS:
        x = np.load(os.path.join(a, key + ".npz"))[output]
        y = np.load(os.path.join(b, key + ".npz"))[output]
        err = within(y, x, e2e_tol(manifest, entry, key, x))
        if err > 1.0:
            print(f"DIFFER {key}: {err:.3f} of tolerance")
            return 1
        agreed.append(key)
    print("agree: " + " ".join(agreed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
