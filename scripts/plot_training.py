"""Draws the learning curves of a `train --json` log: the loss and every
metric per epoch, for training and validation data (Keras's History plot).

usage: plot_training.py LOG.jsonl OUT.png [--title TEXT]
   e.g. ./model train --data t.npz --val v.npz --epochs 50 --json > log.jsonl
        /usr/bin/python3 scripts/plot_training.py log.jsonl curves.png

Needs Debian's python3-matplotlib (scripts/setup.sh installs it). One panel
per quantity (loss, accuracy, auc, ...); the epoch of the best checkpoint
(`--save-best`, logged as "best_checkpoint") is marked.
"""
import argparse
import json
import os
import sys
import tempfile


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("log")
    ap.add_argument("out")
    ap.add_argument("--title", default=None)
    a = ap.parse_args()
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        sys.exit("plot_training.py: needs matplotlib: apt-get install python3-matplotlib")

    epochs = []
    with open(a.log) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                r = json.loads(line)
            except json.JSONDecodeError as e:
                sys.exit(f"plot_training.py: {a.log}:{n}: not a JSON record ({e.msg}); "
                         "write the log with `train --json`")
            if r.get("epoch_end"):
                epochs.append(r)
    if not epochs:
        sys.exit(f"plot_training.py: {a.log}: no epoch records (\"epoch_end\": true); "
                 "write the log with `train --json`")

    skip = {"step", "epoch", "epoch_end", "examples", "examples_per_sec",
            "skipped_examples", "checkpoint", "best_checkpoint", "data_loss"}
    keys = [k for k in epochs[0] if k not in skip and not k.startswith("val_")]
    x = [r["epoch"] for r in epochs]
    best = [r["epoch"] for r in epochs if "best_checkpoint" in r]
    fig, axes = plt.subplots(1, len(keys), figsize=(4.5 * len(keys), 3.6), squeeze=False)
    for ax, k in zip(axes[0], keys):
        ax.plot(x, [r.get(k) for r in epochs], label="training")
        if any("val_" + k in r for r in epochs):
            ax.plot(x, [r.get("val_" + k) for r in epochs], label="validation")
        if best:
            ax.axvline(best[-1], color="gray", linestyle=":", label=f"best (epoch {best[-1]})")
        ax.set_xlabel("epoch")
        ax.set_title(k)
        if k == "loss":
            ax.set_yscale("log")
        ax.grid(alpha=0.3)
        ax.legend()
    if a.title:
        fig.suptitle(a.title)
    fig.tight_layout()
    # Written beside the target and renamed, so a failure leaves no partial file.
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(a.out)), suffix=".png")
    os.close(fd)
    try:
        fig.savefig(tmp, dpi=100)
        os.replace(tmp, a.out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    print(f"wrote {a.out}: {len(keys)} panels, {len(epochs)} epochs")


if __name__ == "__main__":
    main()
