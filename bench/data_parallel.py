"""Data-parallel training on this machine (SPEC 8, `modelc --mpi`): examples/s
of 1 process x 2 threads against 2 processes x 1 thread (and 1 x 1 as the
compute reference), the time per step spent in the collectives, and a
ring-allreduce scaling model for N = 2..64 machines built on those numbers.

    /usr/bin/python3 bench/data_parallel.py [--rounds 5] [--steps 40]

Needs Open MPI (scripts/setup.sh installs it) and build/bin/modelc. Rounds
alternate the configurations; medians and (min-max) spreads are reported.
Writes bench/data_parallel.json and bench/data_parallel.md (printed too).
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODELC = os.path.join(ROOT, "build", "bin", "modelc")
MODELS = [  # name, model file, batch, data maker
    ("text CNN", os.path.join(ROOT, "examples", "textcnn.json"), 64,
     lambda r, n: {"x": r.randint(0, 5000, (n, 56)).astype(np.int32),
                   "y": r.randint(0, 2, n).astype(np.int32)}),
    ("ResNet block", os.path.join(ROOT, "bench", "models", "resnet_block.json"), 32,
     lambda r, n: {"x": r.randn(n, 32, 32, 16).astype(np.float32),
                   "y": r.randint(0, 10, n).astype(np.int32)}),
]
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1",
           OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
# Ring allreduce per message: 2 (N-1) steps of latency ALPHA each, and
# 2 (N-1)/N of the bytes through each link.
ALPHA = 20e-6
LINKS = {"10 Gb/s": 10e9 / 8, "25 Gb/s": 25e9 / 8, "100 Gb/s": 100e9 / 8}
MACHINES = [2, 4, 8, 16, 32, 64]


def run(cmd, **kw):
    res = subprocess.run(cmd, capture_output=True, text=True, env=ENV, **kw)
    if res.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{res.stdout}{res.stderr}")
    return res.stdout


def reduced_floats(exe):
    """Floats per step's reduction: trainable parameters' gradients (the
    models' batch norms are not synchronized: their moving statistics too)."""
    total = 0
    for line in run([exe, "info"]).splitlines():
        cols = line.split()
        if len(cols) >= 4 and cols[1] in ("param", "moving_mean", "moving_variance"):
            total += int(cols[-1].replace(",", ""))
    return total


def train(exe, data, batch, steps, procs, threads):
    """(examples/s over the second half of the run, ms/step in collectives)."""
    cmd = [exe, "train", "--data", data, "--batch-size", str(batch),
           "--steps", str(steps), "--no-shuffle", "--json",
           "--log-every", str(steps // 2), "--threads", str(threads),
           "--checkpoint", data + f".{procs}x{threads}.ckpt.npz"]
    if procs > 1:
        cmd = ["mpirun", "--oversubscribe", "-np", str(procs),
               "--bind-to", "core"] + cmd
    records = [json.loads(l) for l in run(cmd).splitlines()
               if l.startswith("{") and "epoch_end" not in l]
    last = records[-1]
    return last["examples_per_sec"], last.get("collective_ms_per_step", 0.0)


def spread(xs):
    return f"{statistics.median(xs):,.0f} ({min(xs):,.0f}-{max(xs):,.0f})"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--steps", type=int, default=40)
    args = ap.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as work:
        for name, model, batch, make in MODELS:
            exe = os.path.join(work, re.sub(r"\W", "_", name))
            run([MODELC, model, "--mpi", "-o", exe])
            data = os.path.join(work, exe + ".npz")
            np.savez(data, **make(np.random.RandomState(0), batch * args.steps))
            configs = {"1x1": (1, 1), "1x2": (1, 2), "2x1": (2, 1)}
            rates = {k: [] for k in configs}
            collective = []
            for _ in range(args.rounds):
                for key, (procs, threads) in configs.items():
                    rate, ms = train(exe, data, batch, args.steps, procs, threads)
                    rates[key].append(rate)
                    if procs > 1:
                        collective.append(ms)
            floats = reduced_floats(exe)
            results.append({"model": name, "batch": batch, "rates": rates,
                            "collective_ms": collective,
                            "reduced_floats": floats})
            print(f"{name}: " + ", ".join(f"{k} {spread(v)} ex/s"
                                          for k, v in rates.items()),
                  f"collectives {statistics.median(collective):.2f} ms/step",
                  flush=True)
    with open(os.path.join(ROOT, "bench", "data_parallel.json"), "w") as f:
        json.dump(results, f, indent=1)
    report = write_report(results)
    with open(os.path.join(ROOT, "bench", "data_parallel.md"), "w") as f:
        f.write(report)
    print(report)


def write_report(results):
    lines = ["# Data-parallel training on this machine (2 cores)", "",
             "examples/s, median (min-max) over rounds; 'collectives' is rank "
             "0's time per step in the step's collectives (waiting included).",
             "",
             "| model | batch | 1 proc x 1 thread | 1 proc x 2 threads | "
             "2 procs x 1 thread | 2x1 / 1x2 | collectives (ms/step) |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        rt = r["rates"]
        ratio = statistics.median(rt["2x1"]) / statistics.median(rt["1x2"])
        lines.append(f"| {r['model']} | {r['batch']} | {spread(rt['1x1'])} | "
                     f"{spread(rt['1x2'])} | {spread(rt['2x1'])} | "
                     f"{ratio:.2f} | {statistics.median(r['collective_ms']):.2f} |")
    lines += ["", "## Scaling model", "",
              "Weak scaling (each machine keeps the batch above), one "
              "process per machine: step time = compute + ring allreduce of "
              "the reduced floats, 2 (N-1)/N x bytes / link bandwidth + "
              f"2 (N-1) x {ALPHA * 1e6:.0f} us latency, nothing overlapped. "
              "Compute = the measured 1 process x 1 thread step.", ""]
    header = "| model | compute (ms) | MB reduced | link | " + " | ".join(
        f"N={n}" for n in MACHINES) + " |"
    lines += [header, "|---|---:|---:|---|" + "---:|" * len(MACHINES)]
    for r in results:
        compute = r["batch"] / statistics.median(r["rates"]["1x1"])
        nbytes = 4 * r["reduced_floats"]
        for link, bw in LINKS.items():
            effs = []
            for n in MACHINES:
                ring = 2 * (n - 1) / n * nbytes / bw + 2 * (n - 1) * ALPHA
                effs.append(f"{compute / (compute + ring):.0%}")
            lines.append(f"| {r['model']} | {compute * 1e3:.1f} | "
                         f"{nbytes / 1e6:.2f} | {link} | " + " | ".join(effs) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
