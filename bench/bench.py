"""modelc vs PyTorch: train-step and inference times of the benchmark models,
two kernel micro-benchmarks against measured machine limits, and compile time.

    /usr/bin/python3 bench/bench.py [--quick] [--rounds R] [--steps N]

(bench/run.sh installs what is needed and builds modelc first.) Writes
bench/results.json, bench/results.md and bench/results.png, prints the table.

Fairness: both sides run as child processes of this one, alternately
(modelc round, PyTorch round, modelc round, ...), each phase with 2 warm-up
calls before its timed calls, on the same shapes, at the same thread count.
A system's median is the median of its per-round medians; min and max are
over every timed call.
"""
import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import report

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
MODELC = os.path.join(ROOT, "build", "bin", "modelc")
PHASES = ("train_step", "forward_infer")
# PyTorch's BLAS (see setup.sh): OpenBLAS, not the reference BLAS.
OPENBLAS = "/usr/lib/x86_64-linux-gnu/openblas-openmp"

# name, model file, batch size, phases compared.
MODELS = [
    ("textcnn", "examples/textcnn.json", 64, PHASES),
    ("fashion_cnn", "examples/fashion_cnn.json", 64, PHASES),
    ("digits_cnn", "examples/digits_cnn.json", 64, PHASES),
    ("resnet_block", "bench/models/resnet_block.json", 32, PHASES),
    # Micro-benchmarks: one layer each, forward only.
    ("bn_only", "bench/models/bn_only.json", 64, ("forward_train", "forward_infer")),
    ("conv5_only", "bench/models/conv5_only.json", 64, ("forward_infer",)),
]
THREADS = (2, 1)

# Work per call of the micro-benchmarks, for GB/s and GFLOP/s.
BN_ELEMS = 64 * 56 * 56 * 64
KERNEL_WORK = {
    # Training-mode BN at its minimum traffic: one read for the batch
    # statistics, one read and one write to normalize (STREAM's triad also
    # moves 2 reads + 1 write per element, so the two compare directly).
    ("bn_only", "forward_train"): ("GB/s", 3 * 4 * BN_ELEMS / 1e9, "triad_gbs"),
    # Inference-mode BN: one read, one write.
    ("bn_only", "forward_infer"): ("GB/s", 2 * 4 * BN_ELEMS / 1e9, "triad_gbs"),
    # Text CNN's conv5: out [64, 52, 1, 100], 5x200x1 taps, 2 flops per tap.
    ("conv5_only", "forward_infer"): ("GFLOP/s", 2 * 64 * 52 * 100 * 5 * 200 / 1e9,
                                      "fma_gflops"),
}


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw).stdout


def machine_busy():
    """Other engineers' compiles or runs on this shared machine skew every
    number: say so in the results rather than measure silently."""
    builds = subprocess.run(["pgrep", "-f", "clang\\+\\+|ninja"], capture_output=True,
                            text=True).stdout.split()
    used = cpu_use(1.0)
    if builds or used > 0.2:
        return f"{100 * used:.0f}% of the CPUs in use" + (", compiles running" if builds else "")
    return ""


