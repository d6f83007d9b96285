"""Compiles one single-layer model per golden case and checks its forward
pass (inference and training mode) against the golden references.

usage: golden_layers.py GOLDEN_DIR FILE.npz WORKDIR [--case NAME]...
                        [--modelc-arg ARG]...
Prints one line per case and 'N passed, M failed'; exits 1 on any failure.
"""
import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from golden import load_manifest, run, within  # noqa: E402

NON_STATE = {"x", "dy", "labels", "logits"}


def model_for(case_name, case):
    layer = dict(case["layer"])
    name = layer["name"]
    shape = [-1] + list(case["input_shape"][1:])
    layers = [dict(layer, input="x")]
    return {
        "name": "g_" + "".join(c if c.isalnum() else "_" for c in case_name),
        "seed": 1,
        "inputs": [{"name": "x", "shape": shape, "dtype": "f32"}],
        "layers": layers,
        "outputs": [name],
    }


def check_case(golden_dir, data, case_name, case, workdir, modelc,
               modelc_args):
    layer_name = case["layer"]["name"]
    arrays = case["arrays"]
    prefix = case_name + "/"
    d = os.path.join(workdir, case_name)
    os.makedirs(d, exist_ok=True)
    model_path = os.path.join(d, "model.json")
    with open(model_path, "w") as f:
        json.dump(model_for(case_name, case), f)
    exe = os.path.join(d, "model")
    run([modelc, model_path, "-o", exe] + modelc_args)
    state = {f"{layer_name}/{k}": data[prefix + k]
             for k, a in arrays.items()
             if a["role"] == "input" and k not in NON_STATE}
    np.savez(os.path.join(d, "state.npz"), **state)
    np.savez(os.path.join(d, "x.npz"), x=data[prefix + "x"])
    results = []
    modes = [("infer", ["y_infer", "y"]), ("train", ["y_train"])]
    for mode, refs in modes:
        ref = next((r for r in refs if r in arrays), None)
        if ref is None:
            continue
        out = os.path.join(d, f"y_{mode}.npz")
        run([exe, "predict", "--input", os.path.join(d, "x.npz"),
             "--checkpoint", os.path.join(d, "state.npz"), "--output", out,
             "--mode", mode])
        got = np.load(out)[layer_name]
        results.append((f"{ref}", within(got, data[prefix + ref],
                                         arrays[ref]["tol"])))
    return results


def main():
    p = argparse.ArgumentParser()
    p.add_argument("golden_dir")
    p.add_argument("file")
    p.add_argument("workdir")
    p.add_argument("--case", action="append",
                   help="only this case (repeatable)")
    p.add_argument("--modelc-arg", action="append", default=[],
                   help="an extra modelc argument (repeatable)")
    p.add_argument("--modelc", default="modelc")
    args = p.parse_args()
    manifest = load_manifest(args.golden_dir)
    cases = manifest["files"][args.file]["cases"]
    data = np.load(os.path.join(args.golden_dir, args.file))
    passed = failed = 0
    for name, case in cases.items():
        if args.case and name not in args.case:
            continue
        try:
            results = check_case(args.golden_dir, data, name, case,
                                 args.workdir, args.modelc, args.modelc_arg)
        except Exception as e:  # report and go on with the other cases
            print(f"FAIL {name}: {e}")
            failed += 1
            continue
        for ref, err in results:
            ok = err <= 1.0
            print(f"{'ok  ' if ok else 'FAIL'} {name} {ref}: "
                  f"max error {err:.3f} of tolerance")
            passed += ok
            failed += not ok
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed or not passed else 0)


if __name__ == "__main__":
    main()
