"""The benchmark models in JAX, layer for layer as in their modelc JSON (and
as torch_models.py), NHWC like the JSON: XLA's CPU convolutions take NHWC
input and HWIO weights natively. Plain jax.numpy and jax.lax, no layer
library: what is timed is XLA's code for exactly these ops.

A model is `apply(params, stats, x, train, key) -> (logits, new_stats)`:
params are trained, stats are batch norm's moving mean and variance (updated
in training with Keras's momentum, used in inference), key feeds dropout.
"""
import math

import jax
import jax.numpy as jnp
from jax import lax

EPS = 1e-3  # batch norm's epsilon (the JSON's default)


class Init:
    """Parameters (He-normal weights, zero biases, BN's gamma 1 and beta 0)
    and moving statistics, created in the order the layers are declared."""

    def __init__(self, seed):
        self.key = jax.random.PRNGKey(seed)
        self.params, self.stats = {}, {}

    def _next(self):
        self.key, k = jax.random.split(self.key)
        return k

    def weight(self, name, shape, fan_in):
        self.params[name] = jax.random.normal(self._next(), shape) * math.sqrt(2 / fan_in)

    def conv(self, name, kh, kw, cin, cout):
        self.weight(name, (kh, kw, cin, cout), kh * kw * cin)

    def dense(self, name, cin, cout, bias=True):
        self.weight(name, (cin, cout), cin)
        if bias:
            self.params[name + "_b"] = jnp.zeros((cout,))

    def bn(self, name, c):
        self.params[name + "_g"] = jnp.ones((c,))
        self.params[name + "_b"] = jnp.zeros((c,))
        self.stats[name + "_mean"] = jnp.zeros((c,))
        self.stats[name + "_var"] = jnp.ones((c,))


def conv(x, w, padding):
    return lax.conv_general_dilated(x, w, (1, 1), padding,
                                    dimension_numbers=("NHWC", "HWIO", "NHWC"))


def dense(p, name, x):
    y = x @ p[name]
    return y + p[name + "_b"] if name + "_b" in p else y


def bn(p, s, new, name, x, train, momentum=0.99):
    """Batch norm over every axis but the channels (the last); in training,
    batch statistics, and the moving ones updated into `new`."""
    if train:
        axes = tuple(range(x.ndim - 1))
        mean = jnp.mean(x, axes)
        var = jnp.mean(jnp.square(x - mean), axes)
        new[name + "_mean"] = momentum * s[name + "_mean"] + (1 - momentum) * mean
        new[name + "_var"] = momentum * s[name + "_var"] + (1 - momentum) * var
    else:
        mean, var = s[name + "_mean"], s[name + "_var"]
    scale = p[name + "_g"] * lax.rsqrt(var + EPS)
    return (x - mean) * scale + p[name + "_b"]


def max_pool(x, window):
    return lax.reduce_window(x, -jnp.inf, lax.max, (1, window, window, 1),
                             (1, window, window, 1), "VALID")


def dropout(x, rate, train, key):
    if not train:
        return x
    keep = jax.random.bernoulli(key, 1 - rate, x.shape)
    return jnp.where(keep, x / (1 - rate), 0)


relu = jax.nn.relu


