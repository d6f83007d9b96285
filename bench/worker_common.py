"""What every peer's timing process shares: the request loop and the timer.

bench.py drives a worker over stdin/stdout, one JSON object a line:
    {"model": NAME, "batch": B, "warmup": [PHASE, ...]}
        -> {"ok": true, "phases": [PHASE, ...], "setup_s": S}
           (or {"ok": false, "error": WHY}: the peer cannot run this model)
    {"time": [PHASE, ...], "steps": N}  -> {PHASE: [ms, ...], ...}
PHASEs are modelc's entry names: train_step, forward_infer, forward_train.
"phases" are the requested phases the peer has (onnxruntime: inference
only). Each phase is timed like modelc's `bench`: 2 warm-up calls, then N.

A peer module gives `hello()` (its versions and settings, for results.json)
and `setup(name, batch)` -> {phase: zero-argument callable that returns when
the work is done}, or that and a dict of settings for this model, which the
answer carries too; setup may raise to say the peer cannot run the model.
"""
import json
import sys
import time
import traceback


def time_phase(fn, steps):
    for _ in range(2):
        fn()
    ms = []
    for _ in range(steps):
        t0 = time.perf_counter()
        fn()
        ms.append((time.perf_counter() - t0) * 1e3)
    return ms


def _why(e):
    """One line for the report: the exception, not the whole traceback."""
    msg = f"{type(e).__name__}: {e}".strip().splitlines()
    return (msg[0] if msg else type(e).__name__)[:300]


def serve(hello, setup):
    fns = {}
    info = hello()
    for line in sys.stdin:
        req = json.loads(line)
        if "model" in req:
            fns = {}
            try:
                t0 = time.perf_counter()
                fns, extra = setup(req["model"], req["batch"]), {}
                if isinstance(fns, tuple):
                    fns, extra = fns
                phases = [p for p in req.get("warmup", []) if p in fns]
                # The first calls compile (torch.compile, XLA) or plan
                # (onnxruntime): part of the set-up time, not of the timing.
                for p in phases:
                    time_phase(fns[p], 1)
                reply = dict(info, **extra, ok=True, phases=phases,
                             setup_s=time.perf_counter() - t0)
            except Exception as e:  # the peer cannot run this model: say why
                traceback.print_exc(file=sys.stderr)
                fns = {}
                reply = dict(info, ok=False, error=_why(e))
        else:
            try:
                reply = {p: time_phase(fns[p], req["steps"]) for p in req["time"]}
            except Exception as e:
                traceback.print_exc(file=sys.stderr)
                reply = {"error": _why(e)}
        print(json.dumps(reply), flush=True)
