#!/usr/bin/python3
"""Runs ONNX's backend node tests (Debian's libonnx-testdata) through modelc.

usage: node_tests.py MODELC WORKDIR EXPECTED_FAILURES [--only NAME...]
                     [--jobs N] [--report FILE]

Selects every case of data/node/ and data/pytorch-converted/ whose graph uses
only operators of the ONNX issue's list, and for each one:

1. makes the graph inputs that modelc needs at compile time (Conv and Gemm
   weights, batch-norm parameters, Reshape's shape, a broadcast operand of
   Add/Sub/Mul, ...) initializers, holding the case's input values: ONNX's node
   tests feed weights as inputs, modelc compiles them into the model;
2. compiles the model with `modelc model.onnx -o exe`;
3. runs `exe predict` on the remaining inputs (`--mode train` when a batch
   norm has training_mode = 1) and compares every output with the case's
   expected output at ONNX's backend tolerances (rtol 1e-3, atol 1e-7);
   a SoftmaxCrossEntropyLoss's loss (the model's loss after import) is
   compared with what `exe eval` reports on the inputs and labels;
4. where a training-mode batch norm's running statistics are graph
   outputs (what modelc computes inside its train step), trains the
   imported model for one step over the whole input (a wrapper with an MSE
   loss and SGD at a rate of 1e-30, so that only the moving statistics
   change) and compares the checkpoint's moving mean and variance with
   them.

EXPECTED_FAILURES lists `case: reason` lines. A listed case must fail and
an unlisted one must pass, so the list is exact; the summary gives the pass
rate per operator and in total.
"""
import argparse
import collections
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys

import numpy as np
import onnx
from onnx import numpy_helper

DATA = "/usr/share/libonnx-testdata/data"
OPERATORS = {
    "Conv", "BatchNormalization", "Relu", "LeakyRelu", "Elu", "Sigmoid", "Tanh",
    "Clip", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool",
    "Gemm", "MatMul", "Add", "Sub", "Mul", "Flatten", "Reshape", "Transpose",
    "Concat", "Squeeze", "Unsqueeze", "Identity", "Dropout", "Softmax",
    "LogSoftmax", "Constant", "Gather", "SoftmaxCrossEntropyLoss",
}
# Node inputs modelc needs at compile time, by operator.
CONSTANT_SLOTS = {
    "Conv": (1, 2), "BatchNormalization": (1, 2, 3, 4), "Gemm": (1, 2),
    "MatMul": (1,), "Reshape": (1,), "Clip": (1, 2), "Dropout": (1, 2),
    "Squeeze": (1,), "Unsqueeze": (1,), "Gather": (0,),
}
RTOL, ATOL = 1e-3, 1e-7


def cases():
    for group in ("node", "pytorch-converted"):
        root = os.path.join(DATA, group)
        for name in sorted(os.listdir(root)):
            path = os.path.join(root, name)
            if not os.path.exists(os.path.join(path, "model.onnx")):
                continue
            model = onnx.load(os.path.join(path, "model.onnx"))
            ops = {n.op_type for n in model.graph.node}
            if ops and ops <= OPERATORS:
                yield name, path, model


def read_pbs(folder, prefix):
    arrays, k = [], 0
    while os.path.exists(os.path.join(folder, "%s_%d.pb" % (prefix, k))):
        t = onnx.TensorProto()
        with open(os.path.join(folder, "%s_%d.pb" % (prefix, k)), "rb") as f:
            t.ParseFromString(f.read())
        arrays.append(numpy_helper.to_array(t))
        k += 1
    return arrays


def prepare(model, inputs):
    """Moves compile-time inputs into initializers; returns the data."""
    graph = model.graph
    initialized = {t.name for t in graph.initializer}
    graph_inputs = [i for i in graph.input if i.name not in initialized]
    values = dict(zip((i.name for i in graph_inputs), inputs))
    constant = set()
    for node in graph.node:
        for k in CONSTANT_SLOTS.get(node.op_type, ()):
            if k < len(node.input) and node.input[k] in values:
                constant.add(node.input[k])
        if node.op_type in ("Add", "Sub", "Mul") and all(
                i in values for i in node.input[:2]):
            a, b = (values[i] for i in node.input[:2])
            if a.shape != b.shape:
                constant.add(node.input[1] if a.ndim >= b.ndim
                             else node.input[0])
    for name in constant:
        graph.initializer.append(numpy_helper.from_array(values[name], name))
    keep = [i for i in graph.input if i.name not in constant]
    del graph.input[:]
    graph.input.extend(keep)
    return {n: v for n, v in values.items() if n not in constant}


