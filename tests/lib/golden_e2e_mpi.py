"""Data-parallel golden run (SPEC 8): the golden end-to-end model with every
batch norm `synchronized`, built with `modelc --mpi`, trained under
`mpirun -np N` with the manifest's command and evaluated under mpirun; the
losses, the whole checkpoint, the held-out logits and eval must match the
golden single-process references within their tolerances. A second run with
the same N must write the same checkpoint, bit for bit. Prints, per state
array, the largest relative difference from the one-process run of the
same executable.

usage: golden_e2e_mpi.py GOLDEN_DIR NAME WORKDIR NPROCS [MPIRUN ARGS...]
"""
import json
import os
import shlex
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from golden import load_manifest, report, run  # noqa: E402
from golden_e2e_train import compare_run  # noqa: E402


def main():
    golden, name, work, nprocs = sys.argv[1:5]
    mpirun = ["mpirun", "--oversubscribe", "-np", nprocs] + sys.argv[5:]
    golden = os.path.abspath(golden)
    manifest = load_manifest(golden)
    entry = manifest["e2e"][name]
    os.makedirs(work, exist_ok=True)
    with open(os.path.join(golden, entry["model"])) as f:
        model = json.load(f)
    for layer in model["layers"]:
        if layer["op"] == "batch_norm":
            layer["synchronized"] = True
    source = os.path.join(work, name + ".json")
    with open(source, "w") as f:
        json.dump(model, f)
    exe = os.path.join(work, name)
    run(["modelc", source, "--mpi", "-o", exe])

    def train(ckpt, launcher):
        cmd = shlex.split(entry["command"])
        cmd[0] = exe
        cmd = [os.path.join(golden, a) if a.endswith(".npz") and a != "CKPT.npz"
               else (ckpt if a == "CKPT.npz" else a) for a in cmd]
        out = run(launcher + cmd + ["--json", "--log-every", "1"], cwd=work)
        records = [json.loads(l) for l in out.splitlines() if l.startswith("{")]
        return [r["loss"] for r in records if not r.get("epoch_end")]

    ckpt = os.path.join(work, "ckpt.npz")
    losses = train(ckpt, mpirun)
    again = os.path.join(work, "again.npz")
    train(again, mpirun)
    alone = os.path.join(work, "alone.npz")
    train(alone, [])

    heldout = os.path.join(golden, entry["heldout"])
    logits = {}
    for mode in ("infer", "train"):
        y = os.path.join(work, f"heldout_{mode}_logits.npz")
        run([exe, "predict", "--input", heldout, "--checkpoint", ckpt,
             "--output", y, "--mode", mode])
        logits[mode] = np.load(y)["logits"]
    ev = json.loads(run(mpirun + [exe, "eval", "--data", heldout,
                                  "--checkpoint", ckpt, "--json", "--batch-size",
                                  "7"]).strip().splitlines()[-1])
    results = compare_run(manifest, golden, entry, losses, np.load(ckpt),
                          logits, ev["loss"], ev["accuracy"])
    with open(ckpt, "rb") as a, open(again, "rb") as b:
        same = a.read() == b.read()
    results.append(("repeated run bit-identical", 0.0 if same else float("inf")))
    state, one = np.load(ckpt), np.load(alone)
    for key in sorted(one.files):
        if one[key].dtype.kind == "f":
            scale = max(float(np.abs(one[key]).max()), 1e-30)
            rel = float(np.abs(state[key] - one[key]).max()) / scale
            print(f"vs one process {name} np {nprocs} {key}: max relative "
                  f"difference {rel:.2e}")
    report(name, results)


if __name__ == "__main__":
    main()
