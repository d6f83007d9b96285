"""Random classification data for the training-loop tests: x [N,6,6,1], y [N]."""
import sys

import numpy as np

n = int(sys.argv[2]) if len(sys.argv) > 2 else 100
r = np.random.RandomState(1)
x = r.randn(n, 6, 6, 1).astype(np.float32)
y = (x[:, :3].sum(axis=(1, 2, 3)) > 0).astype(np.int32) + (x[:, 3:].sum(axis=(1, 2, 3)) > 1)
np.savez(sys.argv[1], x=x, y=y.astype(np.int32))
