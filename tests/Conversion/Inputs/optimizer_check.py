#!/usr/bin/python3
"""Checks the lowered optimizer ops against the golden optimizers.npz.

    optimizer_check.py gen GOLDEN_DIR [CASE...] > test.mlir
    modelc-opt test.mlir -convert-nn-to-linalg <to LLVM> | mlir-runner ... > out
    optimizer_check.py check GOLDEN_DIR [CASE...] < out

`gen` unrolls every case's T steps in @main: step t feeds `step` = t (the
global step before the update) to nn.learning_rate (and nn.adam), the
case's gradients `grads/<var>[t]` through nn.clip_global_norm when the
optimizer clips, then the optimizer op per variable, with slots starting at
0 (RMSProp's `rms` at 1). It prints the learning rate and every variable and
slot after each step. `check` compares them with `after/<var>[t]`,
`after/<var>/<slot>[t]` and `lr_per_step[t]` at the manifest's tolerances
(the learning rate at the optimizer class's), printing the worst error of
each case in tolerance units. Attributes, shapes and tolerances come from
manifest.json; absent attributes take SPEC 3's defaults.
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_check import Emitter, f32_attr, read_prints, real  # noqa: E402

SLOTS = {"sgd": [], "momentum": ["momentum"], "adam": ["m", "v"],
         "rmsprop": ["rms", "momentum"]}


def lr_attrs(opt):
    lr = opt.get("learning_rate", 0.001 if opt["op"] == "adam" else None)
    if isinstance(lr, dict):
        d = lr["exponential_decay"]
        return ("{schedule = #nn.learning_rate<exponential_decay, initial = %s, "
                "decay_steps = %d, decay_rate = %s, staircase = %s>}"
                % (real(d["initial"]), d["decay_steps"], real(d["decay_rate"]),
                   str(d.get("staircase", False)).lower()))
    return "{schedule = #nn.learning_rate<constant, initial = %s>}" % real(lr)


def update(e, opt, w, slots, g, lr, step, ty):
    """Emits one update of `w` (type `ty`); returns the new variable and
    slots (same order)."""
    kind = opt["op"]
    if kind == "sgd":
        r = e.fresh("w")
        e.emit("%s = nn.sgd %s, %s, %s : (%s, %s, tensor<f32>) -> %s"
               % (r, w, g, lr, ty, ty, ty))
        return r, []
    if kind == "momentum":
        r = e.fresh("mo")
        e.emit("%s:2 = nn.momentum %s, %s, %s, %s {momentum = %s, use_nesterov = %s} : "
               "(%s, %s, %s, tensor<f32>) -> (%s, %s)"
               % (r, w, slots[0], g, lr, f32_attr(opt["momentum"]),
                  str(opt.get("use_nesterov", False)).lower(), ty, ty, ty, ty, ty))
        return r + "#0", [r + "#1"]
    if kind == "adam":
        r = e.fresh("ad")
        e.emit("%s:3 = nn.adam %s, %s, %s, %s, %s, %s {beta1 = %s, beta2 = %s, epsilon = %s} : "
               "(%s, %s, %s, %s, tensor<f32>, tensor<i64>) -> (%s, %s, %s)"
               % (r, w, slots[0], slots[1], g, lr, step, f32_attr(opt.get("beta1", 0.9)),
                  f32_attr(opt.get("beta2", 0.999)), f32_attr(opt.get("epsilon", 1e-8)),
                  ty, ty, ty, ty, ty, ty, ty))
        return r + "#0", [r + "#1", r + "#2"]
    if kind == "rmsprop":
        r = e.fresh("rp")
        e.emit("%s:3 = nn.rmsprop %s, %s, %s, %s, %s {decay = %s, epsilon = %s, momentum = %s} : "
               "(%s, %s, %s, %s, tensor<f32>) -> (%s, %s, %s)"
               % (r, w, slots[0], slots[1], g, lr, f32_attr(opt.get("decay", 0.9)),
                  f32_attr(opt.get("epsilon", 1e-10)), f32_attr(opt.get("momentum", 0.0)),
                  ty, ty, ty, ty, ty, ty, ty))
        return r + "#0", [r + "#1", r + "#2"]
    raise ValueError("unknown optimizer " + kind)


def emit_case(e, name, case, data):
    """Emits one case; returns the printed (key, step) list in order."""
    opt = case["optimizer"]
    names = list(case["variables"])
    slot_names = SLOTS[opt["op"]]
    printed = []
    state = {}
    for v in names:
        shape = case["variables"][v]
        w, ty = e.constant(data["%s/init/%s" % (name, v)])
        slots = []
        for s in slot_names:
            init = np.full(shape, 1.0 if s == "rms" else 0.0, np.float32)
            slots.append(e.constant(init)[0])
        state[v] = (w, slots, ty)
    for t in range(case["steps"]):
        step = e.fresh("step")
        e.emit("%s = arith.constant dense<%d> : tensor<i64>" % (step, t))
        lr = e.fresh("lr")
        e.emit("%s = nn.learning_rate %s %s : (tensor<i64>) -> tensor<f32>"
               % (lr, step, lr_attrs(opt)))
        e.print_tensor(lr, [], False)
        printed.append(("lr", t))
        grads = [e.constant(data["%s/grads/%s" % (name, v)][t])[0] for v in names]
        if "clip_global_norm" in opt:
            types = ", ".join(state[v][2] for v in names)
            r = e.fresh("clip")
            e.emit("%s:%d = nn.clip_global_norm %s {clip_norm = %s} : (%s) -> (%s)"
                   % (r, len(names), ", ".join(grads), f32_attr(opt["clip_global_norm"]),
                      types, types))
            grads = ["%s#%d" % (r, i) for i in range(len(names))]
        for v, g in zip(names, grads):
            w, slots, ty = state[v]
            w, slots = update(e, opt, w, slots, g, lr, step, ty)
            state[v] = (w, slots, ty)
            shape = case["variables"][v]
            e.print_tensor(w, shape, False)
            printed.append(("after/" + v, t))
            for s, value in zip(slot_names, slots):
                e.print_tensor(value, shape, False)
                printed.append(("after/%s/%s" % (v, s), t))
    return printed


def load(golden):
    manifest = json.load(open(os.path.join(golden, "manifest.json")))
    cases = manifest["files"]["optimizers.npz"]["cases"]
    data = np.load(os.path.join(golden, "optimizers.npz"), allow_pickle=False)
    return cases, data


def generate(golden, names):
    cases, data = load(golden)
    e = Emitter()
    for name in names or list(cases):
        e.emit("// case optimizers.npz/%s" % name)
        emit_case(e, name, cases[name], data)
    print("// Generated by optimizer_check.py from %s/optimizers.npz." % golden)
    print("func.func private @printMemrefI32(memref<*xi32>) attributes {llvm.emit_c_interface}")
    print("func.func @main() {")
    print("\n".join(e.lines))
    print("    return")
    print("}")


def check(golden, names):
    cases, data = load(golden)
    prints = read_prints(sys.stdin.read())
    index, failed = 0, False
    for name in names or list(cases):
        case = cases[name]
        worst, worst_what = 0.0, ""
        case_ok = True
        for key, t in emit_case(Emitter(), name, case, data):
            if index >= len(prints):
                print("FAIL %s/%s[%d]: not printed" % (name, key, t))
                failed = case_ok = False
                continue
            got = prints[index].astype(np.float64)
            index += 1
            if key == "lr":
                lrs = np.asarray(case["lr_per_step"], np.float64)
                ref = lrs[t:t + 1]
                tol = {"rtol": 1e-5, "atol": max(1e-6 * float(np.max(np.abs(lrs))), 1e-7)}
            else:
                entry = case["arrays"][key]
                ref_key = name + "/" + entry.get("f64_key", key)
                if ref_key not in data:
                    ref_key = name + "/" + key
                ref = np.asarray(data[ref_key], np.float64)[t].reshape(-1)
                tol = entry["tol"]
            if got.shape != ref.shape:
                print("FAIL %s/%s[%d]: %d values, expected %d"
                      % (name, key, t, got.size, ref.size))
                failed = case_ok = False
                continue
            allowed = tol["atol"] + tol["rtol"] * np.abs(ref)
            err = np.abs(got - ref)
            use = float(np.max(err / allowed)) if err.size else 0.0
            if not np.all(err <= allowed):  # also catches NaN
                print("FAIL %s/%s[%d] max_abs_err=%.3g tol_use=%.3f"
                      % (name, key, t, float(np.max(err)), use))
                failed = case_ok = False
            if use > worst:
                worst, worst_what = use, "%s[%d]" % (key, t)
        print("%s %s worst_tol_use=%.3f (%s)"
              % ("PASS" if case_ok else "FAIL", name, worst, worst_what))
    if index != len(prints):
        print("FAIL: %d arrays printed, %d expected" % (len(prints), index))
        failed = True
    return 1 if failed else 0


def main(argv):
    if len(argv) < 3 or argv[1] not in ("gen", "check"):
        sys.stderr.write(__doc__)
        return 2
    if argv[1] == "gen":
        generate(argv[2], argv[3:])
        return 0
    return check(argv[2], argv[3:])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
