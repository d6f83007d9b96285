"""Forward pass of the golden end-to-end models: compiles NAME.json and runs
predict on the held-out batch with the initial state (inference) and with the
golden state after T steps (inference and training mode).

usage: golden_e2e_forward.py GOLDEN_DIR NAME WORKDIR [MODELC_FLAG ...]
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from golden import load_manifest, report, run, within  # noqa: E402


def e2e_tol(manifest, entry, key, ref):
    if key in entry["tolerances"]:
        return entry["tolerances"][key]
    cls = manifest["tolerances"]["e2e"]
    return {"rtol": cls["rtol"],
            "atol": max(cls["atol_rel"] * float(np.max(np.abs(ref))),
                        cls["atol_min"])}


def main():
    golden, name, work = sys.argv[1:4]
    flags = sys.argv[4:]
    manifest = load_manifest(golden)
    entry = manifest["e2e"][name]
    os.makedirs(work, exist_ok=True)
    exe = os.path.join(work, name)
    run(["modelc", os.path.join(golden, entry["model"]), "-o", exe] + flags)
    expected = np.load(os.path.join(golden, entry["expected"]))
    init = np.load(os.path.join(golden, entry["init"]))
    after = np.load(os.path.join(golden, entry["state_after"]))
    # Only the arrays the forward pass reads (a plain NumPy state file).
    forward_keys = list(init.keys())
    np.savez(os.path.join(work, "after.npz"),
             **{k: after[k] for k in forward_keys})
    heldout = os.path.join(golden, entry["heldout"])
    output = manifest["e2e"][name].get("output", "logits")
    checks = [
        (os.path.join(golden, entry["init"]), "infer",
         "heldout_infer_logits_init"),
        (os.path.join(work, "after.npz"), "infer", "heldout_infer_logits"),
        (os.path.join(work, "after.npz"), "train", "heldout_train_logits"),
    ]
    results = []
    for state, mode, key in checks:
        out = os.path.join(work, key + ".npz")
        run([exe, "predict", "--input", heldout, "--checkpoint", state,
             "--output", out, "--mode", mode])
        got = np.load(out)[output]
        ref = expected[key]
        results.append((f"{key} ({mode})",
                        within(got, ref, e2e_tol(manifest, entry, key, ref))))
    report(name, results)


if __name__ == "__main__":
    main()
