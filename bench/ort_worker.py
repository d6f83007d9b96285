"""The onnxruntime peer's timing process (protocol: worker_common.py):
inference only (forward_infer; onnxruntime's training API is another
product).

    ort_worker.py THREADS

Each model is the PyTorch model of torch_models.py in eval mode, exported
to ONNX in memory by the venv's PyTorch (torch.onnx.export, opset 17) and run
by onnxruntime's CPU execution provider with all graph optimizations on
(batch norm folded into the convs, NCHWc layouts), THREADS intra-op threads
and 1 inter-op thread, sequential execution.
"""
import inspect
import io
import sys
import warnings

import numpy as np
import onnxruntime as ort
import torch

import torch_models
import worker_common

OPSET = 17


def export(name, batch):
    torch.manual_seed(0)
    model, x, _, _ = torch_models.make(name, batch)
    model.eval()
    f = io.BytesIO()
    with warnings.catch_warnings():  # the TorchScript exporter is deprecated
        warnings.simplefilter("ignore")
        # PyTorch >= 2.9 defaults to the torch.export-based exporter, which
        # needs onnxscript too; the TorchScript one writes the same graph.
        kw = ({"dynamo": False}
              if "dynamo" in inspect.signature(torch.onnx.export).parameters else {})
        torch.onnx.export(model, (x,), f, input_names=["x"], output_names=["logits"],
                          opset_version=OPSET, do_constant_folding=True, **kw)
    return f.getvalue(), x.numpy()


class Bench:
    def __init__(self, name, batch, threads):
        model, x = export(name, batch)
        so = ort.SessionOptions()
        so.intra_op_num_threads = threads
        so.inter_op_num_threads = 1
        so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.sess = ort.InferenceSession(model, so, providers=["CPUExecutionProvider"])
        self.feed = {"x": np.ascontiguousarray(x)}

    def forward_infer(self):
        self.sess.run(None, self.feed)


def main():
    threads = int(sys.argv[1])
    # PyTorch only exports; keep its own pool from competing.
    torch.set_num_threads(1)

    def hello():
        return {"version": ort.__version__, "threads": threads, "inter_op_threads": 1,
                "exported_by": f"torch {torch.__version__}", "opset": OPSET,
                "providers": ["CPUExecutionProvider"]}

    def setup(name, batch):
        return {"forward_infer": Bench(name, batch, threads).forward_infer}

    worker_common.serve(hello, setup)


if __name__ == "__main__":
    main()
