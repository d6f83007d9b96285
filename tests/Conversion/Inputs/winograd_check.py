#!/usr/bin/python3
"""NumPy (float64) references for the Winograd F(2x2, 3x3) shapes the golden
conv2d cases (odd outputs, same or valid padding, a bias) leave out: an even
output on both axes (no slice), no bias, explicit asymmetric pads with an odd
height and an even width, each as a forward pass and an input gradient; and
an even output max-pooled 2x2, stride 2, whose windows are the transform's
output tiles (nn-fuse-elementwise has the pool read them in place).

    winograd_check.py gen > test.mlir
    modelc-opt test.mlir -nn-select-conv-algorithm=algorithm=winograd \
        <to LLVM> | mlir-runner ... > out
    winograd_check.py check < out

Tolerance: the golden README's reduction class (rtol 1e-4, atol 1e-5 of
max |ref|).
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_check import Emitter, check_references, print_main  # noqa: E402

TOL = (1e-4, 1e-5)
# name: x shape, filters, pads [top, bottom, left, right] (None: same), bias
CASES = [
    ("even_same_nobias", (2, 8, 6, 5), 7, None, False),
    ("explicit_odd_even", (2, 7, 8, 3), 4, [2, 0, 1, 1], True),
]
# name: x shape, filters; `same` padding, no bias, then a 2x2 stride-2 max pool
POOLED = [("even_same_pool", (2, 8, 6, 5), 7)]


def inputs():
    rng = np.random.default_rng(4321)
    out = {}
    for name, xs, f, pads, bias in CASES:
        out[name + "/x"] = rng.standard_normal(xs).astype(np.float32)
        out[name + "/k"] = rng.standard_normal((3, 3, xs[3], f)).astype(np.float32)
        out[name + "/b"] = rng.standard_normal(f).astype(np.float32)
        top, bottom, left, right = pads or [1, 1, 1, 1]
        dy_shape = (xs[0], xs[1] + top + bottom - 2, xs[2] + left + right - 2, f)
        out[name + "/dy"] = rng.standard_normal(dy_shape).astype(np.float32)
    for name, xs, f in POOLED:
        out[name + "/x"] = rng.standard_normal(xs).astype(np.float32)
        out[name + "/k"] = rng.standard_normal((3, 3, xs[3], f)).astype(np.float32)
    return out


def conv(x, k, pads):
    top, bottom, left, right = pads
    xp = np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)))
    ho, wo = xp.shape[1] - 2, xp.shape[2] - 2
    y = np.zeros((x.shape[0], ho, wo, k.shape[3]))
    for a in range(3):
        for b in range(3):
            y += np.einsum("nhwc,cf->nhwf", xp[:, a:a + ho, b:b + wo], k[a, b])
    return y


def conv_grad_input(dy, k, x_shape, pads):
    top, bottom, left, right = pads
    dxp = np.zeros((x_shape[0], x_shape[1] + top + bottom,
                    x_shape[2] + left + right, x_shape[3]))
    ho, wo = dy.shape[1], dy.shape[2]
    for a in range(3):
        for b in range(3):
            dxp[:, a:a + ho, b:b + wo] += np.einsum("nhwf,cf->nhwc", dy, k[a, b])
    return dxp[:, top:top + x_shape[1], left:left + x_shape[2]]


def references(d):
    refs = []
    for name, xs, f, pads, bias in CASES:
        x, k, b = (d[name + "/" + s].astype(np.float64) for s in ("x", "k", "b"))
        dy = d[name + "/dy"].astype(np.float64)
        p = pads or [1, 1, 1, 1]
        y = conv(x, k, p) + (b if bias else 0.0)
        refs.append((name + "/y", y))
        refs.append((name + "/dx", conv_grad_input(dy, k, xs, p)))
    for name, (n, h, w, c), f in POOLED:
        x, k = (d[name + "/" + s].astype(np.float64) for s in ("x", "k"))
        y = conv(x, k, [1, 1, 1, 1])
        refs.append((name + "/p",
                     y.reshape(n, h // 2, 2, w // 2, 2, f).max(axis=(2, 4))))
    return refs


def attrs(pads):
    if pads is None:
        return ("{dilations = array<i64: 1, 1>, padding = #nn.padding<same>, "
                "strides = array<i64: 1, 1>}")
    return ("{dilations = array<i64: 1, 1>, padding = #nn.padding<explicit>, "
            "pads = array<i64: %d, %d, %d, %d>, strides = array<i64: 1, 1>}" % tuple(pads))


def generate():
    d = inputs()
    e = Emitter()
    for name, xs, f, pads, bias in CASES:
        x, xt = e.constant(d[name + "/x"], True)
        k, kt = e.constant(d[name + "/k"])
        dy, dyt = e.constant(d[name + "/dy"], True)
        y = e.fresh("y")
        if bias:
            bb, bt = e.constant(d[name + "/b"])
            e.emit("%s = nn.conv2d %s, %s bias(%s) %s : (%s, %s, %s) -> %s"
                   % (y, x, k, bb, attrs(pads), xt, kt, bt, dyt))
        else:
            e.emit("%s = nn.conv2d %s, %s %s : (%s, %s) -> %s"
                   % (y, x, k, attrs(pads), xt, kt, dyt))
        e.print_tensor(y, list(d[name + "/dy"].shape), True)
        dx = e.fresh("dx")
        e.emit("%s = nn.conv2d_grad_input %s, %s %s : (%s, %s) -> %s"
               % (dx, dy, k, attrs(pads), dyt, kt, xt))
        e.print_tensor(dx, list(xs), True)
    for name, (n, h, w, c), f in POOLED:
        x, xt = e.constant(d[name + "/x"], True)
        k, kt = e.constant(d[name + "/k"])
        yt = "tensor<?x%dx%dx%dxf32>" % (h, w, f)
        pt = "tensor<?x%dx%dx%dxf32>" % (h // 2, w // 2, f)
        y, p = e.fresh("y"), e.fresh("p")
        e.emit("%s = nn.conv2d %s, %s %s : (%s, %s) -> %s"
               % (y, x, k, attrs(None), xt, kt, yt))
        e.emit("%s = nn.pool2d <max> %s {padding = #nn.padding<valid>, "
               "pool_size = array<i64: 2, 2>, strides = array<i64: 2, 2>} "
               ": (%s) -> %s" % (p, y, yt, pt))
        e.print_tensor(p, [n, h // 2, w // 2, f], True)
    print_main(e, "// Generated by winograd_check.py.")


def check():
    return check_references(references(inputs()), TOL)


if __name__ == "__main__":
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                    "..", "..", "lib"))
    from checks import gen_or_check  # noqa: E402
    gen_or_check(generate, check, __doc__)
