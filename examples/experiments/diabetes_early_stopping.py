"""Early stopping on a small regression (scikit-learn's diabetes data, 265
training examples): examples/diabetes_mlp.json trained from CSV with
`--early-stopping-patience 20 --save-best` on the validation loss, against
the same model trained for a fixed number of epochs, and scikit-learn's
linear regression fitted on the same training rows. R^2 is measured on the
test rows, which neither the training nor the choice of epoch saw.

usage: diabetes_early_stopping.py MODELC OUT_DIR [SEEDS] [FIXED_EPOCHS]
Prints a Markdown table.
"""
import os
import subprocess
import sys

import numpy as np
from sklearn.linear_model import LinearRegression
from sklearn.metrics import r2_score

modelc, out = sys.argv[1:3]
seeds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
fixed = int(sys.argv[4]) if len(sys.argv) > 4 else 300
examples = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
os.makedirs(out, exist_ok=True)
run = lambda *a: subprocess.run(a, check=True, capture_output=True, text=True)
run(sys.executable, os.path.join(examples, "scripts", "make_tabular.py"), out)
exe = os.path.join(out, "diabetes_mlp")
run(modelc, os.path.join(examples, "diabetes_mlp.json"), "-o", exe)
data = {k: os.path.join(out, f"diabetes_{k}.csv") for k in ("train", "val", "test")}
test = np.load(os.path.join(out, "diabetes_test.npz"))
train = np.load(os.path.join(out, "diabetes_train.npz"))


def r2(ckpt):
    pred = os.path.join(out, "pred.npz")
    run(exe, "predict", "--input", data["test"], "--checkpoint", ckpt, "--output", pred)
    return r2_score(test["y"], np.load(pred)["out"][:, 0])


linear = r2_score(test["y"], LinearRegression().fit(train["x"], train["y"]).predict(test["x"]))
print("| seed | stopped after epoch | best epoch | test R^2, best checkpoint | "
      f"test R^2, last checkpoint | test R^2, {fixed} epochs | linear regression |")
print("|---:|---:|---:|---:|---:|---:|---:|")
for seed in range(1, seeds + 1):
    ck, best, long = (os.path.join(out, f"{n}{seed}.npz") for n in ("last", "best", "fixed"))
    log = run(exe, "train", "--data", data["train"], "--val", data["val"], "--epochs", "1000",
              "--batch-size", "32", "--seed", str(seed), "--checkpoint", ck,
              "--early-stopping-patience", "20", "--save-best", best).stdout
    stop = [l for l in log.splitlines() if l.startswith("early stopping")]
    stopped = stop[0].split()[4].rstrip(":") if stop else "-"
    best_epoch = stop[0].split("at epoch ")[1].split()[0] if stop else "-"
    run(exe, "train", "--data", data["train"], "--epochs", str(fixed), "--batch-size", "32",
        "--seed", str(seed), "--checkpoint", long)
    print(f"| {seed} | {stopped} | {best_epoch} | {r2(best):.3f} | {r2(ck):.3f} | "
          f"{r2(long):.3f} | {linear:.3f} |")
