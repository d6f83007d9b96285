"""A graph shaped like PyTorch's training-mode export, with its NumPy output.

usage: torch_like.py DIR

torch.onnx.export(..., training=TRAINING, do_constant_folding=False) keeps
batch norms (training_mode = 1, with running-statistics outputs nothing
reads) and dropout (with a mask output nothing reads), and writes Linear as
MatMul(x, Transpose(W)). Writes DIR/net.onnx, DIR/x.npz and
DIR/expected.npz (inference: running statistics, no dropout).
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

out = sys.argv[1]
rng = np.random.RandomState(5)
w = rng.uniform(-0.5, 0.5, (4, 6)).astype(np.float32)  # Linear: [out, in]
gamma, beta = (1 + rng.rand(4)).astype(np.float32), rng.randn(4).astype(np.float32)
mean, var = rng.randn(4).astype(np.float32), (1 + rng.rand(4)).astype(np.float32)
inits = [numpy_helper.from_array(a, n) for a, n in [
    (w, "fc.weight"), (gamma, "bn.weight"), (beta, "bn.bias"),
    (mean, "bn.running_mean"), (var, "bn.running_var"),
    (np.array(0.3, np.float32), "ratio"), (np.array(True), "train")]]
nodes = [
    helper.make_node("Transpose", ["fc.weight"], ["wt"], name="/fc/T"),
    helper.make_node("MatMul", ["x", "wt"], ["h"], name="/fc/MatMul"),
    helper.make_node("BatchNormalization",
                     ["h", "bn.weight", "bn.bias", "bn.running_mean",
                      "bn.running_var"], ["n", "rm", "rv"], name="/bn/Bn",
                     training_mode=1, momentum=0.9, epsilon=1e-5),
    helper.make_node("Relu", ["n"], ["r"], name="/relu"),
    helper.make_node("Dropout", ["r", "ratio", "train"], ["y", "mask"],
                     name="/drop"),
]
graph = helper.make_graph(
    nodes, "torch_like",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 6])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 4])], inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 15)])
onnx.checker.check_model(model)
onnx.save(model, os.path.join(out, "net.onnx"))
x = rng.randn(9, 6).astype(np.float32)
np.savez(os.path.join(out, "x.npz"), x=x)
h = x.astype(np.float64) @ w.T
y = np.maximum((h - mean) / np.sqrt(var + 1e-5) * gamma + beta, 0)
np.savez(os.path.join(out, "expected.npz"), y=y)
