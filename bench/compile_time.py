"""Compile time against model depth: `modelc MODEL -o EXE` for chains of
dense(16)+relu layers trained with Adam, and for chains of relu layers,
each timed REPEAT times (median, min-max), one compile at a time.

usage: compile_time.py MODELC [DEPTHS] [REPEAT]
   e.g. compile_time.py build/bin/modelc 25,50,100,200 3
Prints a Markdown table; seconds per layer should stay flat when compile
time grows linearly.
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

modelc = sys.argv[1]
depths = [int(d) for d in (sys.argv[2] if len(sys.argv) > 2 else "25,50,100").split(",")]
repeat = int(sys.argv[3]) if len(sys.argv) > 3 else 3


def mlp(n):
    layers, prev = [], "x"
    for i in range(n):
        layers += [{"name": f"d{i}", "op": "dense", "input": prev, "units": 16},
                   {"name": f"r{i}", "op": "relu", "input": f"d{i}"}]
        prev = f"r{i}"
    layers.append({"name": "out", "op": "dense", "input": prev, "units": 2})
    return {"name": "mlp", "inputs": [{"name": "x", "shape": [-1, 8], "dtype": "f32"}],
            "labels": [{"name": "y", "shape": [-1], "dtype": "i32"}],
            "layers": layers, "outputs": ["out"],
            "loss": {"op": "softmax_cross_entropy", "logits": "out", "labels": "y"},
            "optimizer": {"op": "adam", "learning_rate": 0.001}}


def relu_chain(n):
    layers = [{"name": "fc", "op": "dense", "input": "x", "units": 16}]
    for i in range(n):
        layers.append({"name": f"r{i}", "op": "relu", "input": layers[-1]["name"]})
    return {"name": "chain", "inputs": [{"name": "x", "shape": [-1, 8], "dtype": "f32"}],
            "labels": [{"name": "y", "shape": [-1], "dtype": "i32"}],
            "layers": layers, "outputs": [layers[-1]["name"]],
            "loss": {"op": "softmax_cross_entropy", "logits": layers[-1]["name"], "labels": "y"},
            "optimizer": {"op": "sgd", "learning_rate": 0.1}}


print("| model | depth | median s | min-max s | s per layer |")
print("|---|---:|---:|---:|---:|")
with tempfile.TemporaryDirectory() as tmp:
    for name, make in (("dense16+relu, adam", mlp), ("relu chain, sgd", relu_chain)):
        for n in depths:
            path = os.path.join(tmp, "m.json")
            json.dump(make(n), open(path, "w"))
            times = []
            for _ in range(repeat):
                t = time.perf_counter()
                subprocess.run([modelc, path, "-o", os.path.join(tmp, "m")], check=True)
                times.append(time.perf_counter() - t)
            med = statistics.median(times)
            print(f"| {name} | {n} | {med:.2f} | {min(times):.2f}-{max(times):.2f} | "
                  f"{med / n:.3f} |", flush=True)
