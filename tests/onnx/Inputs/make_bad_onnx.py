"""Writes the broken or unsupported ONNX models of errors.test.

usage: make_bad_onnx.py DIR
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

out = sys.argv[1]


def save(name, nodes, inputs, outputs, inits=(), opset=13):
    graph = helper.make_graph(nodes, name, inputs, outputs, list(inits))
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", opset)])
    onnx.save(model, os.path.join(out, name + ".onnx"))
    return model


def f32(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


w = numpy_helper.from_array(np.ones((4, 3, 3, 3), np.float32), "w")
good = save("good", [helper.make_node("Conv", ["x", "w"], ["y"], name="conv")],
            [f32("x", [None, 3, 8, 8])], [f32("y", [None, 4, 6, 6])], [w])

# A truncated file: the first half of a valid model.
data = good.SerializeToString()
with open(os.path.join(out, "truncated.onnx"), "wb") as f:
    f.write(data[: len(data) // 2])
with open(os.path.join(out, "text.onnx"), "w") as f:
    f.write("not a protobuf at all\n")

save("unknown_op", [helper.make_node("Celu", ["x"], ["y"], name="act")],
     [f32("x", [None, 5])], [f32("y", [None, 5])])
save("grouped", [helper.make_node("Conv", ["x", "w"], ["y"], name="conv",
                                  group=3)],
     [f32("x", [None, 3, 8, 8])], [f32("y", [None, 4, 6, 6])],
     [numpy_helper.from_array(np.ones((4, 1, 3, 3), np.float32), "w")])
save("avg_ceil_counted", [helper.make_node(
    "AveragePool", ["x"], ["y"], name="pool", kernel_shape=[3, 3],
    strides=[2, 2], pads=[1, 1, 1, 1], ceil_mode=1, count_include_pad=1)],
     [f32("x", [None, 3, 8, 8])], [f32("y", [None, 3, 5, 5])])
# SoftmaxCrossEntropyLoss variants modelc's loss cannot express.
def sce(name, inputs=("s", "y"), extra=(), **attrs):
    ins = [helper.make_tensor_value_info("y", TensorProto.INT64, [None])]
    save(name, [helper.make_node("SoftmaxCrossEntropyLoss", list(inputs),
                                 ["loss"], name="ce", **attrs)],
         [f32("s", [None, 3])] + ins, [f32("loss", [])], extra)


sce("sce_sum", reduction="sum")
sce("sce_ignore", ignore_index=1)
sce("sce_torch", ignore_index=-100)
sce("sce_weights", ("s", "y", "w"),
    [numpy_helper.from_array(np.ones(3, np.float32), "w")])
save("pad_max", [
    helper.make_node("Pad", ["x", "p"], ["xp"], name="pad"),
    helper.make_node("MaxPool", ["xp"], ["y"], name="pool",
                     kernel_shape=[2, 2])],
     [f32("x", [None, 3, 8, 8])], [f32("y", [None, 3, 9, 9])],
     [numpy_helper.from_array(np.array([0, 0, 1, 1, 0, 0, 1, 1]), "p")])
save("pad_autopad", [
    helper.make_node("Pad", ["x", "p"], ["xp"], name="pad"),
    helper.make_node("Conv", ["xp", "w"], ["y"], name="conv",
                     auto_pad="SAME_UPPER")],
     [f32("x", [None, 3, 8, 8])], [f32("y", [None, 4, 10, 10])],
     [numpy_helper.from_array(np.array([0, 0, 1, 1, 0, 0, 1, 1]), "p"), w])
save("mul_rank1", [helper.make_node("Mul", ["x", "c"], ["y"], name="mul")],
     [f32("x", [None])], [f32("y", [None])],
     [numpy_helper.from_array(np.array(2, np.float32), "c")])
save("group_zero", [helper.make_node("Conv", ["x", "w"], ["y"], name="conv",
                                     group=0)],
     [f32("x", [None, 3, 8, 8])], [f32("y", [None, 4, 6, 6])], [w])
save("clip_inf", [helper.make_node("Clip", ["x", "lo"], ["y"], name="clip")],
     [f32("x", [None, 4])], [f32("y", [None, 4])],
     [numpy_helper.from_array(np.array(np.inf, np.float32), "lo")])
save("dynamic", [helper.make_node("Relu", ["x"], ["y"], name="act")],
     [f32("x", [None, "width"])], [f32("y", [None, "width"])])
shape = numpy_helper.from_array(np.array([-1], np.int64), "shape")
save("across_batch",
     [helper.make_node("Reshape", ["x", "shape"], ["y"], name="merge")],
     [f32("x", [2, 5])], [f32("y", [10])], [shape])
save("weights_as_input", [helper.make_node("Conv", ["x", "w"], ["y"],
                                           name="conv")],
     [f32("x", [None, 3, 8, 8]), f32("w", [4, 3, 3, 3])],
     [f32("y", [None, 4, 6, 6])])

# Malformed nodes: a Relu with no input, a Transpose whose perm repeats an
# axis, a Clip bound that is not one value. Each is an error, not a crash.
save("no_input", [helper.make_node("Relu", [], ["y"], name="act")],
     [f32("x", [None, 5])], [f32("y", [None, 5])])
save("bad_perm", [helper.make_node("Transpose", ["x"], ["y"], name="swap",
                                   perm=[0, 1, 1])],
     [f32("x", [None, 5, 4])], [f32("y", [None, 5, 4])])
bounds = numpy_helper.from_array(np.zeros(2, np.float32), "lo")
save("clip_bounds", [helper.make_node("Clip", ["x", "lo"], ["y"], name="clip")],
     [f32("x", [None, 5])], [f32("y", [None, 5])], [bounds])
