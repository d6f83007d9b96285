"""Trains a golden end-to-end model through the library form (--emit=lib),
from C (a program linked with lib<name>.a) or from Python (the generated
<name>.py), and compares losses, state, held-out logits and eval with the
golden references exactly as golden_e2e_train.py does for the executable.

usage: golden_library.py GOLDEN_DIR NAME WORKDIR c|python [C_SOURCE]
"""
import importlib.util
import os
import shlex
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from golden import load_manifest, run  # noqa: E402
from golden_e2e_train import compare_run, report  # noqa: E402

LLVM_LIB = "/usr/lib/llvm-22/lib"


def golden_run(entry):
    """(batch size, steps) of the manifest's train command."""
    cmd = shlex.split(entry["command"])
    assert "--no-shuffle" in cmd, "the library test replays unshuffled runs"
    return (int(cmd[cmd.index("--batch-size") + 1]),
            int(cmd[cmd.index("--steps") + 1]))


def train_c(golden, entry, name, work, source, lib):
    data = np.load(os.path.join(golden, entry["data"]))
    held = np.load(os.path.join(golden, entry["heldout"]))
    for key, arr in (("x", data["x"]), ("y", data["y"]), ("hx", held["x"]),
                     ("hy", held["y"])):
        np.ascontiguousarray(arr).tofile(os.path.join(work, key + ".bin"))
    exe = os.path.join(work, "golden_train")
    run(["clang-22", "-std=c99", "-Wall", "-Wextra", "-Werror", "-I", lib,
         source, os.path.join(lib, f"lib{name}.a"), "-lm", "-L" + LLVM_LIB,
         "-lomp", "-Wl,-rpath," + LLVM_LIB, "-o", exe])
    batch, steps = golden_run(entry)
    ckpt = os.path.join(work, "ckpt.npz")
    b = lambda k: os.path.join(work, k + ".bin")  # noqa: E731
    out = run([exe, b("x"), b("y"), str(len(data["y"])),
               os.path.join(golden, entry["init"]), str(batch), str(steps),
               ckpt, b("hx"), b("hy"), str(len(held["y"])), b("infer"),
               b("train")])
    losses = [float(l.split()[1]) for l in out.splitlines()
              if l.startswith("loss ")]
    ev = [l.split() for l in out.splitlines() if l.startswith("eval ")][0]
    shape = (len(held["y"]), -1)
    logits = {m: np.fromfile(b(m), dtype=np.float32).reshape(shape)
              for m in ("infer", "train")}
    return losses, np.load(ckpt), logits, float(ev[1]), float(ev[2])


def train_python(golden, entry, name, work, lib):
    spec = importlib.util.spec_from_file_location(name,
                                                  os.path.join(lib, name + ".py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    data = dict(np.load(os.path.join(golden, entry["data"])))
    held = dict(np.load(os.path.join(golden, entry["heldout"])))
    batch, steps = golden_run(entry)
    with module.Model(lib) as m:
        m.load(os.path.join(golden, entry["init"]))
        n = len(data["y"])
        per = (n + batch - 1) // batch
        losses = []
        while m.global_step < steps:
            first = (m.global_step % per) * batch
            part = {k: v[first:first + batch] for k, v in data.items()}
            losses.append(m.train_step(**part))
        state = {k: v.copy() for k, v in m.state.items()}
        state["global_step"] = np.array(m.global_step)
        ckpt = os.path.join(work, "ckpt.npz")
        m.save(ckpt)
        saved = np.load(ckpt)
        # The state view and the saved checkpoint agree bit for bit.
        for k, v in state.items():
            assert np.array_equal(saved[k], v), k
        logits = {mode: m.predict(mode=mode, x=held["x"])["logits"]
                  for mode in ("infer", "train")}
        loss, acc = m.eval(**held)
    return losses, state, logits, loss, acc


def main():
    golden, name, work, how = sys.argv[1:5]
    manifest = load_manifest(golden)
    entry = manifest["e2e"][name]
    golden = os.path.abspath(golden)
    os.makedirs(work, exist_ok=True)
    lib = os.path.join(work, "lib")
    run(["modelc", os.path.join(golden, entry["model"]), "--emit=lib", "-o",
         lib])
    if how == "c":
        result = train_c(golden, entry, name, work, sys.argv[5], lib)
    else:
        result = train_python(golden, entry, name, work, lib)
    report(name, compare_run(manifest, golden, entry, *result))


if __name__ == "__main__":
    main()
