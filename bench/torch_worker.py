"""A long-lived PyTorch timing process, driven by bench.py over stdin/stdout
(the protocol is in worker_common.py).

It lives in its own process (not in bench.py) so its thread pool cannot
compete with a modelc executable while that one is being timed, and it stays
alive across rounds so PyTorch is timed warm, as a training loop would run it.

    torch_worker.py THREADS [--channels-last] [--compile]

Three peers run it: Debian's PyTorch 1.13 as it is (`torch113`: NCHW, its
native layout), PyTorch 2.x from the benchmark's venv with channels-last
tensors (`torch2`: NHWC in memory, as modelc, which oneDNN's convolutions
prefer; but see NCHW_TRAIN) and the same with `torch.compile` (`torch2-compile`: the forward and
loss, hence the backward through AOTAutograd, and Adam's step compiled by
Inductor; the same module compiled again for inference).
"""
import argparse
import copy
import os
import re

import torch
import torch.nn.functional as F

import torch_models
import worker_common


# Models whose train step stays NCHW when the others go channels-last: the
# text CNN's convolutions (1 input channel, 3..5 x 200 kernels) take
# PyTorch 2.15's channels-last backward path at ~1.3 s per train step on 1
# thread, against ~0.1 s NCHW; their channels-last forward is the faster
# one (inference ~8.5 against ~52 ms), so inference runs a channels-last copy
# of the model (made at set-up: the timing does not depend on the weights'
# values).
NCHW_TRAIN = {"textcnn"}


def to_channels_last(model, x):
    model = model.to(memory_format=torch.channels_last)
    if x.dim() == 4:
        x = x.contiguous(memory_format=torch.channels_last)
    return model, x


class Bench:
    def __init__(self, name, batch, channels_last, compile_):
        torch.manual_seed(0)
        self.model, self.x, classes, lr = torch_models.make(name, batch)
        self.layout = {"train_step": "NCHW", "forward_infer": "NCHW"}
        self.infer_model, self.infer_x = self.model, self.x
        if channels_last:
            self.layout["forward_infer"] = "channels_last"
            if name in NCHW_TRAIN:
                self.infer_model, self.infer_x = to_channels_last(copy.deepcopy(self.model),
                                                                  self.x)
            else:
                self.layout["train_step"] = "channels_last"
                self.model, self.x = to_channels_last(self.model, self.x)
                self.infer_model, self.infer_x = self.model, self.x
        self.y = torch.randint(0, classes, (batch,)) if classes else None
        self.opt = torch.optim.Adam(self.model.parameters(), lr=lr) if lr else None
        model, opt = self.model, self.opt
        self.loss = lambda x, y: F.cross_entropy(model(x), y)
        self.infer = self.infer_model
        self.opt_step = opt.step if opt else None
        if compile_:
            # Each model starts from a clean slate: no guards or graphs left
            # from the previous one (the lambda above is one code object for
            # every model, and Dynamo caches at most 8 graphs per code object).
            torch._dynamo.reset()
            self.loss = torch.compile(self.loss)
            self.infer = torch.compile(self.infer_model)

            # PyTorch's recipe for compiling the optimizer: its step in a
            # function of its own (the backward sits between the two).
            @torch.compile(fullgraph=False)
            def opt_step():
                opt.step()
            self.opt_step = opt_step if opt else None

    def phases(self):
        p = {"forward_infer": self.forward_infer, "forward_train": self.forward_train}
        if self.opt:
            p["train_step"] = self.train_step
        return p

    def train_step(self):
        self.model.train()
        self.opt.zero_grad(set_to_none=True)
        self.loss(self.x, self.y).backward()
        self.opt_step()

    def forward_infer(self):
        self.infer_model.eval()
        with torch.inference_mode():
            self.infer(self.infer_x)

    def forward_train(self):
        # Batch statistics, no autograd graph: modelc's forward_train.
        self.infer_model.train()
        with torch.no_grad():
            self.infer(self.infer_x)


def loaded_blas():
    """The BLAS library this process really uses (for the report)."""
    with open("/proc/self/maps") as f:
        libs = {l.split()[-1] for l in f if "blas" in l and "/" in l and "cublas" not in l}
    return sorted(libs)[0] if libs else "none"


def build_info():
    """BLAS and oneDNN as built into PyTorch: MKL and oneDNN in PyPI's wheels;
    Debian's calls the system's libblas.so.3 (OpenBLAS, see setup.sh)."""
    cfg = torch.__config__.show()
    mkl = re.search(r"Math Kernel Library Version ([\d.]+)", cfg)
    dnn = re.search(r"MKL-DNN (v[\d.]+)", cfg)
    return {"blas": f"MKL {mkl.group(1)}" if mkl else loaded_blas(),
            "onednn": dnn.group(1) if dnn else None}


def link_against_this_torch():
    """Debian's libtorch-dev (PyTorch 1.13, the `torch113` peer's) puts
    libtorch.so in the system's library directory, which Inductor hands the
    linker (as Python's LIBDIR) before this PyTorch's torch/lib: its C++
    kernels then link against 1.13's libraries and fail to load, and Inductor
    silently falls back to scalar code (no vector ISA passes its check). Drop
    that directory: the kernels do not link libpython, and the linker still
    searches the system's directory after every -L."""
    from torch._inductor import cpp_builder
    orig = cpp_builder._get_python_related_args

    def python_args():
        include_dirs, lib_dirs = orig()
        return include_dirs, [d for d in lib_dirs
                              if not os.path.exists(os.path.join(d, "libtorch.so"))]
    cpp_builder._get_python_related_args = python_args


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("threads", type=int)
    ap.add_argument("--channels-last", action="store_true")
    ap.add_argument("--compile", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    if args.compile:
        link_against_this_torch()

    def hello():
        info = {"version": torch.__version__, "threads": torch.get_num_threads()}
        info.update(build_info())
        if args.compile:
            info["compiler"] = "torch.compile (Inductor, default mode)"
            # The vector ISA of Inductor's C++ kernels ("INVALID_VEC_ISA": scalar).
            from torch._inductor import cpu_vec_isa
            info["inductor_isa"] = str(cpu_vec_isa.pick_vec_isa())
        return info

    def setup(name, batch):
        b = Bench(name, batch, args.channels_last, args.compile)
        return b.phases(), {"layout": b.layout}

    worker_common.serve(hello, setup)


if __name__ == "__main__":
    main()
