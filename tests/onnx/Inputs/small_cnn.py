"""A small CNN as ONNX, its data, and its outputs computed by NumPy.

usage: small_cnn.py DIR

Writes DIR/cnn.onnx (NCHW: Conv pads 1 -> BatchNormalization -> Relu ->
MaxPool 2x2 -> Conv -> Relu -> Flatten -> Gemm transB), DIR/x.npz and
DIR/expected.npz: the graph's two outputs, `pooled` (4-D NCHW) and
`logits`, computed here from ONNX's operator definitions in NCHW, with no
part of modelc involved.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

out = sys.argv[1]
rng = np.random.RandomState(11)
f = lambda *s: rng.uniform(-0.5, 0.5, s).astype(np.float32)  # noqa: E731

w1, b1 = f(4, 2, 3, 3), f(4)
gamma, beta = 1 + f(4), f(4)
mean, var = f(4), 1 + np.abs(f(4))
w2, b2 = f(6, 4, 3, 3), f(6)
w3, b3 = f(10, 6 * 3 * 3), f(10)  # Gemm B with transB = 1: [out, in]
shape = np.array([0, -1], np.int64)

inits = [numpy_helper.from_array(a, n) for a, n in [
    (w1, "conv1.weight"), (b1, "conv1.bias"), (gamma, "bn1.weight"),
    (beta, "bn1.bias"), (mean, "bn1.running_mean"), (var, "bn1.running_var"),
    (w2, "conv2.weight"), (b2, "conv2.bias"), (w3, "fc.weight"),
    (b3, "fc.bias")]]
nodes = [
    helper.make_node("Conv", ["x", "conv1.weight", "conv1.bias"], ["c1"],
                     name="/conv1/Conv", pads=[1, 1, 1, 1],
                     kernel_shape=[3, 3]),
    helper.make_node("BatchNormalization",
                     ["c1", "bn1.weight", "bn1.bias", "bn1.running_mean",
                      "bn1.running_var"], ["n1"], name="/bn1/Bn",
                     epsilon=1e-5, momentum=0.9),
    helper.make_node("Relu", ["n1"], ["r1"], name="/relu1/Relu"),
    helper.make_node("MaxPool", ["r1"], ["pooled"], name="/pool/MaxPool",
                     kernel_shape=[2, 2], strides=[2, 2]),
    helper.make_node("Conv", ["pooled", "conv2.weight", "conv2.bias"],
                     ["c2"], name="/conv2/Conv", kernel_shape=[3, 3]),
    helper.make_node("Relu", ["c2"], ["r2"], name="/relu2/Relu"),
    helper.make_node("Flatten", ["r2"], ["flat"], name="/Flatten"),
    helper.make_node("Gemm", ["flat", "fc.weight", "fc.bias"], ["logits"],
                     name="/fc/Gemm", transB=1),
]
graph = helper.make_graph(
    nodes, "small_cnn",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 2, 10, 10])],
    [helper.make_tensor_value_info("pooled", TensorProto.FLOAT,
                                   ["N", 4, 5, 5]),
     helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 10])],
    inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
onnx.checker.check_model(model)
onnx.save(model, os.path.join(out, "cnn.onnx"))

x = rng.randn(7, 2, 10, 10).astype(np.float32)
np.savez(os.path.join(out, "x.npz"), x=x)


def conv(x, w, b, pad):
    x = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    n, _, h, wd = x.shape
    o, _, kh, kw = w.shape
    y = np.zeros((n, o, h - kh + 1, wd - kw + 1))
    for i in range(y.shape[2]):
        for j in range(y.shape[3]):
            y[:, :, i, j] = np.einsum("nchw,ochw->no",
                                      x[:, :, i:i + kh, j:j + kw], w)
    return y + b[None, :, None, None]


c = lambda a: a[None, :, None, None]  # noqa: E731
h = conv(x, w1, b1, 1)
h = (h - c(mean)) / np.sqrt(c(var) + 1e-5) * c(gamma) + c(beta)
h = np.maximum(h, 0)
pooled = h.reshape(7, 4, 5, 2, 5, 2).max(axis=(3, 5))
h = np.maximum(conv(pooled, w2, b2, 0), 0)
logits = h.reshape(7, -1) @ w3.T + b3
np.savez(os.path.join(out, "expected.npz"), pooled=pooled, logits=logits)
