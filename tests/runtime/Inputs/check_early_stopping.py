"""Checks a `train --json` log against Keras's EarlyStopping rule, computed
here from the logged values alone, and the --save-best file against a fresh
run that stops at the best epoch.

usage: check_early_stopping.py LOG MONITOR PATIENCE MIN_DELTA MAX_EPOCHS
                               BEST.npz -- TRAIN_COMMAND...
TRAIN_COMMAND (without --epochs/--checkpoint) reproduces the run."""
import json
import subprocess
import sys
import tempfile

import numpy as np

log, monitor, patience, min_delta, max_epochs, best_file = sys.argv[1:7]
patience, min_delta, max_epochs = int(patience), float(min_delta), int(max_epochs)
command = sys.argv[sys.argv.index("--") + 1:]
maximize = "accuracy" in monitor or monitor.split("_")[-1] in ("precision", "recall", "auc")

ends = [r for r in map(json.loads, open(log)) if r.get("epoch_end")]
# Keras (tf.keras.callbacks.EarlyStopping): wait counts epochs without an
# improvement larger than min_delta; stop when wait >= patience.
best, best_epoch, wait, stop = None, 0, 0, max_epochs
for r in ends:
    x = r[monitor]
    better = best is None or (x - min_delta > best if maximize else x + min_delta < best)
    if better:
        best, best_epoch, wait = x, r["epoch"], 0
    else:
        wait += 1
        if wait >= max(patience, 1):
            stop = r["epoch"]
            break
assert [r["epoch"] for r in ends] == list(range(1, stop + 1)), (stop, [r["epoch"] for r in ends])
assert stop < max_epochs, "the run never stopped early; pick other settings"
print(f"stopped after epoch {stop}, best {monitor} {best} at epoch {best_epoch}")

with tempfile.TemporaryDirectory() as tmp:
    ref = f"{tmp}/ref.npz"
    subprocess.run(command + ["--epochs", str(best_epoch), "--checkpoint", ref],
                   check=True, stdout=subprocess.DEVNULL)
    a, b = np.load(best_file), np.load(ref)
    names = lambda z: {n for n in z.files if not n.startswith("modelc/monitor/")}
    assert names(a) == names(b), (names(a), names(b))
    for n in names(a):
        assert np.array_equal(a[n], b[n]), n
    record = a["modelc/monitor/" + monitor]
    assert record[1] == best_epoch and abs(record[0] - best) < 1e-12, record
print("ok")