def run_case(args, name, path):
    try:
        return compile_and_compare(args, name, path)
    except Exception as e:  # test data this harness cannot read
        return "harness: %s" % str(e).splitlines()[0]


def split_running_stats(model, expected):
    """A training-mode BatchNormalization whose running statistics are
    graph outputs is what modelc's train step computes: those outputs are
    taken off the graph and returned with their expected values, to be
    checked against the moving statistics one train step writes."""
    outputs = [o.name for o in model.graph.output]
    stats = {}
    for node in model.graph.node:
        if node.op_type != "BatchNormalization" or len(node.output) < 3:
            continue
        for k, role in ((1, "moving_mean"), (2, "moving_variance")):
            if node.output[k] in outputs:
                stats[role] = expected[outputs.index(node.output[k])]
        if stats:
            del node.output[1:]
    produced = {o for n in model.graph.node for o in n.output}
    produced |= {i.name for i in model.graph.input}
    pairs = [(o, e) for o, e in zip(model.graph.output, expected)
             if o.name in produced]
    del model.graph.output[:]
    model.graph.output.extend(o for o, _ in pairs)
    return [e for _, e in pairs], stats


def train_one_step(args, work, model, data, stats):
    """Runs one train step over the whole input (SGD at a negligible rate,
    so only the moving statistics change) and compares them with ONNX's
    running statistics."""
    y = model.graph.output[0].name
    shape = [-1] + [d.dim_value for d in
                    model.graph.output[0].type.tensor_type.shape.dim[1:]]
    wrapper = {"import": "model.onnx",
               "labels": [{"name": "target", "shape": shape, "dtype": "f32"}],
               "loss": {"op": "mean_squared_error", "predictions": y,
                        "labels": "target"},
               "optimizer": {"op": "sgd", "learning_rate": 1e-30}}
    with open(os.path.join(work, "train.json"), "w") as f:
        json.dump(wrapper, f)
    x = next(iter(data.values()))
    np.savez(os.path.join(work, "train.npz"), **data,
             target=np.zeros([len(x)] + shape[1:], np.float32))
    for argv in ([args.modelc, "train.json", "-o", "trainer"],
                 ["./trainer", "train", "--data", "train.npz", "--steps", "1",
                  "--batch-size", str(len(x)), "--no-shuffle",
                  "--checkpoint", "c.npz"]):
        run = subprocess.run(argv, cwd=work, capture_output=True, text=True)
        if run.returncode != 0:
            return "train: " + run.stderr.strip().splitlines()[-1]
    state = np.load(os.path.join(work, "c.npz"))
    for role, want in stats.items():
        key = [k for k in state.files if k.endswith("/" + role)][0]
        if not np.allclose(state[key], want, rtol=RTOL, atol=ATOL):
            return "%s: %.3g times the tolerance" % (
                role, np.max(np.abs(state[key] - want) /
                             (ATOL + RTOL * np.abs(want))))
    return None


