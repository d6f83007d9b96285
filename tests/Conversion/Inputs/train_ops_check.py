#!/usr/bin/python3
"""Float64 NumPy references for the lowered train-step ops the golden files
do not cover: nn.variance_correction (fused, ghost V, axis 1, n = 1,
biased) feeding nn.moving_average, nn.stddev, nn.scalar, nn.constraint
(tf.keras semantics), nn.regularizer and nn.regularizer_grad,
nn.learning_rate (staircase, large steps), nn.clip_global_norm below and
above the clip norm, and nn.add of rank-0 tensors.

    train_ops_check.py gen > test.mlir
    modelc-opt test.mlir -convert-nn-to-linalg <to LLVM> | mlir-runner ... > out
    train_ops_check.py check < out

Inputs come from a fixed seed; tolerances are the golden README's classes
(elementwise/stats/optimizer: rtol 1e-5, reduction: rtol 1e-4, atol scaled
by max |ref|). Attributes are decimals as a model writes them; the
references use those decimals in float64.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_check import Emitter, f32_attr, read_prints, real  # noqa: E402

ELEMENTWISE, REDUCTION, EXACT = (1e-5, 1e-6), (1e-4, 1e-5), (0.0, 0.0)
KERAS_EPS = np.float64(np.float32(1e-7))


def rng_inputs():
    rng = np.random.default_rng(20240611)
    f = lambda *s: rng.standard_normal(s).astype(np.float32)  # noqa: E731
    return rng, f


class Case:
    """Collects the emitted IR and, in the same order, the references."""

    def __init__(self):
        self.e = Emitter()
        self.refs = []

    def out(self, name, value, ref, tol, shape=None, dynamic=False):
        ref = np.asarray(ref, np.float64)
        self.e.print_tensor(value, list(ref.shape) if shape is None else shape, dynamic)
        self.refs.append((name, ref, tol))


def f64(a):
    return np.asarray(a, np.float64)


def moving_statistics(c, f):
    mom = 0.9
    x_shapes = [
        # (name, shape, axis, unbiased, virtual batch, n)
        ("fused_nhwc", (3, 5, 7, 13), 3, True, None, 105),
        ("ghost_v2", (8, 4, 4, 6), 3, True, 2, 32),
        ("ghost_v8", (8, 2, 3), 2, True, 8, 16),
        ("axis1_nchw", (4, 6, 5, 3), 1, True, None, 60),
        ("nc_10x6", (10, 6), 1, True, None, 10),
        ("n_is_1", (1, 4), 1, True, None, 1),
        ("biased", (3, 5, 7, 13), 3, False, None, 105),
    ]
    for name, shape, axis, unbiased, vbs, n in x_shapes:
        x, xt = c.e.constant(f(*shape), True)
        channels = shape[axis]
        avg = f(channels) ** 2
        var = f(channels) ** 2
        a, at = c.e.constant(avg)
        v, _ = c.e.constant(var)
        corr = c.e.fresh("corr")
        attrs = "axis = %d : i64, unbiased = %s" % (axis, str(unbiased).lower())
        if vbs:
            attrs += ", virtual_batch_size = %d : i64" % vbs
        c.e.emit("%s = nn.variance_correction %s {%s} : (%s) -> tensor<f32>"
                 % (corr, x, attrs, xt))
        expect = n / (n - 1) if unbiased and n > 1 else 1.0
        c.out("variance_correction_" + name, corr, expect, ELEMENTWISE, [])
        r = c.e.fresh("mv")
        c.e.emit("%s = nn.moving_average %s, %s correction(%s : tensor<f32>) "
                 "{momentum = %s} : %s" % (r, a, v, corr, f32_attr(mom), at))
        c.out("moving_average_" + name, r,
              mom * f64(avg) + (1 - mom) * f64(var) * expect, ELEMENTWISE)
    # Without a correction; momentum 0.999 makes 1 - momentum sensitive.
    avg, val = f(9), f(9)
    a, at = c.e.constant(avg)
    v, _ = c.e.constant(val)
    r = c.e.fresh("ma")
    c.e.emit("%s = nn.moving_average %s, %s {momentum = %s} : %s"
             % (r, a, v, f32_attr(0.999), at))
    c.out("moving_average_plain", r, 0.999 * f64(avg) + 0.001 * f64(val), ELEMENTWISE)


def stddev_and_scalar(c, f):
    var = np.abs(f(7)).astype(np.float32)
    var[0] = 0.0
    v, vt = c.e.constant(var)
    r = c.e.fresh("sd")
    c.e.emit("%s = nn.stddev %s {epsilon = %s} : %s" % (r, v, f32_attr(1e-3), vt))
    c.out("stddev", r, np.sqrt(f64(var) + np.float32(1e-3)), ELEMENTWISE)
    for value in (7, -3, 123456789):
        s = c.e.fresh("i")
        c.e.emit("%s = arith.constant dense<%d> : tensor<i64>" % (s, value))
        r = c.e.fresh("sc")
        c.e.emit("%s = nn.scalar %s : (tensor<i64>) -> tensor<f32>" % (r, s))
        c.out("scalar_%d" % value, r, np.float32(value), EXACT)


def keras_constraint(w, spec):
    w = f64(w)
    kind = spec["kind"]
    if kind == "non_neg":
        return w * (w >= 0)
    axis = spec.get("axis", 0)
    axis = tuple(axis) if isinstance(axis, list) else axis
    norms = np.sqrt(np.sum(w * w, axis=axis, keepdims=True))
    if kind == "unit_norm":
        return w / (KERAS_EPS + norms)
    lo = 0.0 if kind == "max_norm" else spec.get("min_value", 0.0)
    hi = max(spec.get("max_value", 2.0 if kind == "max_norm" else 1.0), lo)
    desired = np.clip(norms, lo, hi)
    if kind == "min_max_norm":
        rate = spec.get("rate", 1.0)
        desired = rate * desired + (1 - rate) * norms
    return w * (desired / (KERAS_EPS + norms))


def spec_attr(spec):
    items = []
    for k, v in sorted(spec.items()):
        if isinstance(v, str):
            items.append('%s = "%s"' % (k, v))
        elif isinstance(v, list):
            items.append("%s = [%s]" % (k, ", ".join("%d : i64" % a for a in v)))
        elif isinstance(v, int):
            items.append("%s = %d : i64" % (k, v))
        else:
            items.append("%s = %r : f64" % (k, float(v)))
    return "{%s}" % ", ".join(items)


def constraints(c, f):
    w2 = f(5, 4)
    w2[:, 0] *= 0.1  # a column with a small norm
    w2[:, 1] *= 3.0  # and one with a large norm
    w2[0, 2] = 0.0
    w4 = f(3, 3, 2, 4)
    w4[..., 0] *= 0.05
    cases = [
        ("non_neg", w2, {"kind": "non_neg"}),
        ("unit_norm_axis0", w2, {"kind": "unit_norm", "axis": 0}),
        ("unit_norm_axis_last", w2, {"kind": "unit_norm", "axis": -1}),
        ("max_norm_axis0", w2, {"kind": "max_norm", "max_value": 2.0, "axis": 0}),
        ("max_norm_hwio", w4, {"kind": "max_norm", "max_value": 1.5, "axis": [0, 1, 2]}),
        ("min_max_norm", w2, {"kind": "min_max_norm", "min_value": 0.5, "max_value": 1.0,
                              "rate": 0.7, "axis": 0}),
        ("min_max_norm_defaults", w4, {"kind": "min_max_norm", "axis": 3}),
    ]
    for name, w, spec in cases:
        v, vt = c.e.constant(w)
        r = c.e.fresh("cons")
        c.e.emit("%s = nn.constraint %s {spec = %s} : %s" % (r, v, spec_attr(spec), vt))
        c.out("constraint_" + name, r, keras_constraint(w, spec), ELEMENTWISE)


def regularizers(c, f):
    w = f(64, 32)
    w[0, :5] = 0.0
    v, vt = c.e.constant(w)
    for kind, scale in (("l2", 0.01), ("l1", 0.003)):
        r = c.e.fresh("reg")
        c.e.emit("%s = nn.regularizer <%s> %s {scale = %s} : (%s) -> tensor<f32>"
                 % (r, kind, v, f32_attr(scale), vt))
        ref = scale * (np.sum(f64(w) ** 2) if kind == "l2" else np.sum(np.abs(f64(w))))
        c.out("regularizer_" + kind, r, ref, REDUCTION)
        g = c.e.fresh("rg")
        c.e.emit("%s = nn.regularizer_grad <%s> %s {scale = %s} : %s"
                 % (g, kind, v, f32_attr(scale), vt))
        ref = 2 * scale * f64(w) if kind == "l2" else scale * np.sign(f64(w))
        c.out("regularizer_grad_" + kind, g, ref, ELEMENTWISE)


def learning_rates(c, f):
    for staircase in (False, True):
        for step in (0, 1, 5, 7, 1000, 3000):
            s = c.e.fresh("s")
            c.e.emit("%s = arith.constant dense<%d> : tensor<i64>" % (s, step))
            r = c.e.fresh("lr")
            c.e.emit("%s = nn.learning_rate %s {schedule = #nn.learning_rate<exponential_decay, "
                     "initial = %s, decay_steps = 3, decay_rate = %s, staircase = %s>} "
                     ": (tensor<i64>) -> tensor<f32>"
                     % (r, s, real(0.05), real(0.96), str(staircase).lower()))
            exponent = step // 3 if staircase else step / 3
            c.out("learning_rate_%s_%d" % ("stair" if staircase else "smooth", step), r,
                  0.05 * 0.96 ** exponent, (1e-5, 0.0))


def clipping(c, f):
    a, b = f(6, 5), f(5)
    va, at = c.e.constant(a)
    vb, bt = c.e.constant(b)
    norm = np.sqrt(np.sum(f64(a) ** 2) + np.sum(f64(b) ** 2))
    for clip in (norm * 2, norm / 3):
        r = c.e.fresh("clip")
        c.e.emit("%s:2 = nn.clip_global_norm %s, %s {clip_norm = %s} : (%s, %s) -> (%s, %s)"
                 % (r, va, vb, f32_attr(clip), at, bt, at, bt))
        clip32 = float(np.float32(clip))
        scale = clip32 / max(norm, clip32)
        # Below the clip norm the gradients pass unchanged, bit for bit.
        tol = EXACT if clip > norm else ELEMENTWISE
        tag = "below" if clip > norm else "above"
        c.out("clip_%s_a" % tag, r + "#0", f64(a) * scale, tol)
        c.out("clip_%s_b" % tag, r + "#1", f64(b) * scale, tol)


def scalar_add(c, f):
    names = []
    for v in (1.25, -0.5, 3.0):
        names.append(c.e.fresh("s"))
        c.e.emit("%s = arith.constant dense<%s> : tensor<f32>" % (names[-1], f32_attr(v)[:-6]))
    r = c.e.fresh("add")
    c.e.emit("%s = nn.add %s, %s : tensor<f32>" % (r, names[0], names[1]))
    c.out("add_rank0", r, 0.75, EXACT)
    r = c.e.fresh("add")
    c.e.emit("%s = nn.add %s : tensor<f32>" % (r, ", ".join(names)))
    c.out("add_rank0_three", r, 3.75, EXACT)


def build():
    c = Case()
    _, f = rng_inputs()
    for part in (moving_statistics, stddev_and_scalar, constraints, regularizers,
                 learning_rates, clipping, scalar_add):
        c.e.emit("// %s" % part.__name__)
        part(c, f)
    return c


def generate():
    c = build()
    print("// Generated by train_ops_check.py.")
    print("func.func private @printMemrefI32(memref<*xi32>) attributes {llvm.emit_c_interface}")
    print("func.func @main() {")
    print("\n".join(c.e.lines))
    print("    return")
    print("}")


def check():
    prints = read_prints(sys.stdin.read())
    refs = build().refs
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
        atol = 0.0 if atol_scale == 0.0 else max(atol_scale * float(np.max(np.abs(ref))), 1e-7)
        err = np.abs(got - ref)
        allowed = atol + rtol * np.abs(ref)
        ok = bool(np.all(err <= allowed))
        use = float(np.max(np.where(allowed > 0, err / np.where(allowed > 0, allowed, 1),
                                    np.where(err > 0, np.inf, 0.0))))
        failed |= not ok
        print("%s %s max_abs_err=%.3g tol_use=%.3f"
              % ("PASS" if ok else "FAIL", name, float(np.max(err)), use))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                    "..", "..", "lib"))
    from checks import gen_or_check  # noqa: E402
    gen_or_check(generate, check, __doc__)
