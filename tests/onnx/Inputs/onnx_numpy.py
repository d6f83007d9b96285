"""Evaluates an ONNX graph with NumPy, from the ONNX operator definitions.

usage: onnx_numpy.py MODEL.onnx INPUTS.npz OUTPUTS.npz

An independent reference for the graphs modelc exports (ONNX 1.12, which
Debian ships, has no reference evaluator): inference semantics of Transpose,
Conv (with groups), BatchNormalization, Relu, Clip, Sigmoid, Tanh,
LeakyRelu, MaxPool, AveragePool (with count_include_pad), GlobalAveragePool,
GlobalMaxPool, Flatten, Reshape, Gemm, MatMul, Add, Sum, Mul, Pad
(constant), Concat, Identity, Gather, Softmax and LogSoftmax (last axis), in
float64.
"""
import sys

import numpy as np
import onnx
from onnx import numpy_helper


def attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def pad_spatial(x, pads, value):
    n = x.ndim - 2
    width = [(0, 0), (0, 0)] + [(pads[i], pads[i + n]) for i in range(n)]
    return np.pad(x, width, constant_values=value)


def windows(x, kernel, strides, dilations):
    """[N, C, out_h, out_w, kh, kw] views of a padded NCHW array."""
    n, c, h, w = x.shape
    kh, kw = kernel
    sh, sw = strides
    dh, dw = dilations
    oh = (h - (kh - 1) * dh - 1) // sh + 1
    ow = (w - (kw - 1) * dw - 1) // sw + 1
    out = np.empty((n, c, oh, ow, kh, kw), x.dtype)
    for a in range(kh):
        for b in range(kw):
            out[..., a, b] = x[:, :, a * dh:a * dh + (oh - 1) * sh + 1:sh,
                               b * dw:b * dw + (ow - 1) * sw + 1:sw]
    return out


def conv(x, w, b, a):
    k = w.shape[2:]
    xs = windows(pad_spatial(x, a.get("pads", [0] * 4), 0), k,
                 a.get("strides", [1, 1]), a.get("dilations", [1, 1]))
    # group g: output channels [g*M/G, (g+1)*M/G) read input channels
    # [g*C/G, (g+1)*C/G).
    g = a.get("group", 1)
    cg, mg = w.shape[1], w.shape[0] // g
    y = np.concatenate([
        np.einsum("ncijab,ocab->noij", xs[:, i * cg:(i + 1) * cg],
                  w[i * mg:(i + 1) * mg]) for i in range(g)], axis=1)
    return y if b is None else y + b[None, :, None, None]


def pool(x, a, kind):
    k = a["kernel_shape"]
    pads = a.get("pads", [0] * 4)
    strides = a.get("strides", [1, 1])
    if kind == "max":
        return windows(pad_spatial(x, pads, -np.inf), k, strides,
                       [1, 1]).max(axis=(4, 5))
    # count_include_pad: the pads are zeros that count.
    fill = 0.0 if a.get("count_include_pad", 0) else np.nan
    xs = windows(pad_spatial(x, pads, fill), k, strides, [1, 1])
    return np.nanmean(xs, axis=(4, 5))


def run(model, feeds):
    env = dict(feeds)
    for t in model.graph.initializer:
        env[t.name] = numpy_helper.to_array(t).astype(
            np.float64 if t.data_type == onnx.TensorProto.FLOAT else np.int64)
    for node in model.graph.node:
        a = attrs(node)
        x = [env[i] if i else None for i in node.input]
        op = node.op_type
        if op == "Transpose":
            y = np.transpose(x[0], a["perm"])
        elif op == "Conv":
            y = conv(x[0], x[1], x[2] if len(x) > 2 else None, a)
        elif op == "BatchNormalization":
            c = lambda v: v.reshape((1, -1) + (1,) * (x[0].ndim - 2))  # noqa
            y = (x[0] - c(x[3])) / np.sqrt(c(x[4]) + a.get("epsilon", 1e-5)) \
                * c(x[1]) + c(x[2])
        elif op == "Relu":
            y = np.maximum(x[0], 0)
        elif op == "Clip":
            # An omitted bound is no bound.
            lo, hi = (x + [None, None])[1:3]
            y = np.clip(x[0], -np.inf if lo is None else lo,
                        np.inf if hi is None else hi)
        elif op == "Sigmoid":
            y = 1 / (1 + np.exp(-x[0]))
        elif op == "Tanh":
            y = np.tanh(x[0])
        elif op == "LeakyRelu":
            y = np.where(x[0] > 0, x[0], a.get("alpha", 0.01) * x[0])
        elif op in ("MaxPool", "AveragePool"):
            y = pool(x[0], a, "max" if op == "MaxPool" else "avg")
        elif op == "GlobalAveragePool":
            y = x[0].mean(axis=(2, 3), keepdims=True)
        elif op == "GlobalMaxPool":
            y = x[0].max(axis=(2, 3), keepdims=True)
        elif op == "Flatten":
            y = x[0].reshape(x[0].shape[0], -1)
        elif op == "Reshape":
            shape = [x[0].shape[i] if d == 0 else d
                     for i, d in enumerate(x[1].astype(np.int64))]
            y = x[0].reshape(shape)
        elif op == "Gemm":
            aa = x[0].T if a.get("transA") else x[0]
            bb = x[1].T if a.get("transB") else x[1]
            y = a.get("alpha", 1.0) * aa @ bb
            if len(x) > 2 and x[2] is not None:
                y = y + a.get("beta", 1.0) * x[2]
        elif op == "MatMul":
            y = x[0] @ x[1]
        elif op in ("Add", "Sum"):
            y = sum(x)
        elif op == "Mul":
            y = x[0] * x[1]
        elif op == "Pad":  # constant mode: pads = begins then ends
            p = [int(v) for v in x[1]]
            fill = x[2] if len(x) > 2 and x[2] is not None else 0.0
            y = np.pad(x[0], list(zip(p[:len(p) // 2], p[len(p) // 2:])),
                       constant_values=fill)
        elif op == "Concat":
            y = np.concatenate(x, axis=a["axis"])
        elif op == "Identity":
            y = x[0]
        elif op in ("Softmax", "LogSoftmax"):
            z = x[0] - x[0].max(axis=-1, keepdims=True)
            lse = np.log(np.exp(z).sum(axis=-1, keepdims=True))
            y = z - lse if op == "LogSoftmax" else np.exp(z - lse)
        elif op == "Gather":
            y = np.take(x[0], x[1].astype(np.int64), axis=a.get("axis", 0))
        else:
            sys.exit("onnx_numpy.py: no NumPy form for %s" % op)
        env[node.output[0]] = y
    return {o.name: env[o.name] for o in model.graph.output}


if __name__ == "__main__":
    model = onnx.load(sys.argv[1])
    onnx.checker.check_model(model)
    data = np.load(sys.argv[2])
    feeds = {i.name: data[i.name].astype(
        np.float64 if data[i.name].dtype.kind == "f" else np.int64)
        for i in model.graph.input}
    np.savez(sys.argv[3], **run(model, feeds))
