"""An ONNX training graph that ends in SoftmaxCrossEntropyLoss (as
torch.onnx.export writes a model whose forward returns
F.cross_entropy(logits, y)), with its NumPy loss.

usage: sce_net.py DIR [--log-prob]

Writes DIR/net.onnx (x [N, 6] -> Gemm -> Relu -> Gemm -> scores [N, 3];
SoftmaxCrossEntropyLoss(scores, y) -> loss, with --log-prob also its
log_prob output), DIR/d.npz (x, y) and DIR/expected.json (the mean
cross-entropy of the initial weights, computed here in float64).
"""
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

out = sys.argv[1]
log_prob = "--log-prob" in sys.argv
rng = np.random.RandomState(11)
w1 = rng.randn(6, 8).astype(np.float32) * 0.5
b1 = rng.randn(8).astype(np.float32) * 0.1
w2 = rng.randn(8, 3).astype(np.float32) * 0.5
b2 = rng.randn(3).astype(np.float32) * 0.1
inits = [numpy_helper.from_array(a, n) for a, n in
         [(w1, "fc1.weight"), (b1, "fc1.bias"), (w2, "fc2.weight"),
          (b2, "fc2.bias")]]
outputs = ["loss"] + (["log_prob"] if log_prob else [])
nodes = [
    helper.make_node("Gemm", ["x", "fc1.weight", "fc1.bias"], ["h"],
                     name="fc1"),
    helper.make_node("Relu", ["h"], ["hr"], name="relu"),
    helper.make_node("Gemm", ["hr", "fc2.weight", "fc2.bias"], ["scores"],
                     name="fc2"),
    helper.make_node("SoftmaxCrossEntropyLoss", ["scores", "y"], outputs,
                     name="ce"),
]
graph_outputs = [helper.make_tensor_value_info("loss", TensorProto.FLOAT, [])]
if log_prob:
    graph_outputs.append(helper.make_tensor_value_info(
        "log_prob", TensorProto.FLOAT, ["N", 3]))
graph = helper.make_graph(
    nodes, "sce_net",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 6]),
     helper.make_tensor_value_info("y", TensorProto.INT64, ["N"])],
    graph_outputs, inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
onnx.checker.check_model(model)
onnx.save(model, os.path.join(out, "net.onnx"))

x = rng.randn(40, 6).astype(np.float32)
y = rng.randint(0, 3, 40).astype(np.int32)
np.savez(os.path.join(out, "d.npz"), x=x, y=y)
s = np.maximum(x.astype(np.float64) @ w1 + b1, 0) @ w2 + b2
m = s.max(axis=1, keepdims=True)
logp = s - m - np.log(np.exp(s - m).sum(axis=1, keepdims=True))
with open(os.path.join(out, "expected.json"), "w") as f:
    json.dump({"loss": float(-logp[np.arange(len(y)), y].mean())}, f)
np.savez(os.path.join(out, "expected_log_prob.npz"), log_prob=logp)
