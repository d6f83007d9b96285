#!/usr/bin/python3
"""Checks convert-nn-to-linalg against the shared golden references.

    golden_check.py gen GOLDEN_DIR FILE [CASE...] > test.mlir
    modelc-opt test.mlir -convert-nn-to-linalg <to LLVM> | mlir-runner ... > out
    golden_check.py check GOLDEN_DIR FILE [CASE...] < out

`gen` writes one module whose @main, for every case of FILE (or the CASEs
given), builds the case's inputs as constants, casts the batch dimension to
dynamic (as the front end types it), applies the nn op the manifest's layer
describes and prints every result bit-exactly (as i32 bit patterns, with
printMemrefI32). Batch norm cases run in both modes. `check` reads those
prints in the same order and compares each with its reference using the
manifest's per-array tolerance |got - ref| <= atol + rtol * |ref|; it prints
one PASS/FAIL line per array with the worst error in units of the tolerance
and exits 1 on any failure. Shapes, attributes and tolerances all come from
manifest.json.

    golden_check.py gen-grad GOLDEN_DIR FILE [CASE...] > test.mlir
    golden_check.py check-grad GOLDEN_DIR FILE [CASE...] < out

do the same for the backward references (dx, dkernel, dbias, dlogits, batch
norm's dx/dgamma/dbeta in both modes): the gradient ops applied to the case's
inputs and its upstream gradient `dy`.
"""
import json
import re
import sys

import numpy as np


def f32_attr(v):
    return "%.9e : f32" % float(np.float32(v))


def real(v):
    """v as the shortest MLIR float literal that reads back as the same
    double (the reals of #nn.learning_rate): 0.1, 2.0, 1.0e-08."""
    mantissa, e, exponent = repr(float(v)).partition("e")
    if "." not in mantissa:
        mantissa += ".0"
    return mantissa + e + exponent


def tensor_type(shape, elem, dynamic_batch=False):
    dims = ["?" if (dynamic_batch and i == 0) else str(d)
            for i, d in enumerate(shape)]
    return "tensor<%s>" % "x".join(dims + [elem])


def print_main(e, comment):
    """Prints the module: `comment`, the print helper's declaration and
    @main holding the emitter's lines."""
    print(comment)
    print("func.func private @printMemrefI32(memref<*xi32>) attributes {llvm.emit_c_interface}")
    print("func.func @main() {")
    print("\n".join(e.lines))
    print("    return")
    print("}")


class Emitter:
    def __init__(self):
        self.lines = []
        self.counter = 0

    def fresh(self, hint="v"):
        self.counter += 1
        return "%%%s%d" % (hint, self.counter)

    def emit(self, text):
        self.lines.append("    " + text)

    def constant(self, array, dynamic_batch=False):
        """A dense constant (hex, bit-exact), optionally with a dynamic batch."""
        array = np.ascontiguousarray(array)
        elem = {np.dtype("float32"): "f32", np.dtype("int32"): "i32"}[array.dtype]
        static = tensor_type(array.shape, elem)
        name = self.fresh("c")
        blob = array.astype(array.dtype.newbyteorder("<")).tobytes().hex()
        self.emit('%s = arith.constant dense<"0x%s"> : %s' % (name, blob.upper(), static))
        if not dynamic_batch:
            return name, static
        dyn = tensor_type(array.shape, elem, True)
        cast = self.fresh("d")
        self.emit("%s = tensor.cast %s : %s to %s" % (cast, name, static, dyn))
        return cast, dyn

    def print_tensor(self, value, shape, dynamic_batch):
        """Prints `value` (f32) as i32 bit patterns."""
        rank = len(shape)
        ftype = tensor_type(shape, "f32", dynamic_batch)
        itype = tensor_type(shape, "i32", dynamic_batch)
        dims = []
        if dynamic_batch:
            c0 = self.fresh("i")
            self.emit("%s = arith.constant 0 : index" % c0)
            d = self.fresh("n")
            self.emit("%s = tensor.dim %s, %s : %s" % (d, value, c0, ftype))
            dims.append(d)
        empty = self.fresh("e")
        self.emit("%s = tensor.empty(%s) : %s" % (empty, ", ".join(dims), itype))
        ids = ", ".join("d%d" % i for i in range(rank))
        amap = "affine_map<(%s) -> (%s)>" % (ids, ids)
        bits = self.fresh("b")
        self.emit(
            '%s = linalg.generic {indexing_maps = [%s, %s], iterator_types = [%s]} '
            "ins(%s : %s) outs(%s : %s) {\n"
            "    ^bb0(%%in: f32, %%out: i32):\n"
            "      %%bc = arith.bitcast %%in : f32 to i32\n"
            "      linalg.yield %%bc : i32\n"
            "    } -> %s" % (bits, amap, amap, ", ".join(['"parallel"'] * rank),
                           value, ftype, empty, itype, itype))
        mtype = "memref<%s>" % itype[len("tensor<"):-1]
        buf = self.fresh("m")
        self.emit("%s = bufferization.to_buffer %s : %s to %s" % (buf, bits, itype, mtype))
        unranked = self.fresh("u")
        self.emit("%s = memref.cast %s : %s to memref<*xi32>" % (unranked, buf, mtype))
        self.emit("call @printMemrefI32(%s) : (memref<*xi32>) -> ()" % unranked)


