"""Batch normalization's effect on training speed (as in Ioffe & Szegedy
2015, fig. 1): examples/fashion_cnn.json against the same model without its
batch_norm layers (fashion_cnn_nobn.json), both compiled with modelc, trained
with the same seed, batch size and optimizer; test accuracy measured every
EVERY steps (a checkpoint is resumed exactly, so the measurement does not
disturb training), on the first 2,000 test images, twice: in inference mode
(moving statistics, what `eval` reports) and in training mode (batch
statistics of batches of 64, `predict --mode train`), because moving
averages with momentum 0.99 lag the weights for the first few hundred steps.

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
full = np.load(os.path.join(data, "fashion_test.npz"))
test = os.path.join(out, "test2000.npz")
np.savez(test, x=full["x"][:2000], y=full["y"][:2000])
labels = full["y"][:2000]

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
        pred = os.path.join(out, name + ".pred.npz")
        subprocess.run([exe, "predict", "--input", test, "--checkpoint", ckpt,
                        "--output", pred, "--mode", "train", "--batch-size",
                        "64"], check=True, stdout=subprocess.DEVNULL)
        batch_acc = float(np.mean(np.argmax(np.load(pred)["logits"], 1) ==
                                  labels))
        points.append((s, acc, batch_acc))
        print(f"{name} step {s}: test accuracy {acc:.4f} (inference), "
              f"{batch_acc:.4f} (batch statistics)", flush=True)
    curves[name] = points

with open(os.path.join(out, "bn_vs_nobn.json"), "w") as f:
    json.dump(curves, f)


def first_step(points, target, col):
    return next((p[0] for p in points if p[col] >= target), None)


rows = ["| test accuracy reached | with BN, batch statistics (steps) | "
        "with BN, moving statistics (steps) | without BN (steps) |",
        "|---|---|---|---|"]
for target in (0.75, 0.80, 0.85, 0.87):
    a = first_step(curves["fashion_cnn"], target, 2)
    m = first_step(curves["fashion_cnn"], target, 1)
    b = first_step(curves["fashion_cnn_nobn"], target, 1)
    show = lambda v: str(v) if v else f"> {steps}"
    rows.append(f"| {target:.0%} | {show(a)} | {show(m)} | {show(b)} |")
with open(os.path.join(out, "bn_vs_nobn.md"), "w") as f:
    f.write("\n".join(rows) + "\n")
print("\n".join(rows))

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(6, 4))
    for name, col, label in (
            ("fashion_cnn", 2, "with batch norm (batch statistics)"),
            ("fashion_cnn", 1, "with batch norm (moving statistics)"),
            ("fashion_cnn_nobn", 1, "without batch norm")):
        s = [p[0] for p in curves[name]]
        a = [p[col] for p in curves[name]]
        ax.plot(s, a, label=label)
    ax.set_xlabel("training step (batch 64)")
    ax.set_ylabel("Fashion-MNIST test accuracy")
    ax.set_ylim(0.1, 0.95)
    ax.grid(True, alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(out, "bn_vs_nobn.png"), dpi=100)
except ImportError:
    print("matplotlib not installed (apt-get install python3-matplotlib): no plot")
