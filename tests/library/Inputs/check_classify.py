"""Compares examples/embed/classify's predictions with the executable's
`predict` on the same images (read from the IDX file here).

usage: check_classify.py CLASSIFY_OUTPUT EXE CKPT IMAGES.gz WORKDIR
"""
import gzip
import os
import re
import subprocess
import sys

import numpy as np

out, exe, ckpt, images, work = sys.argv[1:6]
shown = [tuple(map(int, m.groups())) for m in
         re.finditer(r"^image (\d+): (\d+) ", open(out).read(), re.M)]
with gzip.open(images, "rb") as f:
    data = f.read()
x = np.frombuffer(data, np.uint8, offset=16).reshape(-1, 28, 28, 1)
x = (x[:len(shown)].astype(np.float32) / 255.0)
np.savez(os.path.join(work, "x.npz"), x=x)
subprocess.run([exe, "predict", "--input", os.path.join(work, "x.npz"),
                "--checkpoint", ckpt, "--output",
                os.path.join(work, "y.npz")], check=True, capture_output=True)
expected = np.load(os.path.join(work, "y.npz"))["logits"].argmax(axis=1)
agree = sum(int(k) == int(expected[i]) for i, k in shown)
print(f"{agree} of {len(shown)} predictions agree with the executable")
