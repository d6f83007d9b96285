"""The JAX/XLA peer's timing process (protocol: worker_common.py).

    jax_worker.py THREADS

train_step is one `jax.jit` of the whole step: forward, softmax cross
entropy, gradients (jax.grad), Adam (PyTorch's defaults, written out: no
optimizer library) and batch norm's moving statistics, with the parameters,
the moving statistics and Adam's state donated, so XLA updates them in
place as modelc does. forward_infer is a `jax.jit` of the inference-mode
forward (moving statistics, no dropout). Each timed call waits for its
results (block_until_ready): JAX dispatches asynchronously.

Threads: XLA's CPU client sizes its thread pool from the CPUs the process
may run on, so THREADS is set as this process's CPU affinity (the first
THREADS CPUs, as `taskset` would) before jax is imported; XLA_FLAGS (set by
bench.py) also turns Eigen's multi-threading off on 1 thread.
"""
import os
import sys

THREADS = int(sys.argv[1])
if THREADS < len(os.sched_getaffinity(0)):
    os.sched_setaffinity(0, sorted(os.sched_getaffinity(0))[:THREADS])

import jax  # noqa: E402  (after the affinity is set)
import jax.numpy as jnp  # noqa: E402
import jaxlib  # noqa: E402

import jax_models  # noqa: E402
import worker_common  # noqa: E402

B1, B2, ADAM_EPS = 0.9, 0.999, 1e-8


def make_steps(apply, lr):
    def loss_fn(params, stats, x, y, key):
        logits, new_stats = apply(params, stats, x, True, key)
        logp = jax.nn.log_softmax(logits)
        return -jnp.mean(jnp.take_along_axis(logp, y[:, None], 1)), new_stats

    def train_step(params, stats, opt, x, y):
        m, v, t = opt
        t = t + 1
        key = jax.random.fold_in(jax.random.PRNGKey(0), t)  # dropout's mask
        grads, new_stats = jax.grad(loss_fn, has_aux=True)(params, stats, x, y, key)
        m = jax.tree_util.tree_map(lambda m, g: B1 * m + (1 - B1) * g, m, grads)
        v = jax.tree_util.tree_map(lambda v, g: B2 * v + (1 - B2) * g * g, v, grads)
        tf = t.astype(jnp.float32)
        step = lr / (1 - B1 ** tf)
        root = jnp.sqrt(1 - B2 ** tf)
        params = jax.tree_util.tree_map(
            lambda p, m, v: p - step * m / (jnp.sqrt(v) / root + ADAM_EPS), params, m, v)
        return params, new_stats, (m, v, t)

    def forward_infer(params, stats, x):
        return apply(params, stats, x, False, None)[0]

    return (jax.jit(train_step, donate_argnums=(0, 1, 2)), jax.jit(forward_infer))


class Bench:
    def __init__(self, name, batch):
        init, apply, self.x, classes, lr = jax_models.make(name, batch)
        self.params, self.stats = init.params, init.stats
        zeros = jax.tree_util.tree_map(jnp.zeros_like, self.params)
        self.opt = (zeros, jax.tree_util.tree_map(jnp.zeros_like, self.params),
                    jnp.zeros((), jnp.int32))
        self.y = jax.random.randint(jax.random.PRNGKey(2), (batch,), 0, classes,
                                    dtype=jnp.int32)
        self.train_fn, self.infer_fn = make_steps(apply, lr)

    def train_step(self):
        self.params, self.stats, self.opt = self.train_fn(self.params, self.stats,
                                                          self.opt, self.x, self.y)
        jax.block_until_ready(self.params)

    def forward_infer(self):
        self.infer_fn(self.params, self.stats, self.x).block_until_ready()


def main():
    def hello():
        return {"version": jax.__version__, "jaxlib": jaxlib.__version__,
                "backend": jax.default_backend(), "threads": THREADS,
                "cpus": sorted(os.sched_getaffinity(0)),
                "xla_flags": os.environ.get("XLA_FLAGS", "")}

    def setup(name, batch):
        b = Bench(name, batch)
        return {"train_step": b.train_step, "forward_infer": b.forward_infer}

    worker_common.serve(hello, setup)


if __name__ == "__main__":
    main()
