"""A MobileNet-style Fashion-MNIST CNN written in PyTorch whose forward
returns the loss too, exported to ONNX.

usage: torch_mobile_cnn.py OUT.onnx

Depthwise-separable convolutions (groups = channels), ReLU6 (Clip), SiLU
(x * sigmoid(x): Mul), a squeeze-and-excitation gate (Mul broadcasting
[N, C, 1, 1] over [N, C, H, W]), AvgPool2d counting its pads (PyTorch's
default), and F.cross_entropy in forward, exported as
SoftmaxCrossEntropyLoss: the ONNX file brings its labels and loss, so
modelc's training wrapper only adds the optimizer. Exported untrained in
training mode (batch norms stay in the graph); needs Debian's python3-torch.
"""
import sys

import torch
import torch.nn.functional as F
from torch import nn


def separable(cin, cout, stride):
    return nn.Sequential(
        nn.Conv2d(cin, cin, 3, stride, 1, groups=cin, bias=False),
        nn.BatchNorm2d(cin), nn.ReLU6(),
        nn.Conv2d(cin, cout, 1, bias=False), nn.BatchNorm2d(cout), nn.SiLU())


class SqueezeExcite(nn.Module):
    def __init__(self, c, r=4):
        super().__init__()
        self.fc1, self.fc2 = nn.Conv2d(c, c // r, 1), nn.Conv2d(c // r, c, 1)

    def forward(self, x):
        s = F.adaptive_avg_pool2d(x, 1)
        return x * torch.sigmoid(self.fc2(F.relu(self.fc1(s))))


class MobileCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 32, 3, 1, 1, bias=False),
                                  nn.BatchNorm2d(32), nn.ReLU6())
        self.block1 = separable(32, 64, 2)    # 14 x 14
        self.block2 = separable(64, 128, 2)   # 7 x 7
        self.se = SqueezeExcite(128)
        self.pool = nn.AvgPool2d(3, 2, 1)     # 4 x 4, pads counted
        self.fc = nn.Linear(128 * 4 * 4, 10)

    def forward(self, x, y):
        h = self.pool(self.se(self.block2(self.block1(self.stem(x)))))
        logits = self.fc(torch.flatten(h, 1))
        return logits, F.cross_entropy(logits, y)


torch.manual_seed(0)
torch.onnx.export(MobileCNN(), (torch.zeros(2, 1, 28, 28),
                                torch.zeros(2, dtype=torch.long)),
                  sys.argv[1], input_names=["x", "y"],
                  output_names=["logits", "loss"],
                  dynamic_axes={"x": {0: "N"}, "y": {0: "N"},
                                "logits": {0: "N"}},
                  opset_version=13, do_constant_folding=False,
                  training=torch.onnx.TrainingMode.TRAINING)
print("wrote %s" % sys.argv[1])
