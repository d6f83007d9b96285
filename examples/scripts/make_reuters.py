"""Turns weka's Reuters-21578 "Grain" ARFF files (the only text corpus in
Debian, inside the weka package's examples) into token-id .npz data for the
text CNN: is a newswire story about grain?

usage: make_reuters.py ARFF_DIR OUTDIR  -> OUTDIR/reuters_train.npz, reuters_test.npz
Arrays: x int32 [N, 56] (word ids from the training vocabulary, 0 = padding
or unknown word; the first 56 words of the story), y int32 [N] (1 = grain).
"""
import os
import re
import sys
from collections import Counter

import numpy as np

SEQ, VOCAB = 56, 5000


def stories(path):
    text = open(path, encoding="latin-1").read()
    body = text.split("@data", 1)[1]
    # One record per line: 'story with \n escapes',label
    for m in re.finditer(r"'((?:[^'\\]|\\.)*)',([01])", body):
        yield m.group(1).replace("\\n", " ").replace("\\'", "'"), int(m.group(2))


def words(s):
    return re.findall(r"[a-z]+", s.lower())


def main():
    src, out = sys.argv[1:3]
    os.makedirs(out, exist_ok=True)
    train = list(stories(os.path.join(src, "ReutersGrain-train.arff")))
    test = list(stories(os.path.join(src, "ReutersGrain-test.arff")))
    counts = Counter(w for s, _ in train for w in words(s))
    vocab = {w: i + 1 for i, (w, _) in enumerate(counts.most_common(VOCAB - 1))}
    for name, data in (("train", train), ("test", test)):
        x = np.zeros((len(data), SEQ), dtype=np.int32)
        for i, (s, _) in enumerate(data):
            ids = [vocab.get(w, 0) for w in words(s)][:SEQ]
            x[i, :len(ids)] = ids
        y = np.array([label for _, label in data], dtype=np.int32)
        np.savez(os.path.join(out, f"reuters_{name}.npz"), x=x, y=y)
        print(f"reuters_{name}.npz: x {x.shape}, {int(y.sum())} grain stories "
              f"of {len(y)}")


if __name__ == "__main__":
    main()
