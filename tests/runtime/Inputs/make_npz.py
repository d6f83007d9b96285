"""Writes the .npz (and broken) files the runtime tests read.

usage: make_npz.py OUT KIND [N]

Data for the fake model (x f32[?, 3], y i32[?] in {0, 1}) and state files
for it, made with NumPy so the runtime is tested against NumPy's writer.
"""
import sys
import zipfile

import numpy as np

out, kind = sys.argv[1], sys.argv[2]
n = int(sys.argv[3]) if len(sys.argv) > 3 else 50

rng = np.random.RandomState(1234)
x = rng.randn(n, 3).astype(np.float32)
y = (x @ np.array([1.0, -2.0, 0.5]) > 0).astype(np.int32)

kernel = rng.uniform(-1, 1, (3, 2)).astype(np.float32)
forward_state = {
    "dense/kernel": kernel,
    "dense/bias": np.array([0.1, -0.2], np.float32),
    "logits/moving_mean": np.array([0.05, -0.03], np.float32),
}


def savez(**arrays):
    np.savez(out, **arrays)


if kind == "data":
    savez(x=x, y=y)
elif kind == "inputs":
    savez(x=x)
elif kind == "data_compressed":
    # Arrays the model does not use are ignored, even unsupported ones.
    np.savez_compressed(out, x=x, y=y, names=np.array(["a", "b"]),
                        weights=np.ones(n))
elif kind == "data_bigendian":
    savez(x=x.astype(">f4"), y=y.astype(">i4"))
elif kind == "data_nan":
    x[5, 1] = np.nan
    savez(x=x, y=y)
elif kind == "data_huge":
    # Finite data on which the fake model's weights overflow: the first
    # step's loss is finite, the second's is not.
    x[5] = 1e30
    savez(x=x, y=y)
elif kind == "zip64":
    # Force ZIP64 central-directory records and end record on a tiny file.
    zipfile.ZIP64_LIMIT = 16
    zipfile.ZIP_FILECOUNT_LIMIT = 1
    np.savez(out, x=x, y=y)
elif kind == "missing_y":
    savez(x=x, z=y)
elif kind == "x_f64":
    savez(x=x.astype(np.float64), y=y)
elif kind == "y_i64":
    savez(x=x, y=y.astype(np.int64))
elif kind == "keras_habits":
    # What Keras users have: float64 features, int64 labels shaped [N, 1].
    savez(x=x.astype(np.float64), y=y.astype(np.int64).reshape(n, 1))
elif kind == "y_i64_huge":
    y = y.astype(np.int64)
    y[7] = 2**40
    savez(x=x, y=y)
elif kind == "y_fraction":
    y = y.astype(np.float32)
    y[4] = 0.5
    savez(x=x, y=y)
elif kind == "x_bytes":
    savez(x=np.array([b"abc"] * n), y=y)
elif kind == "y_shape_2":
    savez(x=x, y=np.stack([y, y], axis=1))
elif kind == "x_rank":
    savez(x=x.reshape(n, 3, 1), y=y)
elif kind == "x_shape":
    savez(x=np.zeros((n, 4), np.float32), y=y)
elif kind == "batch_mismatch":
    savez(x=x, y=y[:-1])
elif kind == "label_range":
    y[3] = 2
    savez(x=x, y=y)
elif kind == "fortran":
    # np.savez writes F-contiguous arrays with fortran_order: True.
    savez(x=np.asfortranarray(x), y=y)
elif kind == "fortran_f64_compressed":
    np.savez_compressed(out, x=np.asfortranarray(x.astype(np.float64)), y=y)
elif kind == "state_fortran":
    state = dict(forward_state)
    state["dense/kernel"] = np.asfortranarray(kernel)
    savez(**state)
elif kind == "state_c":
    savez(**forward_state)
elif kind == "unicode_x":
    savez(x=np.array(["a"] * n), y=y)
elif kind == "npy":
    np.save(out, x)
elif kind == "text":
    with open(out, "w") as f:
        f.write("x,y\n1,2\n")
elif kind == "bad_header":
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("x.npy", b"\x93NUMPY\x01\x00\x10\x00{'descr': '<f4'  \n")
        z.writestr("y.npy", b"")
elif kind == "bad_crc":
    np.savez(out, x=x, y=y)
    data = bytearray(open(out, "rb").read())
    data[200] ^= 0xFF  # Inside x's data.
    open(out, "wb").write(bytes(data))
elif kind.startswith("truncated"):
    np.savez(out, x=x, y=y)
    data = open(out, "rb").read()
    open(out, "wb").write(data[: len(data) // 2])
elif kind == "state_plain":
    savez(**forward_state)
elif kind == "state_plain_f64":
    savez(**{k: v.astype(np.float64) for k, v in forward_state.items()})
elif kind == "state_missing":
    savez(**{"dense/kernel": kernel})
elif kind == "state_unknown":
    savez(**forward_state, **{"foo/bar": kernel, "baz": kernel})
elif kind == "state_bad_shape":
    savez(**dict(forward_state, **{"dense/kernel": kernel.T.copy()}))
elif kind == "state_bad_dtype":
    savez(**dict(forward_state, **{"dense/bias": np.zeros(2, np.int32)}))
elif kind == "state_foreign":
    savez(**forward_state, **{"modelc/fingerprint": np.array(b"0123456789abcdef"),
                              "global_step": np.array(3, np.int64)})
else:
    sys.exit("make_npz.py: unknown kind " + kind)
