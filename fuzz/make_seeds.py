"""Seed corpora for the fuzz targets: make_seeds.py ROOT BIN OUT.

json/dsl: every model file of the examples and the tests (including the
split-file sections of .test files); npz: data and checkpoints of the
runtime's test model, stored and compressed; model-info: what modelc emits
for the example models; csv: the CSV files of the runtime's tests;
onnx: the small models of ONNX's node tests (Debian's libonnx-testdata,
weights fed as inputs made initializers is not needed: any graph will do).
library: none (tests/fuzz/library holds its inputs).
"""
import glob
import os
import subprocess
import sys

import numpy as np

root, bindir, out = sys.argv[1:4]


def put(target, name, data):
    os.makedirs(os.path.join(out, target), exist_ok=True)
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(os.path.join(out, target, name), mode) as f:
        f.write(data)


def model_sources():
    for ext in ("json", "nn"):
        for path in glob.glob(f"{root}/examples/*.{ext}") + glob.glob(
                f"{root}/tests/**/*.{ext}", recursive=True):
            yield ext, path.replace("/", "_"), open(path).read()
    for path in glob.glob(f"{root}/tests/**/*.test", recursive=True):
        name, lines = None, []
        for line in open(path).read().splitlines() + ["#--- end"]:
            if line.startswith("#--- "):
                if name and name.endswith((".json", ".nn")):
                    ext = "json" if name.endswith(".json") else "nn"
                    yield ext, (path + "_" + name).replace("/", "_"), \
                        "\n".join(lines) + "\n"
                name, lines = line[5:].strip(), []
            elif name:
                lines.append(line)


for ext, name, text in model_sources():
    put("json" if ext == "json" else "dsl", name, text)

rng = np.random.default_rng(0)
for n in (1, 7, 50):
    x = rng.normal(size=(n, 3)).astype(np.float32)
    y = rng.integers(0, 2, size=n).astype(np.int32)
    for save in (np.savez, np.savez_compressed):
        path = os.path.join(out, "npz", f"data-{n}-{save.__name__}.npz")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        save(path, x=x, y=y)
ckpt = os.path.join(out, "npz", "checkpoint.npz")
subprocess.run([f"{bindir}/modelc-fake-model", "init", "--output", ckpt],
               check=True, stdout=subprocess.DEVNULL)
state = dict(np.load(ckpt))
np.savez_compressed(os.path.join(out, "npz", "checkpoint-compressed.npz"),
                    **state)

for path in glob.glob(f"{root}/examples/*.json"):
    info = subprocess.run([f"{bindir}/modelc", path, "--emit=info"],
                          check=True, capture_output=True, text=True).stdout
    put("model-info", os.path.basename(path), info)

data = os.path.join(out, "npz", "data-50-savez.npz")
csv_dir = os.path.join(out, "csv")
os.makedirs(csv_dir, exist_ok=True)
subprocess.run([sys.executable, f"{root}/tests/runtime/Inputs/make_csv.py", data, csv_dir],
               check=True)

# onnx: every node-test model of up to 4 KiB (the importer's operators and
# the others, which it must refuse cleanly).
for path in glob.glob("/usr/share/libonnx-testdata/data/*/*/model.onnx"):
    if os.path.getsize(path) <= 4096:
        with open(path, "rb") as f:
            put("onnx", path.split("/")[-2] + ".onnx", f.read())

# library: call sequences start from the regression inputs in tests/fuzz.
os.makedirs(os.path.join(out, "library"), exist_ok=True)
