"""A long-lived PyTorch timing process, driven by bench.py over stdin/stdout.

It lives in its own process (not in bench.py) so its thread pool cannot
compete with a modelc executable while that one is being timed, and it stays
alive across rounds so PyTorch is timed warm, as a training loop would run it.

    torch_worker.py THREADS
    stdin:  {"model": NAME, "batch": B, "warmup": [PHASE, ...]}  -> {"ok": true, ...}
            {"time": [PHASE, ...], "steps": N}          -> {PHASE: [ms, ...], ...}
PHASEs are modelc's entry names: train_step, forward_infer, forward_train.
Each phase is timed like modelc's `bench`: 2 warm-up calls, then N calls.
"""
import json
import sys
import time

import torch
import torch.nn.functional as F

import torch_models


class Bench:
    def __init__(self, name, batch):
        torch.manual_seed(0)
        self.model, self.x, classes, lr = torch_models.make(name, batch)
        self.y = torch.randint(0, classes, (batch,)) if classes else None
        self.opt = torch.optim.Adam(self.model.parameters(), lr=lr) if lr else None

    def train_step(self):
        self.model.train()
        self.opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(self.model(self.x), self.y)
        loss.backward()
        self.opt.step()

    def forward_infer(self):
        self.model.eval()
        with torch.inference_mode():
            self.model(self.x)

    def forward_train(self):
        # Batch statistics, no autograd graph: modelc's forward_train.
        self.model.train()
        with torch.no_grad():
            self.model(self.x)


def loaded_blas():
    """The BLAS library this process really uses (for the report)."""
    with open("/proc/self/maps") as f:
        libs = {l.split()[-1] for l in f if "blas" in l and "/" in l}
    return sorted(libs)[0] if libs else "none"


def time_phase(fn, steps):
    for _ in range(2):
        fn()
    ms = []
    for _ in range(steps):
        t0 = time.perf_counter()
        fn()
        ms.append((time.perf_counter() - t0) * 1e3)
    return ms


def main():
    threads = int(sys.argv[1])
    torch.set_num_threads(threads)
    torch.set_num_interop_threads(1)
    bench = None
    for line in sys.stdin:
        req = json.loads(line)
        if "model" in req:
            bench = Bench(req["model"], req["batch"])
            for phase in req.get("warmup", []):
                time_phase(getattr(bench, phase), 1)
            reply = {"ok": True, "torch": torch.__version__,
                     "threads": torch.get_num_threads(), "blas": loaded_blas()}
        else:
            reply = {p: time_phase(getattr(bench, p), req["steps"])
                     for p in req["time"]}
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    main()