# --- one emitter per case kind; each returns the names of the arrays printed.

def emit_conv2d(e, case, data, p):
    layer = case["layer"]
    x, xt = e.constant(data[p + "x"], True)
    k, kt = e.constant(data[p + "kernel"])
    operands, types = "%s, %s" % (x, k), [xt, kt]
    if layer.get("use_bias", True):
        b, bt = e.constant(data[p + "bias"])
        operands += " bias(%s)" % b
        types.append(bt)
    yshape = case["arrays"]["y"]["shape"]
    yt = tensor_type(yshape, "f32", True)
    y = e.fresh("y")
    e.emit("%s = nn.conv2d %s {dilations = array<i64: %d, %d>, padding = #nn.padding<%s>, "
           "strides = array<i64: %d, %d>} : (%s) -> %s"
           % (y, operands, *layer.get("dilation_rate", [1, 1]), layer.get("padding", "valid"),
              *layer.get("strides", [1, 1]), ", ".join(types), yt))
    e.print_tensor(y, yshape, True)
    return ["y"]


def emit_pool(e, case, data, p):
    layer = case["layer"]
    op = layer["op"]
    kind = "max" if "max" in op else "avg"
    x, xt = e.constant(data[p + "x"], True)
    yshape = case["arrays"]["y"]["shape"]
    yt = tensor_type(yshape, "f32", True)
    y = e.fresh("y")
    if op.startswith("global"):
        e.emit("%s = nn.global_pool2d <%s> %s : (%s) -> %s" % (y, kind, x, xt, yt))
    else:
        size = layer["pool_size"]
        strides = layer.get("strides", size)
        e.emit("%s = nn.pool2d <%s> %s {padding = #nn.padding<%s>, pool_size = array<i64: %d, %d>, "
               "strides = array<i64: %d, %d>} : (%s) -> %s"
               % (y, kind, x, layer.get("padding", "valid"), *size, *strides, xt, yt))
    e.print_tensor(y, yshape, True)
    return ["y"]


def emit_dense(e, case, data, p):
    layer = case["layer"]
    x, xt = e.constant(data[p + "x"], True)
    k, kt = e.constant(data[p + "kernel"])
    operands, types = "%s, %s" % (x, k), [xt, kt]
    if layer.get("use_bias", True):
        b, bt = e.constant(data[p + "bias"])
        operands += " bias(%s)" % b
        types.append(bt)
    yshape = case["arrays"]["y"]["shape"]
    yt = tensor_type(yshape, "f32", True)
    y = e.fresh("y")
    e.emit("%s = nn.dense %s : (%s) -> %s" % (y, operands, ", ".join(types), yt))
    e.print_tensor(y, yshape, True)
    return ["y"]


