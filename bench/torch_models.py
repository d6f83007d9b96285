"""The benchmark models in PyTorch, layer for layer as in their modelc JSON.

PyTorch runs NCHW (its native layout); the layout changes memory order, not
the work, so shapes, ops, parameter counts and flops match the NHWC models.
BN hyper-parameters follow Keras's convention in the JSON: PyTorch's
momentum = 1 - Keras's momentum, eps = 1e-3 (the JSON default).
"""
import torch
import torch.nn as nn


def bn2d(c, keras_momentum=0.99):
    return nn.BatchNorm2d(c, eps=1e-3, momentum=1 - keras_momentum)


def bn1d(c, keras_momentum=0.99):
    return nn.BatchNorm1d(c, eps=1e-3, momentum=1 - keras_momentum)


class TextCNN(nn.Module):
    """examples/textcnn.json: embedding 5000x200, convs of height 3/4/5 over
    the full width with 100 filters each, BN, relu, max over time, concat,
    dropout 0.5, dense 2."""

    def __init__(self, vocab=5000, dim=200, seq=56, filters=100):
        super().__init__()
        self.embed = nn.Embedding(vocab, dim)  # dense gradients, as TF1's Adam
        self.branches = nn.ModuleList(
            nn.Sequential(nn.Conv2d(1, filters, (k, dim), bias=False),
                          bn2d(filters), nn.ReLU(),
                          nn.MaxPool2d((seq - k + 1, 1), stride=1),
                          nn.Flatten())
            for k in (3, 4, 5))
        self.drop = nn.Dropout(0.5)
        self.fc = nn.Linear(3 * filters, 2)

    def forward(self, x):
        img = self.embed(x).unsqueeze(1)  # [B, 1, seq, dim]
        return self.fc(self.drop(torch.cat([b(img) for b in self.branches], 1)))


def fashion_cnn():
    """examples/fashion_cnn.json."""
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1, bias=False), bn2d(32), nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1, bias=False), bn2d(64), nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(7 * 7 * 64, 128, bias=False), bn1d(128), nn.ReLU(),
        nn.Dropout(0.3),
        nn.Linear(128, 10))


def digits_cnn():
    """examples/digits_cnn.json (BN momentum 0.9)."""
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1, bias=False), bn2d(16, 0.9), nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(4 * 4 * 16, 64, bias=False), bn1d(64, 0.9), nn.ReLU(),
        nn.Linear(64, 10))


class ResNetBlock(nn.Module):
    """bench/models/resnet_block.json."""

    def __init__(self, c=16, classes=10):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(c, c, 3, padding=1, bias=False), bn2d(c), nn.ReLU(),
            nn.Conv2d(c, c, 3, padding=1, bias=False), bn2d(c))
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                                  nn.Linear(c, classes))

    def forward(self, x):
        return self.head(torch.relu(self.body(x) + x))


def _floats(*shape):
    return torch.rand(*shape) * 2 - 1  # [-1, 1), as modelc's bench


# name -> (module factory, example input, number of classes or None for a
# model without loss, Adam learning rate). Input shapes are NCHW versions of
# the JSON's NHWC inputs.
def make(name, batch):
    if name == "textcnn":
        return TextCNN(), torch.randint(0, 5000, (batch, 56)), 2, 1e-3
    if name == "fashion_cnn":
        return fashion_cnn(), _floats(batch, 1, 28, 28), 10, 1e-3
    if name == "digits_cnn":
        return digits_cnn(), _floats(batch, 1, 8, 8), 10, 1e-2
    if name == "resnet_block":
        return ResNetBlock(), _floats(batch, 16, 32, 32), 10, 1e-3
    if name == "bn_only":
        return bn2d(64), _floats(batch, 64, 56, 56), None, None
    if name == "conv5_only":
        return (nn.Conv2d(1, 100, (5, 200), bias=False),
                _floats(batch, 1, 56, 200), None, None)
    raise ValueError("unknown model " + name)
