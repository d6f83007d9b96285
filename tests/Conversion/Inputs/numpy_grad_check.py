#!/usr/bin/python3
"""NumPy (float64) references for the gradient lowerings the golden files do
not cover: nn.embedding_grad (repeated ids, ids outside the table),
nn.sigmoid_cross_entropy_grad, nn.mean_squared_error_grad, a softmax
cross-entropy label outside [0, K) (its row is NaN), nn.matmul with both
operands transposed, nn.channel_sum over a middle axis, nn.slice, max-pool
gradients with ties (first maximum in row-major window order) and with
all-negative inputs under `same` padding (padded positions never win),
global max ties, a strided and dilated conv2d_grad_input/grad_kernel, a
conv2d_grad_input whose kernels are longer than dy (summed over dy's
positions: `same` padding with taps that never meet the input, stride and
dilation), and batch norm with one element per channel (dx = 0).

    numpy_grad_check.py gen > test.mlir
    modelc-opt test.mlir -convert-nn-to-linalg <to LLVM> | mlir-runner ... > out
    numpy_grad_check.py check < out

Inputs come from a fixed seed; tolerances are the golden README's classes
(elementwise: rtol 1e-5, reduction: rtol 1e-4, atol scaled by max |ref|).
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_check import Emitter, print_main, read_prints, tensor_type  # noqa: E402

ELEMENTWISE, REDUCTION = (1e-5, 1e-6), (1e-4, 1e-5)


def same_pad(size, k, s, d=1):
    out = -(-size // s)
    total = max((out - 1) * s + (k - 1) * d + 1 - size, 0)
    return total // 2, out


def inputs():
    rng = np.random.default_rng(4321)
    f = lambda *s: rng.standard_normal(s).astype(np.float32)  # noqa: E731
    ids = rng.integers(0, 7, size=(3, 5)).astype(np.int32)
    ids[0, 1], ids[2, 4], ids[1, 0] = -1, 7, 1 << 30  # outside [0, 7)
    ids[2, 0] = ids[0, 0]  # a repeated id adds twice
    labels = np.array([1, 4, 0, 2], np.int32)
    labels[2] = 5  # outside [0, 5)
    return {
        "ids": ids, "emb_dy": f(3, 5, 4),
        "logits": f(4, 6) * 3, "targets": rng.random((4, 6)).astype(np.float32),
        "pred": f(5, 3), "truth": f(5, 3),
        "ce_logits": f(4, 5), "ce_labels": labels,
        "mm_a": f(4, 3), "mm_b": f(5, 4),
        "cs_x": f(2, 3, 4, 5),
        "slice_x": f(2, 7, 3),
        # Small integers: many ties inside each window.
        "tie_x": rng.integers(0, 3, size=(2, 5, 6, 2)).astype(np.float32),
        "tie_dy": f(2, 4, 5, 2),
        "neg_x": -1.0 - rng.random((2, 5, 5, 2)).astype(np.float32),
        "neg_dy": f(2, 3, 3, 2),
        "gtie_x": rng.integers(0, 2, size=(2, 3, 4, 3)).astype(np.float32),
        "gtie_dy": f(2, 3),
        "conv_x": f(2, 9, 8, 3), "conv_k": f(3, 2, 3, 4), "conv_dy": f(2, 3, 3, 4),
        "bn_x": f(1, 4), "bn_dy": f(1, 4), "bn_g": f(4),
        "bn_mm": f(4), "bn_mv": rng.random(4).astype(np.float32) + 0.5,
        "long_k": f(5, 4, 3, 4), "long_dy": f(2, 2, 3, 4),
    }


def pool_max_grad(x, dy, k, s, same):
    n_, h_, w_, c_ = x.shape
    _, oh, ow, _ = dy.shape
    top = same_pad(h_, k[0], s[0])[0] if same else 0
    left = same_pad(w_, k[1], s[1])[0] if same else 0
    dx = np.zeros(x.shape)
    for n in range(n_):
        for c in range(c_):
            for i in range(oh):
                for j in range(ow):
                    taps = [(i * s[0] + a - top, j * s[1] + b - left)
                            for a in range(k[0]) for b in range(k[1])]
                    taps = [(h, w) for h, w in taps if 0 <= h < h_ and 0 <= w < w_]
                    values = [x[n, h, w, c] for h, w in taps]
                    h, w = taps[int(np.argmax(values))]  # first maximum
                    dx[n, h, w, c] += dy[n, i, j, c]
    return dx


def conv_grads(x, k, dy, s, d):
    """Valid padding: dx and dk by the definition, as loops over taps."""
    dx = np.zeros(x.shape)
    dk = np.zeros(k.shape)
    _, oh, ow, _ = dy.shape
    for a in range(k.shape[0]):
        for b in range(k.shape[1]):
            for i in range(oh):
                for j in range(ow):
                    h, w = i * s[0] + a * d[0], j * s[1] + b * d[1]
                    dx[:, h, w, :] += dy[:, i, j, :] @ k[a, b].T
                    dk[a, b] += x[:, h, w, :].T @ dy[:, i, j, :]
    return dx, dk


def conv_grad_input(dy, k, in_hw, s, d, same):
    """dx by the definition, with TF `same` padding (smaller half first)."""
    top = same_pad(in_hw[0], k.shape[0], s[0], d[0])[0] if same else 0
    left = same_pad(in_hw[1], k.shape[1], s[1], d[1])[0] if same else 0
    dx = np.zeros((dy.shape[0], in_hw[0], in_hw[1], k.shape[2]))
    for a in range(k.shape[0]):
        for b in range(k.shape[1]):
            for i in range(dy.shape[1]):
                for j in range(dy.shape[2]):
                    h, w = i * s[0] + a * d[0] - top, j * s[1] + b * d[1] - left
                    if 0 <= h < in_hw[0] and 0 <= w < in_hw[1]:
                        dx[:, h, w, :] += dy[:, i, j, :] @ k[a, b].T
    return dx


def references(d):
    f64 = {k: v.astype(np.float64) for k, v in d.items()}
    refs = []
    table = np.zeros((7, 4))
    ids = d["ids"].reshape(-1)
    rows = f64["emb_dy"].reshape(-1, 4)
    for p, v in enumerate(ids):
        if 0 <= v < 7:
            table[v] += rows[p]
    refs.append(("embedding_grad", table, REDUCTION))
    x, z = f64["logits"], f64["targets"]
    refs.append(("sigmoid_cross_entropy_grad", (1 / (1 + np.exp(-x)) - z) / x.size,
                 ELEMENTWISE))
    refs.append(("mean_squared_error_grad", 2 * (f64["pred"] - f64["truth"]) / 15,
                 ELEMENTWISE))
    lg = f64["ce_logits"]
    p = np.exp(lg - lg.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    labels = d["ce_labels"]
    onehot = np.zeros_like(p)
    for n, lab in enumerate(labels):
        if 0 <= lab < 5:
            onehot[n, lab] = 1
    g = (p - onehot) / 4
    g[(labels < 0) | (labels >= 5)] = np.nan
    refs.append(("softmax_cross_entropy_grad_bad_label", g, REDUCTION))
    refs.append(("matmul_both_transposed", f64["mm_a"].T @ f64["mm_b"].T, REDUCTION))
    refs.append(("channel_sum_axis1", f64["cs_x"].sum(axis=(0, 2, 3)), REDUCTION))
    refs.append(("slice", f64["slice_x"][:, 2:5, :], ELEMENTWISE))
    refs.append(("max_pool_ties", pool_max_grad(f64["tie_x"], f64["tie_dy"], (2, 2),
                                                (1, 1), False), ELEMENTWISE))
    refs.append(("max_pool_same_negative", pool_max_grad(f64["neg_x"], f64["neg_dy"],
                                                         (3, 3), (2, 2), True), ELEMENTWISE))
    gx, gdy = f64["gtie_x"], f64["gtie_dy"]
    gdx = np.zeros(gx.shape)
    for n in range(gx.shape[0]):
        for c in range(gx.shape[3]):
            flat = gx[n, :, :, c].reshape(-1)
            h, w = divmod(int(np.argmax(flat)), gx.shape[2])
            gdx[n, h, w, c] = gdy[n, c]
    refs.append(("global_max_pool_ties", gdx, ELEMENTWISE))
    dx, dk = conv_grads(f64["conv_x"], f64["conv_k"], f64["conv_dy"], (2, 2), (2, 3))
    refs.append(("conv2d_grad_input_s2_d2x3", dx, REDUCTION))
    refs.append(("conv2d_grad_kernel_s2_d2x3", dk, REDUCTION))
    # Rows: 2 from a 5-tap kernel (taps 0 and 4 never meet them); columns:
    # 9 from 3, stride 3, dilation 2.
    refs.append(("conv2d_grad_input_long_kernel",
                 conv_grad_input(f64["long_dy"], f64["long_k"], (2, 9), (1, 3), (1, 2),
                                 True), REDUCTION))
    refs.append(("batch_norm_grad_n1_dx", np.zeros((1, 4)), ELEMENTWISE))
    refs.append(("batch_norm_grad_n1_dbeta", f64["bn_dy"][0], ELEMENTWISE))
    return refs


def generate():
    d = inputs()
    e = Emitter()
    static = ("mm_b", "bn_g", "bn_mm", "bn_mv", "conv_k", "long_k")
    c = {k: e.constant(v, k not in static) for k, v in d.items()}

    def emit(text, name, shape, dynamic=True):
        r = e.fresh(name)
        e.emit("%s = %s" % (r, text))
        e.print_tensor(r, shape, dynamic)

    emit("nn.embedding_grad %s, %s : (%s, %s) -> tensor<7x4xf32>"
         % (c["ids"][0], c["emb_dy"][0], c["ids"][1], c["emb_dy"][1]), "emb", [7, 4], False)
    emit("nn.sigmoid_cross_entropy_grad %s, %s : %s"
         % (c["logits"][0], c["targets"][0], c["logits"][1]), "sce", [4, 6])
    emit("nn.mean_squared_error_grad %s, %s : %s"
         % (c["pred"][0], c["truth"][0], c["pred"][1]), "mse", [5, 3])
    emit("nn.softmax_cross_entropy_grad %s, %s : (%s, %s) -> %s"
         % (c["ce_logits"][0], c["ce_labels"][0], c["ce_logits"][1], c["ce_labels"][1],
            c["ce_logits"][1]), "ce", [4, 5])
    emit("nn.matmul %s, %s {transpose_lhs = true, transpose_rhs = true} : (%s, %s) -> "
         "tensor<3x5xf32>" % (c["mm_a"][0], c["mm_b"][0], c["mm_a"][1], c["mm_b"][1]),
         "mm", [3, 5], False)
    emit("nn.channel_sum %s {axis = 1 : i64} : (%s) -> tensor<3xf32>"
         % (c["cs_x"][0], c["cs_x"][1]), "cs", [3], False)
    emit("nn.slice %s {axis = 1 : i64, offset = 2 : i64} : (%s) -> %s"
         % (c["slice_x"][0], c["slice_x"][1], tensor_type([2, 3, 3], "f32", True)),
         "slice", [2, 3, 3])
    emit("nn.pool2d_grad <max> %s, %s {padding = #nn.padding<valid>, pool_size = "
         "array<i64: 2, 2>, strides = array<i64: 1, 1>} : (%s, %s) -> %s"
         % (c["tie_x"][0], c["tie_dy"][0], c["tie_x"][1], c["tie_dy"][1], c["tie_x"][1]),
         "ties", [2, 5, 6, 2])
    emit("nn.pool2d_grad <max> %s, %s {padding = #nn.padding<same>, pool_size = "
         "array<i64: 3, 3>, strides = array<i64: 2, 2>} : (%s, %s) -> %s"
         % (c["neg_x"][0], c["neg_dy"][0], c["neg_x"][1], c["neg_dy"][1], c["neg_x"][1]),
         "neg", [2, 5, 5, 2])
    emit("nn.global_pool2d_grad <max> %s, %s : (%s, %s) -> %s"
         % (c["gtie_x"][0], c["gtie_dy"][0], c["gtie_x"][1], c["gtie_dy"][1],
            c["gtie_x"][1]), "gties", [2, 3, 4, 3])
    conv_attrs = ("{dilations = array<i64: 2, 3>, padding = #nn.padding<valid>, "
                  "strides = array<i64: 2, 2>}")
    emit("nn.conv2d_grad_input %s, %s %s : (%s, %s) -> %s"
         % (c["conv_dy"][0], c["conv_k"][0], conv_attrs, c["conv_dy"][1], c["conv_k"][1],
            c["conv_x"][1]), "cdx", [2, 9, 8, 3])
    emit("nn.conv2d_grad_kernel %s, %s %s : (%s, %s) -> %s"
         % (c["conv_x"][0], c["conv_dy"][0], conv_attrs, c["conv_x"][1], c["conv_dy"][1],
            c["conv_k"][1]), "cdk", [3, 2, 3, 4], False)
    emit("nn.conv2d_grad_input %s, %s {dilations = array<i64: 1, 2>, padding = "
         "#nn.padding<same>, strides = array<i64: 1, 3>} : (%s, %s) -> %s"
         % (c["long_dy"][0], c["long_k"][0], c["long_dy"][1], c["long_k"][1],
            tensor_type([2, 2, 9, 3], "f32", True)), "ldx", [2, 2, 9, 3])
    t = e.fresh("t")
    e.emit("%s = arith.constant true" % t)
    dx, dg, db = e.fresh("dx"), e.fresh("dg"), e.fresh("db")
    xt, ct = c["bn_x"][1], c["bn_g"][1]
    e.emit("%s, %s, %s = nn.batch_norm_grad %s gamma(%s) moving(%s, %s) grad(%s) "
           "training(%s) {axis = 1 : i64, epsilon = 1.0e-03 : f32, renorm = false} : "
           "(%s, %s, %s, %s, %s, i1) -> (%s, %s, %s)"
           % (dx, dg, db, c["bn_x"][0], c["bn_g"][0], c["bn_mm"][0], c["bn_mv"][0],
              c["bn_dy"][0], t, xt, ct, ct, ct, xt, xt, ct, ct))
    e.print_tensor(dx, [1, 4], True)
    e.print_tensor(db, [4], False)
    print_main(e, "// Generated by numpy_grad_check.py.")


def check():
    prints = read_prints(sys.stdin.read())
    refs = references(inputs())
    failed = len(prints) != len(refs)
    if failed:
        print("FAIL: %d arrays printed, %d expected" % (len(prints), len(refs)))
    for (name, ref, (rtol, atol_scale)), got in zip(refs, prints):
        ref = ref.reshape(-1)
        got = got.astype(np.float64)
        if got.size != ref.size:
            print("FAIL %s: %d values, expected %d" % (name, got.size, ref.size))
            failed = True
            continue
        nan = np.isnan(ref)
        ok = bool(np.array_equal(nan, np.isnan(got)))
        finite = ref[~nan]
        atol = max(atol_scale * float(np.max(np.abs(finite), initial=0.0)), 1e-7)
        err = np.abs(got[~nan] - finite)
        ok &= bool(np.all(err <= atol + rtol * np.abs(finite)))
        failed |= not ok
        print("%s %s max_abs_err=%.3g%s" % ("PASS" if ok else "FAIL", name,
                                            float(np.max(err, initial=0.0)),
                                            " (NaN rows match)" if nan.any() and ok else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                    "..", "..", "lib"))
    from checks import gen_or_check  # noqa: E402
    gen_or_check(generate, check, __doc__)