def emit_softmax_ce(e, case, data, p):
    logits, lt = e.constant(data[p + "logits"], True)
    labels, bt = e.constant(data[p + "labels"], True)
    loss = e.fresh("loss")
    e.emit("%s = nn.softmax_cross_entropy %s, %s : (%s, %s) -> tensor<f32>"
           % (loss, logits, labels, lt, bt))
    e.print_tensor(loss, [], False)
    return ["loss"]


def emit_activation(e, case, data, p):
    layer = case["layer"]
    x, xt = e.constant(data[p + "x"], True)
    y = e.fresh("y")
    attrs = ""
    if layer["op"] == "leaky_relu":
        attrs = " {alpha = %s}" % f32_attr(layer.get("alpha", 0.2))
    e.emit("%s = nn.%s %s%s : %s" % (y, layer["op"], x, attrs, xt))
    e.print_tensor(y, case["arrays"]["y"]["shape"], True)
    return ["y"]


def bn_shared_attrs(layer, axis):
    """The attributes nn.batch_norm and nn.batch_norm_grad both carry."""
    attrs = ["axis = %d : i64" % axis,
             "epsilon = %s" % f32_attr(layer.get("epsilon", 0.001)),
             "renorm = %s" % str(layer.get("renorm", False)).lower()]
    for key, value in layer.get("renorm_clipping", {}).items():
        attrs.append("renorm_%s = %s" % (key, f32_attr(value)))
    if "virtual_batch_size" in layer:
        attrs.append("virtual_batch_size = %d : i64" % layer["virtual_batch_size"])
    return attrs


def emit_batch_norm(e, case, data, p):
    layer = case["layer"]
    shape = case["input_shape"]
    rank = len(shape)
    axis = layer.get("axis", -1)
    if axis < 0:
        axis += rank
    x, xt = e.constant(data[p + "x"], True)
    operands, types = x, [xt]
    for name in ("gamma", "beta"):
        if p + name in data:
            v, t = e.constant(data[p + name])
            operands += " %s(%s)" % (name, v)
            types.append(t)
    mm, mmt = e.constant(data[p + "moving_mean"])
    mv, mvt = e.constant(data[p + "moving_variance"])
    operands += " moving(%s, %s)" % (mm, mv)
    types += [mmt, mvt]
    renorm = layer.get("renorm", False)
    if renorm:
        rm, rmt = e.constant(data[p + "renorm_mean"])
        rs, rst = e.constant(data[p + "renorm_stddev"])
        operands += " renorm(%s, %s)" % (rm, rs)
        types += [rmt, rst]
    correction = case.get("moving_variance_correction", {}).get("resolved", "biased")
    attrs = ["center = %s" % str(layer.get("center", True)).lower(),
             "momentum = %s" % f32_attr(layer.get("momentum", 0.99)),
             "renorm_momentum = %s" % f32_attr(layer.get("renorm_momentum", 0.99)),
             "scale = %s" % str(layer.get("scale", True)).lower(),
             "trainable = true",
             "variance_correction = #nn.variance_correction<%s>" % correction]
    attrs += bn_shared_attrs(layer, axis)
    channels = shape[axis]
    ct = tensor_type([channels], "f32")
    printed = []
    for mode in ("train", "infer"):
        flag = e.fresh("t")
        e.emit("%s = arith.constant %s" % (flag, "true" if mode == "train" else "false"))
        y, m, v = e.fresh("y"), e.fresh("mean"), e.fresh("var")
        e.emit("%s, %s, %s = nn.batch_norm %s training(%s) {%s} : (%s, i1) -> (%s, %s, %s)"
               % (y, m, v, operands, flag, ", ".join(attrs), ", ".join(types), xt, ct, ct))
        e.print_tensor(y, shape, True)
        printed.append("y_" + mode)
        if mode == "train":
            e.print_tensor(m, [channels], False)
            e.print_tensor(v, [channels], False)
            printed += ["batch_mean", "batch_variance"]
    return printed


EMITTERS = {
    "conv2d": emit_conv2d,
    "pool": emit_pool,
    "dense": emit_dense,
    "softmax_cross_entropy": emit_softmax_ce,
    "activation": emit_activation,
    "batch_norm": emit_batch_norm,
    "batch_norm_ghost": emit_batch_norm,
    "batch_norm_renorm": emit_batch_norm,
}


