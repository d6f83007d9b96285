"""Batch normalization's effect on training speed (as in Ioffe & Szegedy
2015, fig. 1): examples/fashion_cnn.json against the same model without its
batch_norm layers (fashion_cnn_nobn.json), both compiled with modelc, trained
with the same seed, batch size and optimizer; test accuracy measured every
EVERY steps (a checkpoint is resumed exactly, so the measurement does not
disturb training).

usage: bn_vs_nobn.py MODELC DATA_DIR OUT_DIR [STEPS] [EVERY]
Writes OUT_DIR/bn_vs_nobn.json, .md (table) and .png (plot).
"""
import json
import os
import subprocess
import sys

import numpy as np

modelc, data, out = sys.argv[1:4]
steps = int(sys.argv[4]) if len(sys.argv) > 4 else 1000
every = int(sys.argv[5]) if len(sys.argv) > 5 else 50
here = os.path.dirname(os.path.abspath(__file__))
examples = os.path.dirname(here)
os.makedirs(out, exist_ok=True)
train = os.path.join(data, "fashion_train.npz")
test = os.path.join(data, "fashion_test.npz")

curves = {}
for name in ("fashion_cnn", "fashion_cnn_nobn"):
    exe = os.path.join(out, name)
    subprocess.run([modelc, os.path.join(examples, name + ".json"), "-o", exe],
                   check=True)
    ckpt = os.path.join(out, name + ".ckpt.npz")
    if os.path.exists(ckpt):
        os.remove(ckpt)
    points = []
    for s in range(every, steps + 1, every):
        resume = ["--resume", ckpt] if s > every else []
        subprocess.run([exe, "train", "--data", train, "--batch-size", "64",
                        "--steps", str(s), "--checkpoint", ckpt] + resume,
                       check=True, stdout=subprocess.DEVNULL)
        ev = subprocess.run([exe, "eval", "--data", test, "--checkpoint", ckpt,
                             "--json"], check=True, capture_output=True,
                            text=True)
        acc = json.loads(ev.stdout.strip().splitlines()[-1])["accuracy"]
        points.append((s, acc))
        print(f"{name} step {s}: test accuracy {acc:.4f}", flush=True)
    curves[name] = points

with open(os.path.join(out, "bn_vs_nobn.json"), "w") as f:
    json.dump(curves, f)


def first_step(points, target):
    return next((s for s, a in points if a >= target), None)


rows = ["| test accuracy reached | with batch norm (steps) | without (steps) |",
        "|---|---|---|"]
for target in (0.80, 0.85, 0.88, 0.90):
    a = first_step(curves["fashion_cnn"], target)
    b = first_step(curves["fashion_cnn_nobn"], target)
    rows.append(f"| {target:.0%} | {a if a else f'> {steps}'} | "
                f"{b if b else f'> {steps}'} |")
with open(os.path.join(out, "bn_vs_nobn.md"), "w") as f:
    f.write("\n".join(rows) + "\n")
print("\n".join(rows))

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(6, 4))
    for name, label in (("fashion_cnn", "with batch norm"),
                        ("fashion_cnn_nobn", "without batch norm")):
        s, a = zip(*curves[name])
        ax.plot(s, a, label=label)
    ax.set_xlabel("training step (batch 64)")
    ax.set_ylabel("Fashion-MNIST test accuracy")
    ax.set_ylim(0.6, 0.95)
    ax.grid(True, alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(out, "bn_vs_nobn.png"), dpi=100)
except ImportError:
    print("matplotlib not installed (apt-get install python3-matplotlib): no plot")
