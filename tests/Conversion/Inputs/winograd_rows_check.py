#!/usr/bin/python3
"""NumPy (float64) references for Winograd F(m, kh) along the rows: tiles of
3 to 8 rows (kh from 2 to 7), outputs that are and are not whole tiles of m
rows, explicit pads, a bias, and column strides and dilations (which the
products take directly).

    winograd_rows_check.py gen > test.mlir
    modelc-opt test.mlir <to LLVM> | mlir-runner ... > out
    winograd_rows_check.py check < out

The tile size is set on each nn.conv2d (winograd_rows = m), not chosen by
nn-select-conv-algorithm. Tolerance: the golden README's reduction class
(rtol 1e-4, atol 1e-5 of max |ref|).
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_check import Emitter, check_references, print_main  # noqa: E402

TOL = (1e-4, 1e-5)
# name: x shape, kernel [kh, kw], filters, m, pads [top, bottom, left,
# right], column stride, column dilation, bias
CASES = [
    ("f6_3_whole", (2, 14, 5, 3), (3, 3), 4, 6, [0, 0, 1, 1], 1, 1, True),
    ("f6_3_part", (2, 14, 5, 3), (3, 3), 4, 6, [1, 1, 1, 1], 1, 1, True),
    ("f5_4_part", (2, 12, 4, 2), (4, 2), 5, 5, [0, 0, 0, 0], 1, 1, False),
    ("f4_5_textcnn", (2, 13, 9, 1), (5, 9), 6, 4, [0, 0, 0, 0], 1, 1, True),
    ("f7_2_pads", (1, 9, 6, 3), (2, 3), 3, 7, [1, 0, 0, 2], 1, 1, False),
    ("f2_7", (2, 11, 4, 2), (7, 1), 3, 2, [0, 0, 0, 0], 1, 1, True),
    ("f2_3_strided_cols", (2, 7, 11, 3), (3, 3), 5, 2, [1, 1, 0, 0], 2, 2, True),
    ("f5_3_fashion", (2, 14, 6, 4), (3, 3), 5, 5, [1, 1, 1, 1], 1, 1, True),
    ("f4_3", (1, 10, 4, 3), (3, 3), 2, 4, [0, 0, 0, 0], 1, 1, False),
    ("f3_3", (1, 9, 4, 3), (3, 3), 2, 3, [0, 1, 0, 0], 1, 1, True),
    ("f2_2", (2, 6, 3, 2), (2, 2), 3, 2, [0, 0, 0, 0], 1, 1, False),
]


# The gradients: name, x shape, kernel [kh, kw], filters, m, pads, column
# stride, column dilation; dx of the transposed convolution along the rows
# (over the kernel's columns, or over dy's when dy is narrower than the
# kernel: one column or several) and dk by F(kh, m) (tiles of m dy rows).
GRAD_CASES = [
    ("dx_f4_3_same", (2, 5, 8, 3), (3, 3), 4, 4, [1, 1, 1, 1], 1, 1),
    ("dx_f6_3_textcnn", (2, 12, 20, 1), (3, 20), 6, 6, [0, 0, 0, 0], 1, 1),
    ("dx_f3_5_pads", (1, 11, 7, 2), (5, 7), 5, 3, [1, 2, 0, 0], 1, 1),
    ("dx_f4_3_dy3_stride2", (1, 9, 11, 2), (3, 7), 3, 4, [0, 0, 0, 0], 2, 1),
    ("dx_f5_3_dy3_dilated", (2, 9, 9, 2), (3, 4), 3, 5, [0, 0, 0, 0], 1, 2),
    ("dx_f4_3_taps_stride2", (1, 8, 9, 3), (3, 3), 4, 4, [1, 1, 1, 1], 2, 1),
    ("dk_f3_4_textcnn", (2, 12, 20, 1), (3, 20), 6, 4, [0, 0, 0, 0], 1, 1),
    ("dk_f3_6_same", (2, 14, 6, 3), (3, 3), 5, 6, [1, 1, 1, 1], 1, 1),
    ("dk_f5_2", (1, 9, 4, 2), (5, 2), 3, 2, [0, 0, 0, 0], 1, 1),
    ("dk_f3_4_strided_dilated", (2, 10, 13, 2), (3, 3), 4, 4, [0, 0, 1, 1], 2, 2),
]


def inputs():
    rng = np.random.default_rng(2468)
    out = {}
    for name, xs, (kh, kw), f, *_ in CASES:
        out[name + "/x"] = rng.standard_normal(xs).astype(np.float32)
        out[name + "/k"] = rng.standard_normal((kh, kw, xs[3], f)).astype(np.float32)
        out[name + "/b"] = rng.standard_normal(f).astype(np.float32)
    for name, xs, (kh, kw), f, m, pads, sw, dw in GRAD_CASES:
        out[name + "/x"] = rng.standard_normal(xs).astype(np.float32)
        out[name + "/k"] = rng.standard_normal((kh, kw, xs[3], f)).astype(np.float32)
        ys = output_shape(xs, (kh, kw), f, pads, sw, dw)
        out[name + "/dy"] = rng.standard_normal(ys).astype(np.float32)
    return out


def conv(x, k, pads, sw, dw):
    top, bottom, left, right = pads
    xp = np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)))
    kh, kw = k.shape[:2]
    ho = xp.shape[1] - kh + 1
    wo = (xp.shape[2] - (kw - 1) * dw - 1) // sw + 1
    y = np.zeros((x.shape[0], ho, wo, k.shape[3]))
    for a in range(kh):
        for b in range(kw):
            cols = xp[:, a:a + ho, b * dw:b * dw + (wo - 1) * sw + 1:sw]
            y += np.einsum("nhwc,cf->nhwf", cols, k[a, b])
    return y


def conv_grads(x, k, dy, pads, sw, dw):
    """(dx, dk) of the convolution of x with k (row stride 1, column stride
    sw and dilation dw), padded by pads."""
    top, bottom, left, right = pads
    xp = np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)))
    dxp = np.zeros_like(xp)
    dk = np.zeros_like(k)
    ho, wo = dy.shape[1], dy.shape[2]
    for a in range(k.shape[0]):
        for b in range(k.shape[1]):
            cols = slice(b * dw, b * dw + (wo - 1) * sw + 1, sw)
            dxp[:, a:a + ho, cols] += np.einsum("nhwf,cf->nhwc", dy, k[a, b])
            dk[a, b] = np.einsum("nhwc,nhwf->cf", xp[:, a:a + ho, cols], dy)
    return dxp[:, top:top + x.shape[1], left:left + x.shape[2]], dk


def output_shape(xs, kernel, f, pads, sw, dw):
    ho = xs[1] + pads[0] + pads[1] - kernel[0] + 1
    wo = (xs[2] + pads[2] + pads[3] - (kernel[1] - 1) * dw - 1) // sw + 1
    return (xs[0], ho, wo, f)


def generate():
    d = inputs()
    e = Emitter()
    for name, xs, kernel, f, m, pads, sw, dw, bias in CASES:
        x, xt = e.constant(d[name + "/x"], True)
        k, kt = e.constant(d[name + "/k"])
        ys = output_shape(xs, kernel, f, pads, sw, dw)
        yt = "tensor<?x%dx%dx%dxf32>" % ys[1:]
        attrs = ("{dilations = array<i64: 1, %d>, padding = #nn.padding<explicit>, "
                 "pads = array<i64: %d, %d, %d, %d>, strides = array<i64: 1, %d>, "
                 "winograd_rows = %d : i64}" % (dw, *pads, sw, m))
        y = e.fresh("y")
        if bias:
            b, bt = e.constant(d[name + "/b"])
            e.emit("%s = nn.conv2d %s, %s bias(%s) %s : (%s, %s, %s) -> %s"
                   % (y, x, k, b, attrs, xt, kt, bt, yt))
        else:
            e.emit("%s = nn.conv2d %s, %s %s : (%s, %s) -> %s"
                   % (y, x, k, attrs, xt, kt, yt))
        e.print_tensor(y, list(ys), True)
    for name, xs, kernel, f, m, pads, sw, dw in GRAD_CASES:
        ys = output_shape(xs, kernel, f, pads, sw, dw)
        attrs = ("{dilations = array<i64: 1, %d>, padding = #nn.padding<explicit>, "
                 "pads = array<i64: %d, %d, %d, %d>, strides = array<i64: 1, %d>, "
                 "winograd_rows = %d : i64}" % (dw, *pads, sw, m))
        if name.startswith("dx"):
            dy, dyt = e.constant(d[name + "/dy"], True)
            k, kt = e.constant(d[name + "/k"])
            xt = "tensor<?x%dx%dx%dxf32>" % xs[1:]
            dx = e.fresh("dx")
            e.emit("%s = nn.conv2d_grad_input %s, %s %s : (%s, %s) -> %s"
                   % (dx, dy, k, attrs, dyt, kt, xt))
            e.print_tensor(dx, list(xs), True)
        else:
            x, xt = e.constant(d[name + "/x"], True)
            dy, dyt = e.constant(d[name + "/dy"], True)
            kt = "tensor<%dx%dx%dx%dxf32>" % (*kernel, xs[3], f)
            dk = e.fresh("dk")
            e.emit("%s = nn.conv2d_grad_kernel %s, %s %s : (%s, %s) -> %s"
                   % (dk, x, dy, attrs, xt, dyt, kt))
            e.print_tensor(dk, [*kernel, xs[3], f], False)
    print_main(e, "// Generated by winograd_rows_check.py.")


def check():
    d = inputs()
    refs = []
    for name, xs, kernel, f, m, pads, sw, dw, bias in CASES:
        x, k, b = (d[name + "/" + s].astype(np.float64) for s in ("x", "k", "b"))
        refs.append((name + "/y", conv(x, k, pads, sw, dw) + (b if bias else 0.0)))
    for name, xs, kernel, f, m, pads, sw, dw in GRAD_CASES:
        x, k, dy = (d[name + "/" + s].astype(np.float64) for s in ("x", "k", "dy"))
        dx, dk = conv_grads(x, k, dy, pads, sw, dw)
        refs.append((name, dx if name.startswith("dx") else dk))
    return check_references(refs, TOL)


if __name__ == "__main__":
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                    "..", "..", "lib"))
    from checks import gen_or_check  # noqa: E402
    gen_or_check(generate, check, __doc__)
