"""A Fashion-MNIST CNN written in PyTorch, exported to ONNX.

usage: torch_fashion_cnn.py OUT.onnx

The network is initialized by PyTorch and exported untrained, in training
mode so that the batch norms and the dropout stay in the graph (in eval
mode PyTorch folds each batch norm into the convolution before it); modelc
imports it, runs the batch norms and dropout in the mode of each command,
and trains it (examples/onnx/roundtrip.sh). Needs Debian's python3-torch.
"""
import sys

import torch
from torch import nn

torch.manual_seed(0)
model = nn.Sequential(
    nn.Conv2d(1, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32), nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Conv2d(32, 64, 3, padding=1, bias=False), nn.BatchNorm2d(64), nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Flatten(),
    nn.Linear(64 * 7 * 7, 128, bias=False), nn.BatchNorm1d(128), nn.ReLU(),
    nn.Dropout(0.3),
    nn.Linear(128, 10))
torch.onnx.export(model, torch.zeros(2, 1, 28, 28), sys.argv[1],
                  input_names=["x"], output_names=["logits"],
                  dynamic_axes={"x": {0: "N"}, "logits": {0: "N"}},
                  opset_version=13, do_constant_folding=False,
                  training=torch.onnx.TrainingMode.TRAINING)
print("wrote %s" % sys.argv[1])