# --- gradient emitters: the same inputs plus `dy`, the gradient ops' results.

def conv_attrs(layer):
    return ("{dilations = array<i64: %d, %d>, padding = #nn.padding<%s>, "
            "strides = array<i64: %d, %d>}"
            % (*layer.get("dilation_rate", [1, 1]), layer.get("padding", "valid"),
               *layer.get("strides", [1, 1])))


def emit_channel_sum(e, dy, dyt, axis, channels):
    db = e.fresh("db")
    e.emit("%s = nn.channel_sum %s {axis = %d : i64} : (%s) -> %s"
           % (db, dy, axis, dyt, tensor_type([channels], "f32")))
    e.print_tensor(db, [channels], False)


def emit_conv2d_grad(e, case, data, p):
    layer = case["layer"]
    xshape = case["arrays"]["x"]["shape"]
    x, xt = e.constant(data[p + "x"], True)
    k, kt = e.constant(data[p + "kernel"])
    dy, dyt = e.constant(data[p + "dy"], True)
    attrs = conv_attrs(layer)
    dx = e.fresh("dx")
    e.emit("%s = nn.conv2d_grad_input %s, %s %s : (%s, %s) -> %s"
           % (dx, dy, k, attrs, dyt, kt, xt))
    e.print_tensor(dx, xshape, True)
    dk = e.fresh("dk")
    e.emit("%s = nn.conv2d_grad_kernel %s, %s %s : (%s, %s) -> %s"
           % (dk, x, dy, attrs, xt, dyt, kt))
    e.print_tensor(dk, case["arrays"]["kernel"]["shape"], False)
    printed = ["dx", "dkernel"]
    if layer.get("use_bias", True):
        emit_channel_sum(e, dy, dyt, 3, case["arrays"]["dy"]["shape"][3])
        printed.append("dbias")
    return printed


def emit_dense_grad(e, case, data, p):
    layer = case["layer"]
    x, xt = e.constant(data[p + "x"], True)
    k, kt = e.constant(data[p + "kernel"])
    dy, dyt = e.constant(data[p + "dy"], True)
    dx = e.fresh("dx")
    e.emit("%s = nn.matmul %s, %s {transpose_rhs = true} : (%s, %s) -> %s"
           % (dx, dy, k, dyt, kt, xt))
    e.print_tensor(dx, case["arrays"]["x"]["shape"], True)
    dk = e.fresh("dk")
    e.emit("%s = nn.matmul %s, %s {transpose_lhs = true} : (%s, %s) -> %s"
           % (dk, x, dy, xt, dyt, kt))
    e.print_tensor(dk, case["arrays"]["kernel"]["shape"], False)
    printed = ["dx", "dkernel"]
    if layer.get("use_bias", True):
        emit_channel_sum(e, dy, dyt, 1, case["arrays"]["dy"]["shape"][1])
        printed.append("dbias")
    return printed


def emit_pool_grad(e, case, data, p):
    layer = case["layer"]
    op = layer["op"]
    kind = "max" if "max" in op else "avg"
    x, xt = e.constant(data[p + "x"], True)
    dy, dyt = e.constant(data[p + "dy"], True)
    dx = e.fresh("dx")
    if op.startswith("global"):
        e.emit("%s = nn.global_pool2d_grad <%s> %s, %s : (%s, %s) -> %s"
               % (dx, kind, x, dy, xt, dyt, xt))
    else:
        size = layer["pool_size"]
        strides = layer.get("strides", size)
        e.emit("%s = nn.pool2d_grad <%s> %s, %s {padding = #nn.padding<%s>, "
               "pool_size = array<i64: %d, %d>, strides = array<i64: %d, %d>} : "
               "(%s, %s) -> %s"
               % (dx, kind, x, dy, layer.get("padding", "valid"), *size, *strides,
                  xt, dyt, xt))
    e.print_tensor(dx, case["arrays"]["x"]["shape"], True)
    return ["dx"]