def cpu_times():
    """(all CPUs' ticks, busy ticks) since boot, from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return sum(v), sum(v) - v[3] - v[4]  # idle and iowait are not busy


def cpu_use(seconds):
    """Fraction of all CPUs busy over the next `seconds`."""
    t0, b0 = cpu_times()
    time.sleep(seconds)
    t1, b1 = cpu_times()
    return (b1 - b0) / max(1, t1 - t0)


class OthersLoad:
    """CPU share that processes outside this harness took while it measured:
    all busy time minus this process's and its (waited-for) children's."""

    def __init__(self):
        self.start = (cpu_times(), self._ours())

    @staticmethod
    def _ours():
        t = os.times()
        return (t.user + t.system + t.children_user + t.children_system) * os.sysconf("SC_CLK_TCK")

    def fraction(self):
        (t0, b0), o0 = self.start
        t1, b1 = cpu_times()
        return max(0.0, (b1 - b0) - (self._ours() - o0)) / max(1, t1 - t0)


# --- machine limits ---------------------------------------------------------

def measure_limits(work, reps):
    limits = {}
    for prog, key in (("stream_triad", "triad_gbs"), ("fma_peak", "fma_gflops")):
        exe = os.path.join(work, prog)
        run(["clang-22", "-O3", "-march=native", "-fopenmp",
             "-L/usr/lib/llvm-22/lib", "-Wl,-rpath,/usr/lib/llvm-22/lib",
             os.path.join(BENCH, prog + ".c"), "-o", exe])
        limits[key] = {}
        for t in THREADS:
            words = run([exe, str(t), str(reps)]).split()
            limits[key][str(t)] = float(words[1])
            if key == "fma_gflops":
                limits["fma_width_bits"] = int(words[3])
    return limits


# --- modelc -----------------------------------------------------------------

FAILURES = []  # every failed modelc compile, for the report


def compile_model(path, out, attempts=3):
    """Compiles; a failure is recorded and retried (a crashing compiler is a
    finding to report, not a reason to lose every other number)."""
    for _ in range(attempts):
        p = subprocess.run([MODELC, os.path.join(ROOT, path), "-o", out],
                           capture_output=True, text=True)
        if p.returncode == 0:
            return True
        why = (f"signal {-p.returncode}" if p.returncode < 0 else f"exit {p.returncode}")
        FAILURES.append(f"`modelc {path}`: {why}")
    return False


def compile_time(work, reps):
    out = os.path.join(work, "textcnn_ct")
    secs = []
    for _ in range(reps):
        t0 = time.perf_counter()
        if compile_model("examples/textcnn.json", out, attempts=1):
            secs.append(time.perf_counter() - t0)
    if not secs:
        return None
    return {"median_s": statistics.median(secs), "runs_s": secs,
            "exe_bytes": os.path.getsize(out)}


def modelc_round(exe, batch, steps, threads, timeout):
    """One `bench` run: {phase: (median, min, max)} in ms. Raises
    subprocess.TimeoutExpired (after killing it) when it runs too long."""
    out = subprocess.run([exe, "bench", "--batch-size", str(batch), "--steps", str(steps),
                          "--threads", str(threads)],
                         env=dict(os.environ, OMP_NUM_THREADS=str(threads)),
                         check=True, capture_output=True, text=True, timeout=timeout).stdout
    res = {}
    for line in out.splitlines():
        w = line.split()
        # NAME median X ms  min Y ms  max Z ms  E examples/s
        if len(w) >= 9 and w[1] == "median":
            res[w[0]] = (float(w[2]), float(w[5]), float(w[8]))
    return res


# --- PyTorch ----------------------------------------------------------------

class TorchWorker:
    def __init__(self, threads):
        env = dict(os.environ, OMP_NUM_THREADS=str(threads),
                   LD_LIBRARY_PATH=OPENBLAS)
        self.p = subprocess.Popen(
            [sys.executable, os.path.join(BENCH, "torch_worker.py"), str(threads)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env,
            cwd=BENCH)

    def ask(self, req):
        self.p.stdin.write(json.dumps(req) + "\n")
        self.p.stdin.flush()
        line = self.p.stdout.readline()
        if not line:
            raise RuntimeError("torch_worker.py died")
        return json.loads(line)

    def close(self):
        self.p.stdin.close()
        self.p.wait()


# --- the comparison ---------------------------------------------------------

def summarize(rounds):
    """rounds: [(median, min, max)] per round -> one summary."""
    return {"median": statistics.median(r[0] for r in rounds),
            "min": min(r[1] for r in rounds), "max": max(r[2] for r in rounds),
            "rounds": rounds}


def bench_model(worker, exe, name, batch, phases, threads, cfg):
    """Alternating rounds of one model at one thread count -> table rows."""
    hello = worker.ask({"model": name, "batch": batch, "warmup": list(phases)})
    # Warm-up and probe: a short modelc run. A model far too slow for the time
    # budget (e.g. a kernel still lowered naively) or failing is reported, not
    # waited for, and PyTorch is still timed.
    note, steps, timed = "", cfg.steps, True
    try:
        if not exe:
            raise RuntimeError("modelc could not compile it")
        probe = modelc_round(exe, batch, 1, threads, cfg.probe_timeout)
        # modelc's bench makes (2 + steps) calls of every entry per round.
        per_call_ms = sum(m[0] for m in probe.values())
        steps = max(1, min(cfg.steps, int(cfg.round_budget * 1e3 / per_call_ms) - 2))
        if steps < cfg.steps:
            note = f"{steps} timed call(s) per round (slow model)"
    except subprocess.TimeoutExpired:
        timed, note = False, f"modelc: > {cfg.probe_timeout} s for 3 calls per entry, not timed"
    except subprocess.CalledProcessError as e:
        timed, note = False, f"modelc bench failed: {e.stderr.strip()[-200:]}"
    except RuntimeError as e:
        timed, note = False, str(e)

    mc = {p: [] for p in phases}
    pt = {p: [] for p in phases}
    for _ in range(cfg.rounds):
        if timed:
            try:
                got = modelc_round(exe, batch, steps, threads,
                                   timeout=max(60, 10 * cfg.round_budget))
            except subprocess.TimeoutExpired:
                timed, note, got = False, "a modelc round timed out; fewer rounds", {}
            for p in phases:
                if p in got:
                    mc[p].append(got[p])
            # Let the finished side's threads stop spinning before the other
            # side starts.
            time.sleep(0.2)
        got = worker.ask({"time": list(phases), "steps": steps})
        for p in phases:
            pt[p].append((statistics.median(got[p]), min(got[p]), max(got[p])))
        time.sleep(0.2)

    rows = []
    for p in phases:
        row = {"model": name, "batch": batch, "threads": threads, "phase": p,
               "steps": steps, "rounds": len(pt[p]), "modelc_rounds": len(mc[p]), "note": note,
               "modelc": summarize(mc[p]) if mc[p] else None,
               "torch": summarize(pt[p]), "torch_blas": hello["blas"],
               "torch_version": hello["torch"]}
        row["ratio"] = (row["torch"]["median"] / row["modelc"]["median"]
                        if row["modelc"] else None)
        rows.append(row)
        mc_ms = f"{row['modelc']['median']:9.3f} ms" if row["modelc"] else "      n/a   "
        print(f"  {name:13s} {threads}T {p:14s} modelc {mc_ms}  "
              f"PyTorch {row['torch']['median']:9.3f} ms  {note}", flush=True)
    return rows


def compare(exes, cfg):
    rows = []
    for threads in THREADS:
        worker = TorchWorker(threads)
        for name, _, batch, phases in MODELS:
            rows += bench_model(worker, exes[name], name, batch, phases, threads, cfg)
        worker.close()
    return rows


def main():
    ap = argparse.ArgumentParser(description="modelc vs PyTorch benchmark (bench/README.md)")
    ap.add_argument("--quick", action="store_true", help="smoke run (< 2 min)")
    ap.add_argument("--rounds", type=int, help="alternation rounds per model")
    ap.add_argument("--steps", type=int, help="timed calls per phase per round")
    ap.add_argument("--report-only", action="store_true",
                    help="rewrite results.md/.png from results.json, measure nothing")
    args = ap.parse_args()
    if args.report_only:
        with open(os.path.join(BENCH, "results.json")) as f:
            write_report(json.load(f))
        return
    cfg = argparse.Namespace(
        rounds=args.rounds or (3 if args.quick else 5),
        steps=args.steps or (2 if args.quick else 10),
        # Seconds: the probe run's limit, and what one modelc round may take
        # (steps are reduced for slower models).
        probe_timeout=10 if args.quick else 90,
        round_budget=1.5 if args.quick else 8)

    busy = machine_busy()
    if busy:
        print(f"warning: machine busy ({busy}); numbers will be noisy", file=sys.stderr)
    git = run(["git", "-C", ROOT, "describe", "--always", "--dirty"]).strip()
    meta = {"date": time.strftime("%Y-%m-%d %H:%M"), "mode": "quick" if args.quick else "full",
            "rounds": cfg.rounds, "steps": cfg.steps, "modelc_git": git,
            "cpu": report.cpu_name(), "cores": os.cpu_count(),
            "python": platform.python_version(), "busy": busy}

    work = tempfile.mkdtemp(prefix="modelc-bench-")
    try:
        others = OthersLoad()
        print("machine limits (STREAM triad, FMA peak) ...", flush=True)
        limits = measure_limits(work, 5 if args.quick else 20)
        print("compile time of the text CNN ...", flush=True)
        ctime = compile_time(work, 3 if args.quick else 5)
        exes = {}
        for name, path, _, _ in MODELS:
            exes[name] = os.path.join(work, name)
            if not compile_model(path, exes[name]):
                exes[name] = None
        print(f"timing: {cfg.rounds} rounds x {cfg.steps} steps, alternating modelc / PyTorch",
              flush=True)
        rows = compare(exes, cfg)
        meta["torch"], meta["torch_blas"] = rows[0]["torch_version"], rows[0]["torch_blas"]
        meta["others_cpu"] = others.fraction()
    finally:
        shutil.rmtree(work, ignore_errors=True)

    meta["compile_failures"] = FAILURES
    results = {"meta": meta, "limits": limits, "compile": ctime, "rows": rows,
               "kernel_work": {f"{m}/{p}": v for (m, p), v in KERNEL_WORK.items()}}
    with open(os.path.join(BENCH, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    write_report(results)


def write_report(results):
    md = report.markdown(results)
    with open(os.path.join(BENCH, "results.md"), "w") as f:
        f.write(md)
    report.chart(results, os.path.join(BENCH, "results.png"))
    print()
    print(md)


if __name__ == "__main__":
    main()
