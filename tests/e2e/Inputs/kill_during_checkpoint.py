"""kill -9 a training run at many moments while it writes a checkpoint every
epoch; the checkpoint file must always be absent or loadable."""
import os
import signal
import subprocess
import sys
import time

import numpy as np

exe, data, ckpt = sys.argv[1:4]
loadable = 0
for i in range(12):
    p = subprocess.Popen([exe, "train", "--data", data, "--epochs", "100000",
                          "--batch-size", "50", "--checkpoint", ckpt],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.05 + 0.037 * i)
    os.kill(p.pid, signal.SIGKILL)
    p.wait()
    if os.path.exists(ckpt):
        with np.load(ckpt, allow_pickle=False) as z:
            assert int(z["global_step"]) >= 0
            for k in z.keys():
                z[k]
        loadable += 1
print(f"killed 12 runs; checkpoint loadable after {loadable} of them")