def emit_activation_grad(e, case, data, p):
    layer = case["layer"]
    x, xt = e.constant(data[p + "x"], True)
    dy, _ = e.constant(data[p + "dy"], True)
    dx = e.fresh("dx")
    attrs = ""
    if layer["op"] == "leaky_relu":
        attrs = " {alpha = %s}" % f32_attr(layer.get("alpha", 0.2))
    e.emit("%s = nn.activation_grad <%s> %s, %s%s : %s" % (dx, layer["op"], x, dy, attrs, xt))
    e.print_tensor(dx, case["arrays"]["x"]["shape"], True)
    return ["dx"]


def emit_softmax_ce_grad(e, case, data, p):
    logits, lt = e.constant(data[p + "logits"], True)
    labels, bt = e.constant(data[p + "labels"], True)
    g = e.fresh("dlogits")
    e.emit("%s = nn.softmax_cross_entropy_grad %s, %s : (%s, %s) -> %s"
           % (g, logits, labels, lt, bt, lt))
    e.print_tensor(g, case["arrays"]["logits"]["shape"], True)
    return ["dlogits"]


def emit_batch_norm_grad(e, case, data, p):
    layer = case["layer"]
    shape = case["input_shape"]
    axis = layer.get("axis", -1)
    if axis < 0:
        axis += len(shape)
    x, xt = e.constant(data[p + "x"], True)
    dy, _ = e.constant(data[p + "dy"], True)
    operands, types = x, [xt]
    if p + "gamma" in data:
        g, gt = e.constant(data[p + "gamma"])
        operands += " gamma(%s)" % g
        types.append(gt)
    mm, mmt = e.constant(data[p + "moving_mean"])
    mv, mvt = e.constant(data[p + "moving_variance"])
    operands += " moving(%s, %s)" % (mm, mv)
    types += [mmt, mvt]
    if layer.get("renorm", False):
        rm, rmt = e.constant(data[p + "renorm_mean"])
        rs, rst = e.constant(data[p + "renorm_stddev"])
        operands += " renorm(%s, %s)" % (rm, rs)
        types += [rmt, rst]
    operands += " grad(%s)" % dy
    types.append(xt)
    attrs = bn_shared_attrs(layer, axis)
    channels = shape[axis]
    ct = tensor_type([channels], "f32")
    printed = []
    for mode in ("train", "infer"):
        flag = e.fresh("t")
        e.emit("%s = arith.constant %s" % (flag, "true" if mode == "train" else "false"))
        dx, dg, db = e.fresh("dx"), e.fresh("dg"), e.fresh("db")
        e.emit("%s, %s, %s = nn.batch_norm_grad %s training(%s) {%s} : (%s, i1) -> (%s, %s, %s)"
               % (dx, dg, db, operands, flag, ", ".join(attrs), ", ".join(types), xt, ct, ct))
        # Only the gradients the layer has (no dgamma without scale, no
        # dbeta without center).
        for name, value, vshape, dynamic in (("dx", dx, shape, True),
                                             ("dgamma", dg, [channels], False),
                                             ("dbeta", db, [channels], False)):
            if "%s_%s" % (name, mode) in case["arrays"]:
                e.print_tensor(value, vshape, dynamic)
                printed.append("%s_%s" % (name, mode))
    return printed


GRAD_EMITTERS = {
    "conv2d": emit_conv2d_grad,
    "pool": emit_pool_grad,
    "dense": emit_dense_grad,
    "softmax_cross_entropy": emit_softmax_ce_grad,
    "activation": emit_activation_grad,
    "batch_norm": emit_batch_norm_grad,
    "batch_norm_ghost": emit_batch_norm_grad,
    "batch_norm_renorm": emit_batch_norm_grad,
}


def load(golden, file):
    manifest = json.load(open("%s/manifest.json" % golden))
    cases = manifest["files"][file]["cases"]
    data = np.load("%s/%s" % (golden, file), allow_pickle=False)
    return cases, data


def selected(cases, names):
    return [(n, cases[n]) for n in (names or list(cases))]