def compile_and_compare(args, name, path):
    work = os.path.join(args.workdir, name)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    model = onnx.load(os.path.join(path, "model.onnx"))
    folder = os.path.join(path, "test_data_set_0")
    data = prepare(model, read_pbs(folder, "input"))
    expected, stats = split_running_stats(model, read_pbs(folder, "output"))
    onnx.save(model, os.path.join(work, "model.onnx"))
    compiled = subprocess.run(
        [args.modelc, "model.onnx", "-o", "exe"], cwd=work,
        capture_output=True, text=True)
    if compiled.returncode != 0:
        return "compile: " + compiled.stderr.strip().splitlines()[-1]
    np.savez(os.path.join(work, "in.npz"), **data)
    training = any(
        n.op_type == "BatchNormalization" and any(
            a.name == "training_mode" and a.i for a in n.attribute)
        for n in model.graph.node)
    run = subprocess.run(
        ["./exe", "predict", "--input", "in.npz", "--output", "out.npz",
         "--mode", "train" if training else "infer"], cwd=work,
        capture_output=True, text=True)
    if run.returncode != 0:
        return "predict: " + run.stderr.strip().splitlines()[-1]
    got = dict(np.load(os.path.join(work, "out.npz")))
    # A SoftmaxCrossEntropyLoss's loss is the model's loss: eval reports it.
    losses = [n.output[0] for n in model.graph.node
              if n.op_type == "SoftmaxCrossEntropyLoss"]
    if losses:
        run = subprocess.run(["./exe", "eval", "--data", "in.npz", "--json"],
                             cwd=work, capture_output=True, text=True)
        if run.returncode != 0:
            return "eval: " + run.stderr.strip().splitlines()[-1]
        got[losses[0]] = np.array(json.loads(run.stdout)["data_loss"],
                                  np.float32)
    for info, want in zip(model.graph.output, expected):
        if info.name not in got:
            return "output '%s' missing" % info.name
        y = got[info.name]
        if y.shape != want.shape:
            return "output '%s': shape %s, expected %s" % (
                info.name, list(y.shape), list(want.shape))
        if not np.allclose(y, want, rtol=RTOL, atol=ATOL):
            err = np.max(np.abs(y - want) / (ATOL + RTOL * np.abs(want)))
            return "output '%s': %.3g times the tolerance" % (info.name, err)
    if stats:
        failure = train_one_step(args, work, model, data, stats)
        if failure:
            return failure
    shutil.rmtree(work, ignore_errors=True)
    return None


def short(failure):
    """A failure without the parts every compile error shares."""
    failure = re.sub(r"^compile: modelc: error: model\.onnx: ", "", failure)
    return re.sub(r"^node '[^']*' \(", "(", failure)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("modelc")
    p.add_argument("workdir")
    p.add_argument("expected")
    p.add_argument("--only", nargs="*")
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--report")
    p.add_argument("--update-expected", action="store_true",
                   help="rewrite EXPECTED_FAILURES from this run's failures")
    args = p.parse_args()
    args.modelc = os.path.abspath(shutil.which(args.modelc) or args.modelc)
    os.makedirs(args.workdir, exist_ok=True)

    expected = {}
    with open(args.expected) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                case, reason = line.split(":", 1)
                expected[case.strip()] = reason.strip()

    selected = [(n, p, m) for n, p, m in cases()
                if not args.only or n in args.only]
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        results = dict(zip(
            [n for n, _, _ in selected],
            pool.map(lambda c: run_case(args, c[0], c[1]), selected)))

    per_op = collections.defaultdict(lambda: [0, 0])
    problems = []
    lines = []
    for name, _, model in selected:
        failure = results[name]
        for op in {n.op_type for n in model.graph.node} - {"Constant"}:
            per_op[op][0] += failure is None
            per_op[op][1] += 1
        lines.append("%s %s%s" % ("PASS" if failure is None else "XFAIL",
                                  name, "" if failure is None else
                                  ": " + failure))
        if failure is None and name in expected:
            problems.append("UNEXPECTED PASS %s (remove it from %s)" % (
                name, args.expected))
        if failure is not None and name not in expected:
            problems.append("FAIL %s: %s" % (name, failure))
    for case in expected:
        if case not in results and not args.only:
            problems.append("STALE %s is listed but is not a case" % case)

    if args.update_expected:
        with open(args.expected) as f:
            header = [l for l in f.read().splitlines() if l.startswith("#")]
        with open(args.expected, "w") as f:
            f.write("\n".join(header) + "\n\n")
            for name, _, _ in selected:
                if results[name] is not None:
                    f.write("%s: %s\n" % (name, short(results[name])))
        problems = []

    passed = sum(r is None for r in results.values())
    summary = ["per operator (cases using it: passed/total):"]
    for op in sorted(per_op):
        summary.append("  %-20s %3d/%d" % (op, *per_op[op]))
    summary.append("passed %d of %d cases (%.0f%%)" % (
        passed, len(results), 100.0 * passed / max(1, len(results))))
    if args.report:
        with open(args.report, "w") as f:
            f.write("\n".join(lines + summary) + "\n")
    print("\n".join(problems + summary))
    print("OK" if not problems else "NOT OK")
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
