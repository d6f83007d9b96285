"""A catalog of corrupt .npz files, run through every command that reads one.

usage: npz_catalog.py PROGRAM WORKDIR

PROGRAM is an executable built by modelc (the tests use the runtime's fake
model: x f32[?, 3], y i32[?], state dense/kernel, dense/bias, ...). Each
case is a transformation of a good file, applied to a data file (x, y) and
to a checkpoint, so that whichever array a command reads first is broken.
Every (case, command) pair must exit 1 with one line
`PROG: error: PATH...MESSAGE`, create no file, and leave every existing
file byte-identical. Prints one line per failure and a summary.
"""
import hashlib
import os
import struct
import subprocess
import sys
import zlib

import numpy as np

prog, work = sys.argv[1], sys.argv[2]
os.makedirs(work, exist_ok=True)


# --- A zip writer that can be told to get things wrong ----------------------

def npy(array, header=None, magic=b"\x93NUMPY", version=(1, 0)):
    if header is None:
        descr = np.lib.format.dtype_to_descr(array.dtype)
        header = "{'descr': %r, 'fortran_order': False, 'shape': %r, }" % (
            descr, tuple(array.shape))
    text = header.encode("latin1")
    text += b" " * (63 - (len(text) + 10) % 64) + b"\n"
    return (magic + bytes(version) + struct.pack("<H", len(text)) + text +
            array.tobytes())


def zip_file(members, *, method=0, flags=0, entries=None, dir_offset=None,
             disk=0, crc_fix=None, local_sig=b"PK\x03\x04", sizes=None):
    """members: [(name, payload)]; payload is the member's data (deflated
    here when method is 8). Keyword arguments break one field."""
    body, central = b"", b""
    for name, data in members:
        raw = data
        crc = zlib.crc32(raw) if crc_fix is None else crc_fix
        if method == 8:
            c = zlib.compressobj(9, zlib.DEFLATED, -15)
            data = c.compress(raw) + c.flush()
        csize, usize = (len(data), len(raw)) if sizes is None else sizes(
            len(data), len(raw))
        nm = name.encode()
        offset = len(body)
        body += local_sig + struct.pack("<HHHHHIIIHH", 20, flags, method, 0,
                                        0x21, crc, csize, usize, len(nm),
                                        0) + nm + data
        central += b"PK\x01\x02" + struct.pack(
            "<HHHHHHIIIHHHHHII", 20, 20, flags, method, 0, 0x21, crc, csize,
            usize, len(nm), 0, 0, 0, 0, 0, offset) + nm
    count = len(members) if entries is None else entries
    where = len(body) if dir_offset is None else dir_offset
    end = b"PK\x05\x06" + struct.pack("<HHHHIIH", disk, disk, count, count,
                                      len(central), where, 0)
    return body + central + end


rng = np.random.RandomState(7)
x = rng.randn(10, 3).astype(np.float32)
y = (rng.rand(10) > 0.5).astype(np.int32)
subprocess.run([prog, "init", "--output", f"{work}/good.ckpt.npz"],
               check=True, stdout=subprocess.DEVNULL)
state = dict(np.load(f"{work}/good.ckpt.npz"))
np.savez(f"{work}/good.data.npz", x=x, y=y)


def arrays(role):
    return [("x", x), ("y", y)] if role == "data" else list(state.items())


def members(role, make=lambda a: npy(a)):
    return [(n + ".npy", make(a)) for n, a in arrays(role)]


def good_bytes(role):
    return zip_file(members(role))


