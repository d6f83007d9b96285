"""Writes the fake model's data (make_npz.py's `data`) as CSV files.

usage: make_csv.py DATA.npz OUT_DIR

good.csv: header x[0],x[1],x[2],y plus an unused column; reordered.csv: the
label first and x_0.. columns; and broken files for the error tests."""
import os
import sys

import numpy as np

d = np.load(sys.argv[1])
x, y = d["x"], d["y"]
out = sys.argv[2]


def write(name, header, rows):
    with open(os.path.join(out, name), "w") as f:
        f.write(header + "\n")
        for r in rows:
            f.write(r + "\n")


# %.9g round-trips float32 exactly.
fmt = lambda v: "%.9g" % v
write("good.csv", "x[0],x[1],x[2],y,note",
      [",".join(map(fmt, x[i])) + ",%d,row %d" % (y[i], i) for i in range(len(y))])
write("reordered.csv", "y, x_0, x_1, x_2",
      ["%d, " % y[i] + ", ".join(map(fmt, x[i])) for i in range(len(y))])
write("inputs.csv", "x0,x1,x2", [",".join(map(fmt, x[i])) for i in range(len(y))])
# Indexed columns in another order, and a byte-order mark (Excel's CSV).
write("shuffled.csv", "\ufeffy,x[2],x[0],x[1]",
      ["%d," % y[i] + ",".join(fmt(x[i][k]) for k in (2, 0, 1)) for i in range(len(y))])
write("duplicate_index.csv", "x_0,x_1,x_1,y", ["1,2,3,0"])
write("short_row.csv", "x[0],x[1],x[2],y", ["1,2,3,0", "1,2,0"])
write("not_number.csv", "x[0],x[1],x[2],y", ["1,2,3,0", "1,abc,3,1"])
write("fraction.csv", "x[0],x[1],x[2],y", ["1,2,3,0.5"])
write("too_big.csv", "x[0],x[1],x[2],y", ["1,2,3,0", "1,1e39,3,1"])
write("missing.csv", "x[0],x[1],y", ["1,2,0"])
write("range.csv", "x[0],x[1],x[2],y", ["1,2,3,0", "1,2,3,7"])
open(os.path.join(out, "empty.csv"), "w").close()