def textcnn(batch):
    """examples/textcnn.json: embedding 5000x200, convs of height 3/4/5 over
    the full width with 100 filters each, BN, relu, max over time, concat,
    dropout 0.5, dense 2.

    A conv of height k over the full width of the [56, 200, 1] image is the
    same sum of products as a conv of height k over a [56, 1, 200] image, the
    embedding's 200 dimensions as input channels (the same weights, read as
    k x 1 x 200 x 100): the latter is how it is written here. Written
    literally, XLA's CPU backend computes the gradient with respect to the
    image (a transposed conv 200 wide) on a slow generic path: 9 s per call
    at batch 64 (jax 0.10.2), against 15 ms for the channels form."""
    init = Init(7)
    init.weight("embed", (5000, 200), 1)
    for k in (3, 4, 5):
        init.conv(f"conv{k}", k, 1, 200, 100)
        init.bn(f"bn{k}", 100)
    init.dense("logits", 300, 2)

    def apply(p, s, x, train, key):
        new = {}
        img = jnp.take(p["embed"], x, axis=0)[:, :, None, :]  # [B, 56, 1, 200]
        flat = []
        for k in (3, 4, 5):
            h = relu(bn(p, s, new, f"bn{k}", conv(img, p[f"conv{k}"], "VALID"), train))
            flat.append(jnp.max(h, axis=(1, 2)))  # max_pool2d over all 57-k steps
        h = dropout(jnp.concatenate(flat, -1), 0.5, train, key)
        return dense(p, "logits", h), new

    x = jax.random.randint(jax.random.PRNGKey(1), (batch, 56), 0, 5000, dtype=jnp.int32)
    return init, apply, x, 2, 1e-3


def fashion_cnn(batch):
    """examples/fashion_cnn.json."""
    init = Init(42)
    init.conv("conv1", 3, 3, 1, 32)
    init.bn("bn1", 32)
    init.conv("conv2", 3, 3, 32, 64)
    init.bn("bn2", 64)
    init.dense("fc", 7 * 7 * 64, 128, bias=False)
    init.bn("bn3", 128)
    init.dense("logits", 128, 10)

    def apply(p, s, x, train, key):
        new = {}
        h = max_pool(relu(bn(p, s, new, "bn1", conv(x, p["conv1"], "SAME"), train)), 2)
        h = max_pool(relu(bn(p, s, new, "bn2", conv(h, p["conv2"], "SAME"), train)), 2)
        h = relu(bn(p, s, new, "bn3", dense(p, "fc", h.reshape(h.shape[0], -1)), train))
        return dense(p, "logits", dropout(h, 0.3, train, key)), new

    return init, apply, _floats(batch, 28, 28, 1), 10, 1e-3


def digits_cnn(batch):
    """examples/digits_cnn.json (BN momentum 0.9)."""
    init = Init(11)
    init.conv("conv1", 3, 3, 1, 16)
    init.bn("bn1", 16)
    init.dense("fc", 4 * 4 * 16, 64, bias=False)
    init.bn("bn2", 64)
    init.dense("logits", 64, 10)

    def apply(p, s, x, train, key):
        new = {}
        h = max_pool(relu(bn(p, s, new, "bn1", conv(x, p["conv1"], "SAME"), train, 0.9)), 2)
        h = relu(bn(p, s, new, "bn2", dense(p, "fc", h.reshape(h.shape[0], -1)), train, 0.9))
        return dense(p, "logits", h), new

    return init, apply, _floats(batch, 8, 8, 1), 10, 1e-2


def resnet_block(batch):
    """bench/models/resnet_block.json."""
    init = Init(3)
    init.conv("conv1", 3, 3, 16, 16)
    init.bn("bn1", 16)
    init.conv("conv2", 3, 3, 16, 16)
    init.bn("bn2", 16)
    init.dense("logits", 16, 10)

    def apply(p, s, x, train, key):
        new = {}
        h = relu(bn(p, s, new, "bn1", conv(x, p["conv1"], "SAME"), train))
        h = relu(bn(p, s, new, "bn2", conv(h, p["conv2"], "SAME"), train) + x)
        return dense(p, "logits", jnp.mean(h, axis=(1, 2))), new

    return init, apply, _floats(batch, 32, 32, 16), 10, 1e-3


def _floats(*shape):
    return jax.random.uniform(jax.random.PRNGKey(1), shape, minval=-1, maxval=1)


# name -> (Init, apply, example input, number of classes, Adam learning rate).
def make(name, batch):
    models = {"textcnn": textcnn, "fashion_cnn": fashion_cnn, "digits_cnn": digits_cnn,
              "resnet_block": resnet_block}
    if name not in models:
        raise ValueError("not written in JAX: " + name)
    return models[name](batch)