def generate(golden, file, names, emitters=EMITTERS):
    cases, data = load(golden, file)
    e = Emitter()
    for name, case in selected(cases, names):
        e.emit("// case %s/%s" % (file, name))
        emitters[case["kind"]](e, case, data, name + "/")
    print("// Generated by golden_check.py from %s/%s." % (golden, file))
    print("func.func private @printMemrefI32(memref<*xi32>) attributes {llvm.emit_c_interface}")
    print("func.func @main() {")
    print("\n".join(e.lines))
    print("    return")
    print("}")


def read_prints(text):
    """The data of every printed memref, in order, as float32 arrays."""
    chunks = re.split(r"Unranked Memref", text)[1:]
    arrays = []
    for chunk in chunks:
        body = chunk.split("data =", 1)[1]
        values = [int(t) for t in re.findall(r"-?\d+", body)]
        arrays.append(np.array(values, dtype=np.int64).astype(np.uint32).view(np.float32))
    return arrays


def report(name, got, ref, rtol, atol):
    """Prints PASS or FAIL for `got` against the float64 `ref` (flat, same
    size) within atol + rtol * |ref|, with the largest error; returns ok."""
    err = np.abs(got - ref)
    ok = got.size == ref.size and bool(np.all(err <= atol + rtol * np.abs(ref)))
    print("%s %s max_abs_err=%.3g" % ("PASS" if ok else "FAIL", name,
                                      float(np.max(err))))
    return ok


def check_references(refs, tol):
    """Compares the tensors printed on stdin, in order, with `refs` ((name,
    float64 reference) pairs) within tol = (rtol, atol as a fraction of the
    reference's max |value|); returns the exit code."""
    prints = read_prints(sys.stdin.read())
    failed = len(prints) != len(refs)
    rtol, atol_scale = tol
    for (name, ref), got in zip(refs, prints):
        ref = np.asarray(ref, dtype=np.float64).reshape(-1)
        failed |= not report(name, got.astype(np.float64), ref, rtol,
                             atol_scale * float(np.max(np.abs(ref))))
    return 1 if failed else 0


def check(golden, file, names, emitters=EMITTERS):
    cases, data = load(golden, file)
    prints = read_prints(sys.stdin.read())
    failed = False
    index = 0
    for name, case in selected(cases, names):
        # Re-run the emitter only to learn which arrays it printed, in order.
        printed = emitters[case["kind"]](Emitter(), case, data, name + "/")
        for array in printed:
            if index >= len(prints):
                print("FAIL %s/%s: not printed" % (name, array))
                failed = True
                continue
            got = prints[index].astype(np.float64)
            index += 1
            ref_key = name + "/" + array
            ref = data[ref_key + "_f64"] if ref_key + "_f64" in data else data[ref_key]
            ref = np.asarray(ref, dtype=np.float64).reshape(-1)
            tol = case["arrays"][array]["tol"]
            if got.shape != ref.shape:
                print("FAIL %s/%s: %d values, expected %d" % (name, array, got.size, ref.size))
                failed = True
                continue
            err = np.abs(got - ref)
            allowed = tol["atol"] + tol["rtol"] * np.abs(ref)
            ratio = float(np.max(err / allowed)) if err.size else 0.0
            ok = bool(np.all(err <= allowed))
            failed |= not ok
            print("%s %s/%s max_abs_err=%.3g tol_use=%.3f" %
                  ("PASS" if ok else "FAIL", name, array, float(np.max(err)), ratio))
    if index != len(prints):
        print("FAIL: %d arrays printed, %d expected" % (len(prints), index))
        failed = True
    return 1 if failed else 0


def main(argv):
    modes = ("gen", "check", "gen-grad", "check-grad")
    if len(argv) < 4 or argv[1] not in modes:
        sys.stderr.write(__doc__)
        return 2
    golden, file, names = argv[2], argv[3], argv[4:]
    emitters = GRAD_EMITTERS if argv[1].endswith("-grad") else EMITTERS
    if argv[1].startswith("gen"):
        generate(golden, file, names, emitters)
        return 0
    return check(golden, file, names, emitters)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
