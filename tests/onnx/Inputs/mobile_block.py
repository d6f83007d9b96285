"""A MobileNet/EfficientNet-style block in ONNX: depthwise and grouped
convolutions, swish (Mul of x and its sigmoid), squeeze-and-excitation (Mul
broadcasting [N, C, 1, 1] over [N, C, H, W]), Mul by a scalar and by a
per-channel constant, zero Pads before a Conv and an AveragePool (as
PyTorch exports AvgPool2d's padding: the zeros count), and Clip to [-1, 1].

usage: mobile_block.py DIR

Writes DIR/net.onnx and DIR/x.npz; the reference output comes from
onnx_numpy.py, which evaluates the graph from the operator definitions.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

out = sys.argv[1]
rng = np.random.RandomState(7)


def w(name, *shape, scale=0.5):
    return numpy_helper.from_array(
        (rng.randn(*shape) * scale).astype(np.float32), name)


inits = [
    w("dw.weight", 4, 1, 3, 3), w("dw.bias", 4),
    w("gc.weight", 6, 2, 1, 1),
    w("se1.weight", 2, 6, 1, 1), w("se1.bias", 2),
    w("se2.weight", 6, 2, 1, 1), w("se2.bias", 6),
    numpy_helper.from_array(np.array(0.5, np.float32), "half"),
    w("gamma", 6, 1, 1, scale=1.0),
    numpy_helper.from_array(np.array(-1, np.float32), "lo"),
    numpy_helper.from_array(np.array(1, np.float32), "hi"),
    numpy_helper.from_array(np.array([0, 0, 1, 1, 0, 0, 1, 1]), "pads"),
]
node = helper.make_node
nodes = [
    node("Pad", ["x", "pads"], ["xp"], name="dw_pad"),
    node("Conv", ["xp", "dw.weight", "dw.bias"], ["d"], name="dw", group=4,
         kernel_shape=[3, 3]),
    node("Conv", ["d", "gc.weight"], ["g"], name="gc", group=2,
         kernel_shape=[1, 1]),
    node("Sigmoid", ["g"], ["gs"], name="swish_gate"),
    node("Mul", ["g", "gs"], ["sw"], name="swish"),
    node("GlobalAveragePool", ["sw"], ["pooled"], name="squeeze"),
    node("Conv", ["pooled", "se1.weight", "se1.bias"], ["e1"], name="se1",
         kernel_shape=[1, 1]),
    node("Relu", ["e1"], ["e1r"], name="se1_relu"),
    node("Conv", ["e1r", "se2.weight", "se2.bias"], ["e2"], name="se2",
         kernel_shape=[1, 1]),
    node("Sigmoid", ["e2"], ["s"], name="se_gate"),
    node("Mul", ["sw", "s"], ["excited"], name="excite"),
    node("Mul", ["half", "excited"], ["halved"], name="halve"),
    node("Mul", ["halved", "gamma"], ["scaled"], name="layer_scale"),
    node("Pad", ["scaled", "pads"], ["scaled_p"], name="avg_pad"),
    node("AveragePool", ["scaled_p"], ["avg"], name="avg",
         kernel_shape=[3, 3]),
    node("Clip", ["avg", "lo", "hi"], ["y"], name="clip"),
]
graph = helper.make_graph(
    nodes, "mobile_block",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 4, 7, 6])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 6, 7, 6])],
    inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
onnx.checker.check_model(model)
onnx.save(model, os.path.join(out, "net.onnx"))
np.savez(os.path.join(out, "x.npz"),
         x=(rng.randn(5, 4, 7, 6) * 2).astype(np.float32))
