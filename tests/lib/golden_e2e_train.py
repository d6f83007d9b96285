"""Trains a golden end-to-end model with the exact command of the manifest
and compares per-step losses, the full checkpoint (parameters, moving
statistics, optimizer slots, global_step), the held-out logits in both modes
and eval's loss and accuracy with the golden references.

usage: golden_e2e_train.py GOLDEN_DIR NAME WORKDIR [MODELC_OPTION...]
(options for the compiler, e.g. --target-cpu=x86-64-v3)
"""
import json
import os
import shlex
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from golden import load_manifest, report, run, within  # noqa: E402
from golden_e2e_forward import e2e_tol  # noqa: E402


def main():
    golden, name, work = sys.argv[1:4]
    options = sys.argv[4:]
    manifest = load_manifest(golden)
    entry = manifest["e2e"][name]
    os.makedirs(work, exist_ok=True)
    exe = os.path.join(work, name)
    run(["modelc", os.path.join(golden, entry["model"]), *options, "-o", exe])
    ckpt = os.path.join(work, "ckpt.npz")
    cmd = shlex.split(entry["command"])
    cmd[0] = exe
    golden = os.path.abspath(golden)
    cmd = [os.path.join(golden, a) if a.endswith(".npz") and a != "CKPT.npz"
           else (ckpt if a == "CKPT.npz" else a) for a in cmd]
    out = run(cmd + ["--json", "--log-every", "1"], cwd=work)
    records = [json.loads(l) for l in out.splitlines() if l.startswith("{")]
    steps = [r for r in records if not r.get("epoch_end")]
    losses = [r["loss"] for r in steps]
    logits = {}
    heldout = os.path.join(golden, entry["heldout"])
    for mode in ("infer", "train"):
        y = os.path.join(work, f"heldout_{mode}_logits.npz")
        run([exe, "predict", "--input", heldout, "--checkpoint", ckpt,
             "--output", y, "--mode", mode])
        logits[mode] = np.load(y)["logits"]
    ev = json.loads(run([exe, "eval", "--data", heldout, "--checkpoint", ckpt,
                         "--json"]).strip().splitlines()[-1])
    report(name, compare_run(manifest, golden, entry, losses, np.load(ckpt),
                             logits, ev["loss"], ev["accuracy"]))


def compare_run(manifest, golden, entry, losses, state, logits, eval_loss,
                eval_accuracy):
    """(what, error in tolerance units) for a 4-step golden run: per-step
    losses, the whole state after it, held-out logits per mode ("infer",
    "train") and the held-out eval loss and accuracy."""
    expected = np.load(os.path.join(golden, entry["expected"]))
    results = []
    losses = np.array(losses, dtype=np.float64)
    results.append(("losses", within(losses, expected["losses"],
                                     entry["tolerances"]["losses"])))

    ref = np.load(os.path.join(golden, entry["state_after"]))
    for key in ref.keys():
        if key not in state:
            results.append((f"state {key} (missing)", float("inf")))
            continue
        if key == "global_step":
            results.append((key, 0.0 if int(state[key]) == int(ref[key])
                            else float("inf")))
            continue
        tol = entry["tolerances"]["state"][key]
        results.append((f"state {key}", within(state[key], ref[key], tol)))
    extra = sorted(set(state.keys()) - set(ref.keys()) -
                   {"modelc/fingerprint", "modelc/seed"})
    if extra:
        results.append((f"unexpected state {extra}", float("inf")))

    for mode, key in (("infer", "heldout_infer_logits"),
                      ("train", "heldout_train_logits")):
        results.append((key, within(logits[mode], expected[key],
                                    e2e_tol(manifest, entry, key,
                                            expected[key]))))
    ref_loss = expected["heldout_infer_loss"]
    results.append(("heldout_infer_loss",
                    within(np.array(eval_loss), ref_loss,
                           e2e_tol(manifest, entry, "heldout_infer_loss",
                                   ref_loss))))
    acc_ok = abs(eval_accuracy - float(expected["heldout_infer_accuracy"])) < 1e-6
    results.append(("heldout_infer_accuracy", 0.0 if acc_ok else float("inf")))
    return results


if __name__ == "__main__":
    main()
