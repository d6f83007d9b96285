#!/usr/bin/python3
"""NumPy (float64) references for the lowered ops the golden files do not
cover: sigmoid cross-entropy, mean squared error, embedding ids outside the
vocabulary, a label outside [0, K) (NaN loss), bias_add, n-ary add, concat
along the batch axis, and training-mode batch norm on data whose mean is
large against its spread (the one-pass statistics must not cancel), and
both cross-entropies with class weights (Keras's class_weight).

    numpy_check.py gen > test.mlir
    modelc-opt test.mlir -convert-nn-to-linalg <to LLVM> | mlir-runner ... > out
    numpy_check.py check < out

Inputs come from a fixed seed; tolerances are the golden README's classes
(elementwise: rtol 1e-5, reduction: rtol 1e-4, atol scaled by max |ref|).
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_check import Emitter, read_prints, report  # noqa: E402

ELEMENTWISE, REDUCTION = (1e-5, 1e-6), (1e-4, 1e-5)


def inputs():
    rng = np.random.default_rng(1234)
    f = lambda *s: rng.standard_normal(s).astype(np.float32)  # noqa: E731
    ids = rng.integers(0, 7, size=(3, 5)).astype(np.int32)
    ids[0, 1], ids[2, 4], ids[1, 0] = -1, 7, 1 << 30  # outside [0, 7)
    return {
        "logits": f(4, 6) * 3, "targets": rng.random((4, 6)).astype(np.float32),
        "pred": f(5, 3), "truth": f(5, 3),
        "ids": ids, "table": f(7, 4),
        "ce_logits": f(3, 4), "bad_labels": np.array([1, 4, 0], np.int32),
        "x": f(2, 3, 3, 5), "y": f(2, 3, 3, 5), "z": f(2, 3, 3, 5), "bias": f(5),
        "a": f(2, 3), "b": f(3, 3),
        "offset": (1000.0 + 0.05 * f(8, 3, 3, 4)).astype(np.float32),
        "ce_labels": np.array([1, 3, 0], np.int32),
    }


SOFTMAX_WEIGHTS, SIGMOID_WEIGHTS = [0.5, 2.0, 1.0, 3.0], [0.25, 4.0]


def references(d):
    f64 = {k: v.astype(np.float64) for k, v in d.items()}
    x, z = f64["logits"], f64["targets"]
    sce = np.mean(np.maximum(x, 0) - x * z + np.log1p(np.exp(-np.abs(x))))
    mse = np.mean((f64["pred"] - f64["truth"]) ** 2)
    ids = d["ids"]
    valid = (ids >= 0) & (ids < 7)
    emb = np.where(valid[..., None], f64["table"][np.where(valid, ids, 0)], 0.0)
    return [
        ("sigmoid_cross_entropy", np.array(sce), REDUCTION),
        ("mean_squared_error", np.array(mse), REDUCTION),
        ("embedding", emb, ELEMENTWISE),
        ("softmax_cross_entropy_bad_label", np.array(np.nan), ELEMENTWISE),
        ("bias_add", f64["x"] + f64["bias"], ELEMENTWISE),
        ("add", f64["x"] + f64["y"] + f64["z"], ELEMENTWISE),
        ("concat_batch", np.concatenate([f64["a"], f64["b"]], axis=0), ELEMENTWISE),
        # float32 cannot place the mean of values near 1000 closer than
        # ~3e-5, 6e-4 of their spread: an absolute tolerance of 1e-3 of
        # max |y|. Naive one-pass sums (E[x^2] - E[x]^2) are off by orders of
        # magnitude here.
        ("batch_norm_large_mean", batch_norm(f64["offset"], 1e-5), (0.0, 1e-3)),
        ("softmax_cross_entropy_class_weight", weighted_softmax_ce(f64["ce_logits"], d["ce_labels"]),
         REDUCTION),
        # Each element weighted w0 * (1 - z) + w1 * z for its label z.
        ("sigmoid_cross_entropy_class_weight",
         np.array(np.mean((np.maximum(x, 0) - x * z + np.log1p(np.exp(-np.abs(x))))
                          * (SIGMOID_WEIGHTS[0] * (1 - z) + SIGMOID_WEIGHTS[1] * z))),
         REDUCTION),
    ]


def weighted_softmax_ce(logits, labels):
    """Keras: each example's loss times its label's weight, summed, divided
    by the batch size (not by the sum of weights)."""
    log_p = logits - logits.max(1, keepdims=True)
    log_p -= np.log(np.exp(log_p).sum(1, keepdims=True))
    loss = -log_p[np.arange(len(labels)), labels]
    return np.array(np.sum(loss * np.array(SOFTMAX_WEIGHTS)[labels]) / len(labels))


def batch_norm(x, eps):
    mean = x.mean(axis=(0, 1, 2))
    var = ((x - mean) ** 2).mean(axis=(0, 1, 2))
    return (x - mean) / np.sqrt(var + eps)


def generate():
    d = inputs()
    e = Emitter()
    c = {k: e.constant(v, True) for k, v in d.items() if k not in ("table", "bias")}
    table, table_t = e.constant(d["table"])
    bias, bias_t = e.constant(d["bias"])

    def binary_loss(op, a, b):
        r = e.fresh("loss")
        e.emit("%s = nn.%s %s, %s : (%s, %s) -> tensor<f32>"
               % (r, op, c[a][0], c[b][0], c[a][1], c[b][1]))
        e.print_tensor(r, [], False)

    binary_loss("sigmoid_cross_entropy", "logits", "targets")
    binary_loss("mean_squared_error", "pred", "truth")
    r = e.fresh("emb")
    e.emit("%s = nn.embedding %s, %s : (%s, %s) -> tensor<?x5x4xf32>"
           % (r, c["ids"][0], table, c["ids"][1], table_t))
    e.print_tensor(r, [3, 5, 4], True)
    binary_loss("softmax_cross_entropy", "ce_logits", "bad_labels")
    xt = c["x"][1]
    r = e.fresh("biased")
    e.emit("%s = nn.bias_add %s, %s : (%s, %s) -> %s" % (r, c["x"][0], bias, xt, bias_t, xt))
    e.print_tensor(r, [2, 3, 3, 5], True)
    r = e.fresh("sum")
    e.emit("%s = nn.add %s, %s, %s : %s" % (r, c["x"][0], c["y"][0], c["z"][0], xt))
    e.print_tensor(r, [2, 3, 3, 5], True)
    r = e.fresh("cat")
    e.emit("%s = nn.concat %s, %s {axis = 0 : i64} : (%s, %s) -> tensor<?x3xf32>"
           % (r, c["a"][0], c["b"][0], c["a"][1], c["b"][1]))
    e.print_tensor(r, [5, 3], True)
    r = e.fresh("bn")
    ot = c["offset"][1]
    e.emit("%s:3 = nn.batch_norm %s moving(%s, %s) training(%s) {axis = 3 : i64, "
           "center = false, epsilon = 1.0e-05 : f32, momentum = 0.9 : f32, "
           "renorm = false, renorm_momentum = 0.99 : f32, scale = false, "
           "trainable = true, variance_correction = #nn.variance_correction<biased>} : "
           "(%s, tensor<4xf32>, tensor<4xf32>, i1) -> (%s, tensor<4xf32>, tensor<4xf32>)"
           % (r, c["offset"][0], "%bn_mm", "%bn_mv", "%bn_train", ot, ot))
    e.print_tensor(r + "#0", [8, 3, 3, 4], True)
    for op, a, b, w in (("softmax_cross_entropy", "ce_logits", "ce_labels", SOFTMAX_WEIGHTS),
                        ("sigmoid_cross_entropy", "logits", "targets", SIGMOID_WEIGHTS)):
        r = e.fresh("loss")
        e.emit("%s = nn.%s %s, %s {class_weight = array<f32: %s>} : (%s, %s) -> tensor<f32>"
               % (r, op, c[a][0], c[b][0], ", ".join(map(str, w)), c[a][1], c[b][1]))
        e.print_tensor(r, [], False)
    print("// Generated by numpy_check.py.")
    print("func.func private @printMemrefI32(memref<*xi32>) attributes {llvm.emit_c_interface}")
    print("func.func @main() {")
    print("    %bn_mm = arith.constant dense<0.0> : tensor<4xf32>")
    print("    %bn_mv = arith.constant dense<1.0> : tensor<4xf32>")
    print("    %bn_train = arith.constant true")
    print("\n".join(e.lines))
    print("    return")
    print("}")


def check():
    prints = read_prints(sys.stdin.read())
    refs = references(inputs())
    failed = len(prints) != len(refs)
    for (name, ref, (rtol, atol_scale)), got in zip(refs, prints):
        ref = ref.reshape(-1)
        got = got.astype(np.float64)
        if np.all(np.isnan(ref)):
            ok = got.size == ref.size and bool(np.all(np.isnan(got)))
            print("%s %s: NaN" % ("PASS" if ok else "FAIL", name))
            failed |= not ok
            continue
        atol = max(atol_scale * float(np.max(np.abs(ref))), 1e-7)
        failed |= not report(name, got, ref, rtol, atol)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                    "..", "..", "lib"))
    from checks import gen_or_check  # noqa: E402
    gen_or_check(generate, check, __doc__)