def truncated(role):
    b = good_bytes(role)
    return b[:len(b) // 2]


def deflate_bomb(role):
    """Claims 1032x more output than any deflate stream can give."""
    return zip_file(members(role), method=8,
                    sizes=lambda c, u: (c, (c + 2) * 1032 * 4))


def header_disagrees(role):
    """Inflates to a header whose shape needs far more than the claimed
    size (the check that stops bombs before allocating)."""
    def make(a):
        return npy(a, header="{'descr': '<f4', 'fortran_order': False, "
                   "'shape': (100000000, 3), }")[:128]
    return zip_file(members(role, make), method=8)


def inflate_garbage(role):
    data = zip_file(members(role), method=8)
    # Overwrite the start of every deflate stream with an invalid block
    # type (0b11).
    out = bytearray(data)
    pos = 0
    while True:
        pos = out.find(b"PK\x03\x04", pos)
        if pos < 0:
            break
        nlen = struct.unpack("<H", out[pos + 26:pos + 28])[0]
        out[pos + 30 + nlen] = 0x07
        pos += 4
    return bytes(out)


def zero_entries(role):
    return zip_file(members(role), entries=0)


def zip64_missing(role):
    return zip_file(members(role), entries=0xFFFF)


def each_npy(**kwargs):
    """Every member's .npy written with npy(**kwargs)."""
    return lambda role: zip_file(members(role, lambda a: npy(a, **kwargs)))


def each_header(text):
    """Every member's .npy header replaced by text(array)."""
    return lambda role: zip_file(
        members(role, lambda a: npy(a, header=text(a))))


def dict_text(descr, shape, fortran=False):
    return "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }" % (
        descr, fortran, shape)


cases = [
    # (name, builder(role) -> bytes, expected message part)
    ("empty", lambda r: b"", "not an .npz file (not a zip archive)"),
    ("garbage", lambda r: bytes(range(256)) * 4,
     "not an .npz file (not a zip archive)"),
    ("bare-npy", lambda r: npy(arrays(r)[0][1]),
     "is a single .npy array, not an .npz archive"),
    ("truncated", truncated, "end of central directory not found"),
    ("directory-out-of-bounds",
     lambda r: zip_file(members(r), dir_offset=1 << 30),
     "central directory out of bounds"),
    ("zero-entry-count", zero_entries,
     "holds more entries than its end record counts (0)"),
    ("zip64-locator-missing", zip64_missing, "ZIP64 locator not found"),
    ("multi-disk", lambda r: zip_file(members(r), disk=1),
     "multi-disk zip archives are not supported"),
    ("bad-local-header",
     lambda r: zip_file(members(r), local_sig=b"PK\x07\x08"),
     "bad local header"),
    ("crc-mismatch", lambda r: zip_file(members(r), crc_fix=12345),
     "CRC mismatch"),
    ("encrypted", lambda r: zip_file(members(r), flags=1),
     "encrypted zip members are not supported"),
    ("bzip2", lambda r: zip_file(members(r), method=12),
     "unsupported zip compression method 12"),
    ("bad-deflate", inflate_garbage, "cannot inflate"),
    ("deflate-bomb", deflate_bomb, "implausible size"),
    ("header-disagrees-with-size", header_disagrees,
     "disagrees with its .npy header"),
    ("duplicate-name",
     lambda r: zip_file(members(r) + members(r)[:1]), "holds two arrays named"),
    ("npy-bad-magic", each_npy(magic=b"\x93NUMPX"),
     "not an .npy array (bad magic)"),
    ("npy-version-9", each_npy(version=(9, 0)),
     "unsupported .npy format version 9"),
    ("npy-bad-header", each_header(lambda a: "{'descr': <f4}"),
     "bad .npy header"),
    ("npy-shape-not-tuple", each_header(lambda a: dict_text("<f4", "'3'")),
     "bad .npy header ('shape' has wrong type)"),
    ("npy-dimension-overflow",
     each_header(lambda a: dict_text("<f4", "(99999999999999999999, 3)")),
     "dimension too large"),
    ("npy-huge-shape",
     each_header(lambda a: dict_text(a.dtype.str, "(1099511627776, 3)")),
     "truncated .npy data"),
    ("npy-object", each_header(lambda a: dict_text("|O", "(2,)")),
     "object arrays need pickle"),
    ("npy-complex", each_header(lambda a: dict_text("<c8", "(2,)")),
     "unsupported dtype '<c8'"),
]

# Commands: (label, role of the broken file, argv with BAD/DATA/CKPT/OUT).
commands = [
    ("train --data", "data", ["train", "--data", "BAD", "--checkpoint", "OUT"]),
    ("train --val", "data",
     ["train", "--data", "DATA", "--val", "BAD", "--checkpoint", "OUT"]),
    ("train --init", "state",
     ["train", "--data", "DATA", "--init", "BAD", "--checkpoint", "OUT"]),
    ("train --resume", "state",
     ["train", "--data", "DATA", "--resume", "BAD", "--checkpoint", "BAD"]),
    ("eval --data", "data", ["eval", "--data", "BAD", "--checkpoint", "CKPT"]),
    ("eval --checkpoint", "state",
     ["eval", "--data", "DATA", "--checkpoint", "BAD"]),
    ("predict --input", "data",
     ["predict", "--input", "BAD", "--checkpoint", "CKPT", "--output", "OUT"]),
    ("predict --checkpoint", "state",
     ["predict", "--input", "DATA", "--checkpoint", "BAD", "--output", "OUT"]),
]


def digest(folder):
    return {f: hashlib.sha256(open(os.path.join(folder, f), "rb").read())
            .hexdigest() for f in sorted(os.listdir(folder))}


failures = []
runs = 0
base = os.path.basename(prog)
for name, build, expected in cases:
    for label, role, argv in commands:
        folder = os.path.join(work, name, label.replace(" ", "").replace(
            "-", ""))
        os.makedirs(folder, exist_ok=True)
        bad = os.path.join(folder, "bad.npz")
        with open(bad, "wb") as f:
            f.write(build(role))
        for src, dst in (("good.data.npz", "data.npz"),
                         ("good.ckpt.npz", "ckpt.npz")):
            with open(os.path.join(work, src), "rb") as f, \
                    open(os.path.join(folder, dst), "wb") as g:
                g.write(f.read())
        subst = {"BAD": bad, "DATA": os.path.join(folder, "data.npz"),
                 "CKPT": os.path.join(folder, "ckpt.npz"),
                 "OUT": os.path.join(folder, "out.npz")}
        before = digest(folder)
        proc = subprocess.run([prog] + [subst.get(a, a) for a in argv],
                              capture_output=True, text=True)
        runs += 1
        err = proc.stderr.strip().splitlines()
        what = f"{name} / {label}"
        if proc.returncode != 1:
            failures.append(f"{what}: exit {proc.returncode}: {proc.stderr}")
        elif len(err) != 1 or not err[0].startswith(f"{base}: error: "):
            failures.append(f"{what}: not one error line: {proc.stderr!r}")
        elif bad not in err[0] or expected not in err[0]:
            failures.append(f"{what}: expected '{expected}' naming {bad}, "
                            f"got: {err[0]}")
        if digest(folder) != before:
            failures.append(f"{what}: files changed or appeared: "
                            f"{sorted(set(digest(folder)) ^ set(before))}")

for f in failures:
    print("FAIL:", f)
print(f"{len(cases)} corrupt files x {len(commands)} commands = {runs} runs, "
      f"{len(failures)} failures")
sys.exit(1 if failures else 0)
