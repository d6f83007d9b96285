#!/usr/bin/python3
"""Checks every gradient lowering against central finite differences of the
forward op it differentiates, both lowered by convert-nn-to-linalg, with no
reference data.

    fd_check.py gen GROUP > test.mlir
    modelc-opt test.mlir -convert-nn-to-linalg <to LLVM> | mlir-runner ... > out
    fd_check.py check GROUP < out

GROUP is `layers` (conv2d with and without groups, mul, dense, bias_add,
embedding, concat, pools, softmax, activations with clip), `batch_norm`
(training: plain, axis 1, ghost batches, renorm with r and d clipped;
inference) or `losses`. For a case with forward op
y = f(x, ...), a fixed random weight w and L(x) = sum(y * w) (L = the loss
itself for a loss op), @main prints y at x + h*v and x - h*v and the
gradient op's result g for upstream gradient w at x. `check` compares, in
float64, the difference L(x + h*v) - L(x - h*v) with sum(g * delta), delta
being the exact difference of the two float32 inputs; a case passes when
they agree to 1e-2 relative (to the larger of |sum(g * delta)| and 1e-2 of
sum(|g * delta|), so a directional derivative that cancels by chance does
not demand more than float32 can give).

Inputs are chosen away from the kinks (relu inputs beyond 0.1 from 0 and 6,
max-pool values 0.1 apart), so h*|v| <= 0.03 cannot change a discrete
choice, and renorm's r and d are clipped, so they are constant in x as the
gradient assumes.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_check import Emitter, f32_attr, read_prints, tensor_type  # noqa: E402

H = 1e-2
RTOL = 1e-2


class Case:
    """y = forward(values) for `arrays`; the gradient of sum(y * w) with
    respect to arrays[wrt] is grad(values, w)."""

    def __init__(self, name, arrays, wrt, y_shape, forward, grad, dynamic=(),
                 loss=False):
        self.name, self.arrays, self.wrt = name, arrays, wrt
        self.y_shape, self.forward, self.grad = y_shape, forward, grad
        self.dynamic, self.loss = set(dynamic), loss


def padding_attrs(padding):
    """`padding` is "valid", "same" or explicit [top, bottom, left, right]."""
    if isinstance(padding, str):
        return "padding = #nn.padding<%s>" % padding
    return ("padding = #nn.padding<explicit>, pads = array<i64: %d, %d, %d, %d>"
            % tuple(padding))


def padding_tag(padding):
    return padding if isinstance(padding, str) else "explicit"


def conv_attrs(padding, strides, dilations, groups=1):
    return ("{dilations = array<i64: %d, %d>, %s%s, "
            "strides = array<i64: %d, %d>}" % (
                *dilations, "groups = %d, " % groups if groups != 1 else "",
                padding_attrs(padding), *strides))


def emit_op(e, text, hint="r"):
    r = e.fresh(hint)
    e.emit("%s = %s" % (r, text))
    return r


def layer_cases(rng):
    f = lambda *s: rng.standard_normal(s).astype(np.float32)  # noqa: E731
    cases = []

    # conv2d: with respect to input, kernel and bias; the last four are
    # grouped (kernel [kh, kw, C / groups, O]): two groups, depthwise with
    # a multiplier of 2, a kernel taller than dy (grad_input summing over
    # dy's rows), and depthwise (nothing split).
    for tag, xs, ks, pad, st, dl, ys, *groups in (
            ("same_s2", (2, 7, 8, 3), (3, 3, 3, 4), "same", (2, 2), (1, 1), (2, 4, 4, 4)),
            ("valid_s1x2_d2x1", (2, 9, 8, 2), (3, 2, 2, 3), "valid", (1, 2), (2, 1),
             (2, 5, 4, 3)),
            # Explicit (ONNX/PyTorch) padding: symmetric with stride 2, and
            # asymmetric.
            ("explicit_s2", (2, 8, 8, 3), (3, 3, 3, 4), [1, 1, 1, 1], (2, 2), (1, 1),
             (2, 4, 4, 4)),
            ("explicit_asym", (2, 7, 6, 2), (3, 2, 2, 3), [1, 0, 0, 1], (1, 1), (1, 1),
             (2, 6, 6, 3)),
            ("groups2_same_s2", (2, 7, 8, 4), (3, 3, 2, 6), "same", (2, 2), (1, 1),
             (2, 4, 4, 6), 2),
            ("depthwise_explicit_d2", (2, 9, 8, 3), (3, 3, 1, 6), [1, 1, 2, 0], (1, 1),
             (2, 2), (2, 7, 6, 6), 3),
            ("groups2_tall_kernel", (2, 5, 6, 4), (5, 2, 2, 4), "valid", (1, 2), (1, 1),
             (2, 1, 3, 4), 2),
            ("depthwise_same_s2", (2, 7, 6, 3), (3, 3, 1, 3), "same", (2, 2), (1, 1),
             (2, 4, 3, 3), 3)):
        arrays = {"x": f(*xs), "k": f(*ks) * 0.5, "b": f(ks[3])}
        attrs = conv_attrs(pad, st, dl, *groups)
        yt = tensor_type(ys, "f32", True)

        def fwd(e, v, attrs=attrs, yt=yt):
            return emit_op(e, "nn.conv2d %s, %s bias(%s) %s : (%s, %s, %s) -> %s"
                           % (v["x"][0], v["k"][0], v["b"][0], attrs, v["x"][1],
                              v["k"][1], v["b"][1], yt))

        def g_x(e, v, w, attrs=attrs):
            return emit_op(e, "nn.conv2d_grad_input %s, %s %s : (%s, %s) -> %s"
                           % (w[0], v["k"][0], attrs, w[1], v["k"][1], v["x"][1]))

        def g_k(e, v, w, attrs=attrs):
            return emit_op(e, "nn.conv2d_grad_kernel %s, %s %s : (%s, %s) -> %s"
                           % (v["x"][0], w[0], attrs, v["x"][1], w[1], v["k"][1]))

        def g_b(e, v, w):
            return emit_op(e, "nn.channel_sum %s {axis = 3 : i64} : (%s) -> %s"
                           % (w[0], w[1], v["b"][1]))

        for wrt, g in (("x", g_x), ("k", g_k), ("b", g_b)):
            cases.append(Case("conv2d_%s/%s" % (tag, wrt), arrays, wrt, ys, fwd, g, {"x"}))

    # mul with NumPy broadcasting: with respect to both operands, the
    # repeated one's gradient summed over the dimensions it repeats along.
    for tag, a_shape, b_shape in (("same", (2, 3, 4, 5), (2, 3, 4, 5)),
                                  ("last_axis", (2, 3, 4, 5), (5,)),
                                  ("unit_dims", (2, 3, 4, 5), (2, 1, 1, 5)),
                                  ("leading_units", (2, 3, 4, 5), (1, 4, 1))):
        arrays = {"a": f(*a_shape), "b": f(*b_shape)}
        ys = np.broadcast_shapes(a_shape, b_shape)
        dyn = {"a"} | ({"b"} if len(b_shape) == 4 and b_shape[0] == 2 else set())
        yt = tensor_type(ys, "f32", True)

        def fwd(e, v, yt=yt):
            return emit_op(e, "nn.mul %s, %s : (%s, %s) -> %s"
                           % (v["a"][0], v["b"][0], v["a"][1], v["b"][1], yt))

        def g_a(e, v, w):
            return emit_op(e, "nn.mul_grad %s, %s : (%s, %s) -> %s"
                           % (w[0], v["b"][0], w[1], v["b"][1], v["a"][1]))

        def g_b(e, v, w):
            return emit_op(e, "nn.mul_grad %s, %s : (%s, %s) -> %s"
                           % (w[0], v["a"][0], w[1], v["a"][1], v["b"][1]))

        for wrt, g in (("a", g_a), ("b", g_b)):
            cases.append(Case("mul_%s/%s" % (tag, wrt), arrays, wrt, ys, fwd, g, dyn))

    # dense.
    arrays = {"x": f(5, 7), "k": f(7, 4), "b": f(4)}

    def dense(e, v):
        return emit_op(e, "nn.dense %s, %s bias(%s) : (%s, %s, %s) -> %s"
                       % (v["x"][0], v["k"][0], v["b"][0], v["x"][1], v["k"][1], v["b"][1],
                          tensor_type([5, 4], "f32", True)))

    cases.append(Case("dense/x", arrays, "x", (5, 4), dense, lambda e, v, w: emit_op(
        e, "nn.matmul %s, %s {transpose_rhs = true} : (%s, %s) -> %s"
        % (w[0], v["k"][0], w[1], v["k"][1], v["x"][1])), {"x"}))
    cases.append(Case("dense/kernel", arrays, "k", (5, 4), dense, lambda e, v, w: emit_op(
        e, "nn.matmul %s, %s {transpose_lhs = true} : (%s, %s) -> %s"
        % (v["x"][0], w[0], v["x"][1], w[1], v["k"][1])), {"x"}))
    cases.append(Case("dense/bias", arrays, "b", (5, 4), dense, lambda e, v, w: emit_op(
        e, "nn.channel_sum %s {axis = 1 : i64} : (%s) -> %s" % (w[0], w[1], v["b"][1])),
        {"x"}))

    # bias_add.
    arrays = {"x": f(2, 3, 5), "b": f(5)}
    cases.append(Case("bias_add/bias", arrays, "b", (2, 3, 5), lambda e, v: emit_op(
        e, "nn.bias_add %s, %s : (%s, %s) -> %s"
        % (v["x"][0], v["b"][0], v["x"][1], v["b"][1], v["x"][1])),
        lambda e, v, w: emit_op(e, "nn.channel_sum %s {axis = 2 : i64} : (%s) -> %s"
                                % (w[0], w[1], v["b"][1])), {"x"}))

    # embedding, with respect to the table (ids repeat).
    ids = rng.integers(0, 6, size=(3, 4)).astype(np.int32)
    arrays = {"ids": ids, "table": f(6, 5)}
    cases.append(Case("embedding/table", arrays, "table", (3, 4, 5), lambda e, v: emit_op(
        e, "nn.embedding %s, %s : (%s, %s) -> %s"
        % (v["ids"][0], v["table"][0], v["ids"][1], v["table"][1],
           tensor_type([3, 4, 5], "f32", True))),
        lambda e, v, w: emit_op(e, "nn.embedding_grad %s, %s : (%s, %s) -> %s"
                                % (v["ids"][0], w[0], v["ids"][1], w[1], v["table"][1])),
        {"ids"}))

    # concat along the last axis: the gradients are slices.
    arrays = {"a": f(3, 2), "c": f(3, 4)}

    def concat(e, v):
        return emit_op(e, "nn.concat %s, %s {axis = 1 : i64} : (%s, %s) -> %s"
                       % (v["a"][0], v["c"][0], v["a"][1], v["c"][1],
                          tensor_type([3, 6], "f32", True)))

    for wrt, offset in (("a", 0), ("c", 2)):
        cases.append(Case("concat/%s" % wrt, arrays, wrt, (3, 6), concat,
                          lambda e, v, w, wrt=wrt, offset=offset: emit_op(
                              e, "nn.slice %s {axis = 1 : i64, offset = %d : i64} : "
                              "(%s) -> %s" % (w[0], offset, w[1], v[wrt][1])),
                          {"a", "c"}))

    # Pools: values 0.1 apart (a shuffled grid), so no perturbation reorders
    # a window.
    def spaced(*shape):
        n = int(np.prod(shape))
        return ((rng.permutation(n) - n / 2) * 0.1).astype(np.float32).reshape(shape)

    for kind, pad, size, st, xs, ys, *flags in (
            ("max", "valid", (2, 2), (2, 2), (2, 6, 6, 2), (2, 3, 3, 2)),
            ("max", "same", (3, 3), (2, 2), (2, 7, 6, 2), (2, 4, 3, 2)),
            ("max", "valid", (3, 2), (2, 1), (2, 7, 5, 2), (2, 3, 4, 2)),
            ("avg", "valid", (2, 2), (2, 2), (2, 6, 6, 2), (2, 3, 3, 2)),
            ("avg", "same", (3, 3), (2, 2), (2, 7, 6, 2), (2, 4, 3, 2)),
            # Disjoint windows (an element-wise lowering): a tail no window
            # covers, gaps between windows, one window over a whole axis.
            ("max", "valid", (2, 2), (2, 2), (2, 7, 5, 2), (2, 3, 2, 2)),
            ("max", "valid", (2, 2), (3, 3), (2, 7, 8, 2), (2, 2, 3, 2)),
            ("max", "valid", (6, 1), (1, 1), (2, 6, 3, 2), (2, 1, 3, 2)),
            # A 1-row window that reaches only the first of 2 rows (its
            # taps' rows are then the loop's own index), and 9 taps.
            ("max", "valid", (1, 2), (2, 2), (2, 2, 4, 2), (2, 1, 2, 2)),
            ("max", "valid", (3, 3), (3, 3), (2, 7, 6, 2), (2, 2, 2, 2)),
            ("avg", "valid", (2, 1), (3, 2), (2, 7, 5, 2), (2, 2, 3, 2)),
            # Explicit padding (ONNX/PyTorch): padded positions never win a
            # max and are not counted by an average.
            ("max", [1, 1, 1, 1], (3, 3), (2, 2), (2, 7, 6, 2), (2, 4, 3, 2)),
            ("avg", [0, 1, 1, 0], (2, 2), (2, 2), (2, 6, 5, 2), (2, 3, 3, 2)),
            # ... unless count_include_pad (PyTorch's default) counts them.
            ("avg", [1, 1, 0, 1], (3, 2), (2, 1), (2, 6, 5, 2), (2, 3, 5, 2),
             "count_include_pad"),
            ("avg", "same", (3, 3), (2, 2), (2, 7, 6, 2), (2, 4, 3, 2),
             "count_include_pad")):
        arrays = {"x": spaced(*xs)}
        attrs = ("{%s%s, pool_size = array<i64: %d, %d>, "
                 "strides = array<i64: %d, %d>}" % (
                     "".join(f + ", " for f in flags), padding_attrs(pad), *size,
                     *st))
        yt = tensor_type(ys, "f32", True)
        cases.append(Case(
            "pool2d_%s_%s_%dx%d_s%dx%d%s/x" % (kind, padding_tag(pad), *size, *st,
                                              "".join("_" + f for f in flags)),
            arrays, "x", ys,
            lambda e, v, kind=kind, attrs=attrs, yt=yt: emit_op(
                e, "nn.pool2d <%s> %s %s : (%s) -> %s" % (kind, v["x"][0], attrs,
                                                          v["x"][1], yt)),
            lambda e, v, w, kind=kind, attrs=attrs: emit_op(
                e, "nn.pool2d_grad <%s> %s, %s %s : (%s, %s) -> %s"
                % (kind, v["x"][0], w[0], attrs, v["x"][1], w[1], v["x"][1])), {"x"}))
    for kind in ("max", "avg"):
        arrays = {"x": spaced(2, 4, 5, 3)}
        cases.append(Case(
            "global_pool2d_%s/x" % kind, arrays, "x", (2, 3),
            lambda e, v, kind=kind: emit_op(
                e, "nn.global_pool2d <%s> %s : (%s) -> %s"
                % (kind, v["x"][0], v["x"][1], tensor_type([2, 3], "f32", True))),
            lambda e, v, w, kind=kind: emit_op(
                e, "nn.global_pool2d_grad <%s> %s, %s : (%s, %s) -> %s"
                % (kind, v["x"][0], w[0], v["x"][1], w[1], v["x"][1])), {"x"}))

    # softmax and log-softmax over the last axis, of [N, K] and of
    # [N, H, K] (one softmax per position); the gradient op reads the
    # forward output.
    for log, shape in (("", (4, 5)), (" {log}", (4, 5)), ("", (3, 2, 5)),
                       (" {log}", (3, 2, 5))):
        arrays = {"x": f(*shape)}
        t = tensor_type(shape, "f32", True)

        def sm(e, v, log=log, t=t):
            return emit_op(e, "nn.softmax %s%s : %s" % (v["x"][0], log, t))

        def sm_grad(e, v, w, log=log, t=t, sm=sm):
            y = sm(e, v)
            return emit_op(e, "nn.softmax_grad %s, %s%s : %s" % (y, w[0], log, t))

        cases.append(Case("softmax%s_rank%d/x" % ("_log" if log else "", len(shape)),
                          arrays, "x", shape, sm, sm_grad, {"x"}))

    # Activations, inputs away from the kinks at 0, 6 and clip's -1.5 and 2.5.
    x = rng.uniform(-8, 8, size=(4, 9)).astype(np.float32)
    for kink in (0.0, 6.0, -1.5, 2.5):
        near = np.abs(x - kink) < 0.1
        x[near] = kink + np.where(x[near] < kink, -0.5, 0.5)
    clip = " {max = %s, min = %s}" % (f32_attr(2.5), f32_attr(-1.5))
    for act, attrs in (("relu", ""), ("relu6", ""),
                       ("leaky_relu", " {alpha = %s}" % f32_attr(0.2)),
                       ("elu", " {alpha = %s}" % f32_attr(0.7)),
                       ("sigmoid", ""), ("tanh", ""), ("clip", clip)):
        cases.append(Case(
            "activation_%s/x" % act, {"x": x}, "x", x.shape,
            lambda e, v, act=act, attrs=attrs: emit_op(
                e, "nn.%s %s%s : %s" % (act, v["x"][0], attrs, v["x"][1])),
            lambda e, v, w, act=act, attrs=attrs: emit_op(
                e, "nn.activation_grad <%s> %s, %s%s : %s"
                % (act, v["x"][0], w[0], attrs, v["x"][1])), {"x"}))
    return cases


def batch_norm_cases(rng):
    f = lambda *s: rng.standard_normal(s).astype(np.float32)  # noqa: E731
    cases = []
    configs = (
        # name, shape, axis, training, extra attributes, renorm state
        ("train_nhwc", (4, 3, 3, 5), 3, True, {}, None),
        ("train_axis1", (3, 4, 2, 3), 1, True, {}, None),
        ("train_ghost_v2", (8, 3, 4), 2, True, {"virtual_batch_size": 2}, None),
        # Tiny renorm_stddev and a far renorm_mean: r and d are clipped.
        ("train_renorm_clipped", (6, 5), 1, True,
         {"renorm_rmin": 0.5, "renorm_rmax": 3.0, "renorm_dmax": 2.0}, (100.0, 0.01)),
        ("infer", (5, 4), 1, False, {}, None),
    )
    for name, shape, axis, training, extra, renorm in configs:
        c = shape[axis]
        arrays = {"x": f(*shape) * 2 + 0.5, "gamma": f(c) + 1.5, "beta": f(c),
                  "mm": f(c) * 0.3,
                  "mv": (rng.random(c) + 0.5).astype(np.float32)}
        if renorm:
            arrays["rm"] = np.full(c, renorm[0], np.float32)
            arrays["rs"] = np.full(c, renorm[1], np.float32)
        shared = ["axis = %d : i64" % axis, "epsilon = %s" % f32_attr(1e-3),
                  "renorm = %s" % str(bool(renorm)).lower()]
        for key, value in extra.items():
            shared.append("%s = %s" % (key, "%d : i64" % value if isinstance(value, int)
                                       else f32_attr(value)))
        forward_attrs = shared + [
            "center = true", "scale = true", "momentum = %s" % f32_attr(0.99),
            "renorm_momentum = %s" % f32_attr(0.99), "trainable = true",
            "variance_correction = #nn.variance_correction<biased>"]

        def state(v, renorm=renorm):
            ops = " moving(%s, %s)" % (v["mm"][0], v["mv"][0])
            types = [v["mm"][1], v["mv"][1]]
            if renorm:
                ops += " renorm(%s, %s)" % (v["rm"][0], v["rs"][0])
                types += [v["rm"][1], v["rs"][1]]
            return ops, types

        def fwd(e, v, training=training, attrs=forward_attrs, state=state):
            t = emit_op(e, "arith.constant %s" % str(training).lower(), "t")
            ops, types = state(v)
            y = e.fresh("y")
            ct = v["gamma"][1]
            e.emit("%s, %%mean_%s, %%var_%s = nn.batch_norm %s gamma(%s) beta(%s)%s "
                   "training(%s) {%s} : (%s, i1) -> (%s, %s, %s)"
                   % (y, y[1:], y[1:], v["x"][0], v["gamma"][0], v["beta"][0], ops, t,
                      ", ".join(attrs), ", ".join([v["x"][1], ct, ct] + types),
                      v["x"][1], ct, ct))
            return y

        def grad(e, v, w, which, training=training, attrs=shared, state=state):
            t = emit_op(e, "arith.constant %s" % str(training).lower(), "t")
            ops, types = state(v)
            r = [e.fresh("g") for _ in range(3)]
            ct = v["gamma"][1]
            e.emit("%s = nn.batch_norm_grad %s gamma(%s)%s grad(%s) training(%s) {%s} : "
                   "(%s, i1) -> (%s, %s, %s)"
                   % (", ".join(r), v["x"][0], v["gamma"][0], ops, w[0], t,
                      ", ".join(attrs), ", ".join([v["x"][1], ct] + types + [w[1]]),
                      v["x"][1], ct, ct))
            return r[which]

        for which, wrt in enumerate(("x", "gamma", "beta")):
            cases.append(Case("batch_norm_%s/%s" % (name, wrt), arrays, wrt, shape, fwd,
                              lambda e, v, w, which=which, grad=grad: grad(e, v, w, which),
                              {"x"}))
    return cases


def loss_cases(rng):
    f = lambda *s: rng.standard_normal(s).astype(np.float32)  # noqa: E731
    cases = []
    arrays = {"logits": f(6, 5) * 2, "labels": rng.integers(0, 5, size=6).astype(np.int32)}
    cases.append(Case(
        "softmax_cross_entropy/logits", arrays, "logits", (), lambda e, v: emit_op(
            e, "nn.softmax_cross_entropy %s, %s : (%s, %s) -> tensor<f32>"
            % (v["logits"][0], v["labels"][0], v["logits"][1], v["labels"][1])),
        lambda e, v, w: emit_op(e, "nn.softmax_cross_entropy_grad %s, %s : (%s, %s) -> %s"
                                % (v["logits"][0], v["labels"][0], v["logits"][1],
                                   v["labels"][1], v["logits"][1])),
        {"logits", "labels"}, loss=True))
    arrays = {"logits": f(4, 6) * 2, "targets": rng.random((4, 6)).astype(np.float32)}
    cases.append(Case(
        "sigmoid_cross_entropy/logits", arrays, "logits", (), lambda e, v: emit_op(
            e, "nn.sigmoid_cross_entropy %s, %s : (%s, %s) -> tensor<f32>"
            % (v["logits"][0], v["targets"][0], v["logits"][1], v["targets"][1])),
        lambda e, v, w: emit_op(e, "nn.sigmoid_cross_entropy_grad %s, %s : %s"
                                % (v["logits"][0], v["targets"][0], v["logits"][1])),
        {"logits", "targets"}, loss=True))
    arrays = {"pred": f(5, 3), "truth": f(5, 3)}
    cases.append(Case(
        "mean_squared_error/predictions", arrays, "pred", (), lambda e, v: emit_op(
            e, "nn.mean_squared_error %s, %s : (%s, %s) -> tensor<f32>"
            % (v["pred"][0], v["truth"][0], v["pred"][1], v["truth"][1])),
        lambda e, v, w: emit_op(e, "nn.mean_squared_error_grad %s, %s : %s"
                                % (v["pred"][0], v["truth"][0], v["pred"][1])),
        {"pred", "truth"}, loss=True))
    # Keras's class_weight on both cross-entropies.
    weighted = [
        ("softmax_cross_entropy", "labels", "array<f32: 0.5, 2.0, 1.0, 3.0, 0.25>",
         {"logits": f(6, 5) * 2, "labels": rng.integers(0, 5, size=6).astype(np.int32)},
         "(%s, %s) -> %s"),
        ("sigmoid_cross_entropy", "targets", "array<f32: 0.25, 4.0>",
         {"logits": f(4, 6) * 2, "targets": rng.random((4, 6)).astype(np.float32)}, "%s"),
    ]
    for op, y, weights, arrays, grad_type in weighted:
        attrs = "{class_weight = %s}" % weights

        def fwd(e, v, op=op, y=y, attrs=attrs):
            return emit_op(e, "nn.%s %s, %s %s : (%s, %s) -> tensor<f32>"
                           % (op, v["logits"][0], v[y][0], attrs, v["logits"][1], v[y][1]))

        def grad(e, v, w, op=op, y=y, attrs=attrs, grad_type=grad_type):
            types = ((v["logits"][1], v[y][1], v["logits"][1]) if grad_type != "%s"
                     else (v["logits"][1],))
            return emit_op(e, "nn.%s_grad %s, %s %s : %s"
                           % (op, v["logits"][0], v[y][0], attrs, grad_type % types))

        cases.append(Case(op + "_class_weight/logits", arrays, "logits", (), fwd, grad,
                          {"logits", y}, loss=True))
    return cases


GROUPS = {"layers": (layer_cases, 11), "batch_norm": (batch_norm_cases, 12),
          "losses": (loss_cases, 13)}


def setup(group):
    """The cases, each with its perturbed inputs and weight (deterministic)."""
    make, seed = GROUPS[group]
    rng = np.random.default_rng(seed)
    out = []
    for case in make(rng):
        x = case.arrays[case.wrt].astype(np.float64)
        v = np.clip(rng.standard_normal(x.shape), -3, 3)
        plus = (x + H * v).astype(np.float32)
        minus = (x - H * v).astype(np.float32)
        w = None if case.loss else rng.standard_normal(case.y_shape).astype(np.float32)
        out.append((case, plus, minus, w))
    return out


def generate(group):
    e = Emitter()
    for case, plus, minus, w in setup(group):
        e.emit("// case %s" % case.name)
        dyn_y = not case.loss
        for perturbed in (plus, minus):
            arrays = dict(case.arrays, **{case.wrt: perturbed})
            v = {n: e.constant(a, n in case.dynamic) for n, a in arrays.items()}
            y = case.forward(e, v)
            e.print_tensor(y, list(case.y_shape), dyn_y)
        v = {n: e.constant(a, n in case.dynamic) for n, a in case.arrays.items()}
        wv = e.constant(w, True) if w is not None else None
        g = case.grad(e, v, wv)
        shape = case.arrays[case.wrt].shape
        e.print_tensor(g, list(shape), case.wrt in case.dynamic)
    print("// Generated by fd_check.py %s." % group)
    print("func.func private @printMemrefI32(memref<*xi32>) attributes {llvm.emit_c_interface}")
    print("func.func @main() {")
    print("\n".join(e.lines))
    print("    return")
    print("}")


def check(group):
    prints = read_prints(sys.stdin.read())
    cases = setup(group)
    failed = len(prints) != 3 * len(cases)
    if failed:
        print("FAIL: %d arrays printed, %d expected" % (len(prints), 3 * len(cases)))
    for i, (case, plus, minus, w) in enumerate(cases):
        if 3 * i + 2 >= len(prints):
            break
        yp, ym, g = (prints[3 * i + k].astype(np.float64) for k in range(3))
        if case.loss:
            fd = float(yp[0] - ym[0])
        else:
            weight = w.astype(np.float64).reshape(-1)
            fd = float(np.dot(yp, weight) - np.dot(ym, weight))
        delta = (plus.astype(np.float64) - minus.astype(np.float64)).reshape(-1)
        terms = g * delta
        analytic = float(np.sum(terms))
        scale = max(abs(analytic), 1e-2 * float(np.sum(np.abs(terms))), 1e-30)
        rel = abs(fd - analytic) / scale
        ok = bool(np.isfinite(rel)) and rel <= RTOL
        failed |= not ok
        print("%s %s fd=%.6e analytic=%.6e rel_err=%.2e" %
              ("PASS" if ok else "FAIL", case.name, fd, analytic, rel))
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] in ("gen", "check") and sys.argv[2] in GROUPS:
        if sys.argv[1] == "gen":
            generate(sys.argv[2])
            sys.exit(0)
        sys.exit(check(sys.argv[2]))
    sys.stderr.write(__doc__)
    sys.exit(2)
