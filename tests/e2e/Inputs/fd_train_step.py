#!/usr/bin/python3
"""Checks a compiled model's train-step gradients against central finite
differences of its own training-mode forward pass, through the executable.

    fd_train_step.py EXE DATA.npz INIT.npz STEP1.npz WORKDIR ARRAY...

STEP1.npz is the checkpoint after one Adam step from INIT.npz on all of
DATA.npz as one batch (--no-shuffle): its first moments are m = (1 - beta1)
g, so g = m / (1 - beta1) is the gradient the compiled train step computed.
For every element of each named ARRAY, the training-mode loss L (the mean
softmax cross entropy of `EXE predict --mode train` logits on the same
batch, in float64; batch norm uses that batch's statistics) is evaluated
with the element moved by +-H (again by +-H/10 when they disagree: a
relu's kink within H makes the difference one-sided); (L+ - L-) / 2H must
agree with its g to ATOL + RTOL |fd|. Prints `PASS name` or `FAIL name` with the elements that
disagree.

Batch norm's gamma and beta are the arrays to check around a max pool: a
shift of beta, or a positive scale of gamma, moves a channel's values
together, so the pool's choice stays; a convolution's weights change the
pooled values' order for a few elements at any step size.
"""
import os
import subprocess
import sys

import numpy as np

BETA1 = 0.9
H = 1e-3
ATOL = 1e-3
RTOL = 2e-2


def main():
    exe, data_path, init_path, step1_path, workdir = sys.argv[1:6]
    data = np.load(data_path)
    n = len(data["y"])
    init = dict(np.load(init_path))
    step1 = np.load(step1_path)
    state_path = os.path.join(workdir, "fd_state.npz")
    out_path = os.path.join(workdir, "fd_out.npz")

    def loss(state):
        np.savez(state_path, **state)
        subprocess.run([exe, "predict", "--mode", "train", "--checkpoint",
                        state_path, "--input", data_path, "--output", out_path,
                        "--batch-size", str(n), "--threads", "1"],
                       check=True, stdout=subprocess.DEVNULL)
        z = np.load(out_path)["logits"].astype(np.float64)
        z -= z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        return -logp[np.arange(n), data["y"]].mean()

    def fd_at(name, i, h):
        values = []
        for sign in (1, -1):
            moved = init[name].copy().ravel()
            moved[i] += sign * h
            state = dict(init)
            state[name] = moved.reshape(init[name].shape)
            values.append(loss(state))
        return (values[0] - values[1]) / (2 * h)

    for name in sys.argv[6:]:
        g = step1[name + "/m"].astype(np.float64).ravel() / (1 - BETA1)
        bad = []
        for i in range(g.size):
            fd = fd_at(name, i, H)
            if abs(fd - g[i]) > ATOL + RTOL * abs(fd):
                # A relu's kink within H of a value (beta starts at 0)
                # makes the difference one-sided: again with H / 10.
                fd = fd_at(name, i, H / 10)
            if abs(fd - g[i]) > ATOL + RTOL * abs(fd):
                bad.append("%d: fd %.5g, train step %.5g" % (i, fd, g[i]))
        print("%s %s (%d elements)%s" % ("FAIL" if bad else "PASS", name,
                                         g.size, "".join("\n  " + b
                                                         for b in bad[:10])))


if __name__ == "__main__":
    main()
