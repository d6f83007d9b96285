"""Turns bench.py's results into bench/results.md and bench/results.png."""


def cpu_name():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return "unknown"


def _ms(s):
    return f"{s['median']:.3f} | {s['min']:.3f} | {s['max']:.3f}" if s else "n/a | | "


def _notes(rows):
    """One line per model and thread count that was not timed as configured."""
    seen = dict.fromkeys(f"- {r['model']}, {r['threads']} thread(s): {r['note']}"
                         for r in rows if r["note"])
    return [""] + list(seen) if seen else []


# The peers in bench.py's order, for results.json files written before they
# came (only Debian's PyTorch, as row["torch"]).
LABELS = {"torch113": "PyTorch 1.13", "torch2": "PyTorch 2", "torch2-compile": "torch.compile",
          "jax": "JAX/XLA", "ort": "onnxruntime"}


def peers_of(res):
    """{peer: its meta} in the run's order; rows get row["peers"]."""
    for r in res["rows"]:
        if "peers" not in r:
            r["peers"] = {"torch113": {"time": r["torch"], "ratio": r["ratio"]}}
    meta = res["meta"].get("peers")
    if meta is None:
        meta = {"torch113": {"label": LABELS["torch113"], "available": True,
                             "info": {"version": res["meta"].get("torch", "?"),
                                      "blas": res["meta"].get("torch_blas", "?")}}}
    return meta


def _peer_cell(e):
    """ratio (peer median ms); "n/a" with no time."""
    if not e:
        return ""
    if e.get("note") == "no such phase":
        return "–"
    if not e["time"]:
        return "n/a"
    ms = e["time"]["median"]
    return f"**{e['ratio']:.2f}** ({ms:.3f})" if e["ratio"] else f"n/a ({ms:.3f})"


def _layouts(name, rows):
    """"channels-last (NCHW: textcnn train_step)": a peer's memory layouts,
    the most common one first, then the exceptions."""
    got = {}
    for r in rows:
        lay = r.get("peers", {}).get(name, {}).get("layout")
        if lay:
            got.setdefault(lay.replace("_", "-"), []).append(f"{r['model']} {r['phase']}")
    if not got:
        return ""
    order = sorted(got, key=lambda k: -len(got[k]))
    text = order[0]
    others = [f"{k}: {', '.join(dict.fromkeys(got[k]))}" for k in order[1:]]
    return text + (f" ({'; '.join(others)})" if others else "")


def _peer_line(name, p, rows=()):
    """One line of the Peers list: what it is, its versions, or why it is
    missing."""
    head = f"- `{name}`, {p['label']}"
    if not p["available"]:
        return f"{head}: **not available**: {p.get('reason', '?')}"
    i = p.get("info", {})
    parts = []
    if name.startswith("torch"):
        parts.append(f"torch {i.get('version', '?')}")
        if i.get("blas"):
            parts.append(f"BLAS `{i['blas']}`")
        if i.get("onednn"):
            parts.append(f"oneDNN {i['onednn']}")
        if _layouts(name, rows):
            parts.append(_layouts(name, rows))
        if i.get("inductor_isa"):
            parts.append(f"Inductor kernels: {i['inductor_isa']}")
    elif name == "jax":
        parts.append(f"jax {i.get('version', '?')}, jaxlib {i.get('jaxlib', '?')}")
        if "xla_flags" in i:
            parts.append(f"XLA_FLAGS `{i['xla_flags']}` and CPU affinity")
    elif name == "ort":
        parts.append(f"onnxruntime {i.get('version', '?')}, {i.get('threads', '?')} intra-op"
                     f" and 1 inter-op thread(s), exported by {i.get('exported_by', '?')}"
                     f" (opset {i.get('opset', '?')})")
    what = f" ({p['what']})" if p.get("what") else ""
    return f"{head}{what}: " + ", ".join(parts)


def _peer_notes(rows, peers):
    """Why a peer has no or fewer numbers for a model (not for missing
    phases, and once for a peer that is not available at all)."""
    seen = dict.fromkeys(
        f"- {peers[k]['label']}, {r['model']}, {r['threads']} thread(s): {e['note']}"
        for r in rows for k, e in r.get("peers", {}).items()
        if e.get("note") and e["note"] not in ("no such phase", "not available"))
    return [""] + list(seen) if seen else []


def _setup_times(rows, peers):
    """Each peer's set-up per model: building it and its first calls (warm-up
    included), i.e. torch.compile's and XLA's compiles and the ONNX export."""
    cells = {}
    for r in rows:
        for k, e in r.get("peers", {}).items():
            if "setup_s" in e:
                cells[(r["model"], r["threads"], k)] = e["setup_s"]
    if not cells:
        return []
    names = [k for k in peers if any(key[2] == k for key in cells)]
    keys = list(dict.fromkeys((m, t) for m, t, _ in cells))
    out = ["", "Set-up, seconds: building the model and its first 3 calls of each phase (for"
           " torch.compile and JAX, the compile; for onnxruntime, the ONNX export and session;"
           " modelc's compile is in the last section).", "",
           "| model | threads | " + " | ".join(peers[k]["label"] for k in names) + " |",
           "|---|---:|" + "---:|" * len(names)]
    for m, t in keys:
        out.append(f"| {m} | {t} | " + " | ".join(
            f"{cells[(m, t, k)]:.1f}" if (m, t, k) in cells else "" for k in names) + " |")
    return out


def _peak_shares(res, peers, shown):
    """Each side's FLOP rate at its median as a share of the FMA peak at
    the same thread count: where a ratio target exceeds what the peak
    allows (a peer at 80% cannot be beaten 1.5x)."""
    flops, peak = res.get("model_flops"), res["limits"]["fma_gflops"]
    if not flops:
        return []
    out = ["", "Share of the FMA peak: the convolutions' and matrix products' FLOPs per call"
           " (2 per multiply-add, as `modelc --profile --emit=info` counts them; element-wise"
           " work left out) / the median time / the measured FMA peak at that thread count.",
           "", "| model | threads | phase | GFLOP | modelc | "
           + " | ".join(peers[k]["label"] for k in shown) + " |",
           "|---|---:|---|---:|---:|" + "---:|" * len(shown)]
    order = list(dict.fromkeys(r["model"] for r in res["rows"]))
    for r in sorted(res["rows"], key=lambda r: (order.index(r["model"]), r["phase"] != "train_step",
                                                -r["threads"])):
        per_example = (flops.get(r["model"]) or {}).get(r["phase"])
        if not per_example:
            continue
        gflop = per_example * r["batch"] / 1e9
        limit = peak[str(r["threads"])]

        def share(ms):
            return f"{100 * gflop / (ms / 1e3) / limit:.0f}%"
        cells = []
        for k in shown:
            e = r["peers"].get(k)
            cells.append(share(e["time"]["median"]) if e and e.get("time") else "–")
        mine = share(r["modelc"]["median"]) if r.get("modelc") else "–"
        out.append(f"| {r['model']} | {r['threads']} | {r['phase']} | {gflop:.3f} | "
                   f"{mine} | " + " | ".join(cells) + " |")
    return out


def markdown(res):
    m, lim, c = res["meta"], res["limits"], res["compile"]
    peers = peers_of(res)
    shown = [k for k, p in peers.items()
             if any(k in r["peers"] for r in res["rows"]
                    if f"{r['model']}/{r['phase']}" not in res["kernel_work"])]
    ref = peers.get("torch113", {}).get("info", {})
    out = [
        "# modelc vs PyTorch, JAX and onnxruntime" if len(peers) > 1 else "# modelc vs PyTorch",
        "",
        f"{m['date']}, modelc `{m['modelc_git']}`"
        + (f", PyTorch {ref.get('version', '?')} (Debian, BLAS `{ref.get('blas', '?')}`)"
           if ref else "")
        + f", {m['cpu']}, {m['cores']} cores; {m['mode']} run: {m['rounds']} alternating rounds "
        f"x {m['steps']} timed calls per phase (after 2 warm-up calls)."
        + (f" Subset: models {', '.join(m['subset']['models'] or ['all'])}, "
           f"threads {', '.join(map(str, m['subset']['threads']))}." if m.get("subset") else "")
        + (f" **ISA held to {m['isa'].upper()}**: modelc built with "
           f"{' '.join(m.get('modelc_isa_args', ['--target-cpu=x86-64-v3']))},"
           " PyTorch with ATEN_CPU_CAPABILITY and ONEDNN_MAX_CPU_ISA, XLA with"
           " --xla_cpu_max_isa (onnxruntime has no switch)." if m.get("isa") else "")
        + (f" **The machine was busy at the start ({m['busy']}): numbers are noisy.**"
           if m["busy"] else "")
        + (f" Other processes used {100 * m['others_cpu']:.0f}% of the CPUs during the run"
           + ("" if m["others_cpu"] < 0.05 else " (**noisy**: PyTorch's 2-thread numbers suffer"
              " most, since a stolen core stalls its OpenMP barriers)") + "."
           if "others_cpu" in m else "")
        + (f" The run took {m['seconds'] / 60:.1f} min." if "seconds" in m else ""),
        "",
        "## Machine limits",
        "",
        "| limit | 1 thread | 2 threads |",
        "|---|---:|---:|",
        f"| STREAM triad (GB/s) | {lim['triad_gbs']['1']:.1f} | {lim['triad_gbs']['2']:.1f} |",
        f"| FMA peak, f32, {lim['fma_width_bits']}-bit (GFLOP/s) | "
        f"{lim['fma_gflops']['1']:.1f} | {lim['fma_gflops']['2']:.1f} |",
        "",
    ]
    if len(peers) > 1 or "peers" in m:
        out += ["## Peers", ""]
        out += [_peer_line(k, p, res["rows"]) for k, p in peers.items()]
        out.append("")
    out += [
        "## Models",
        "",
        "Milliseconds per call. A peer's column: **its median / modelc's median** (> 1: modelc"
        " is faster), then its median in ms; – : the peer has no such phase; n/a: not timed.",
        "",
        "| model | batch | threads | phase | modelc median | min | max | "
        + " | ".join(peers[k]["label"] for k in shown) + " |",
        "|---|---:|---:|---|---:|---:|---:|" + "---:|" * len(shown),
    ]
    order = list(dict.fromkeys(r["model"] for r in res["rows"]))
    for r in sorted(res["rows"], key=lambda r: (order.index(r["model"]), r["phase"] != "train_step",
                                                -r["threads"])):
        if f"{r['model']}/{r['phase']}" in res["kernel_work"]:
            continue
        out.append(f"| {r['model']} | {r['batch']} | {r['threads']} | {r['phase']} | "
                   f"{_ms(r['modelc'])} | "
                   + " | ".join(_peer_cell(r["peers"].get(k)) for k in shown) + " |")
    out += _notes(res["rows"])
    out += _peer_notes(res["rows"], peers)
    out += _peak_shares(res, peers, shown)
    out += _setup_times(res["rows"], peers)
    out += [
        "",
        "## Kernels",
        "",
        "BN: 64x56x56x64 f32, traffic counted as its minimum (training: 2 reads + 1 write,"
        " as STREAM's triad; inference: 1 read + 1 write). Conv: the text CNN's 5x200x1->100"
        " conv, batch 64 (0.67 GFLOP). Rates are at the median time; the limit is the measured"
        " limit (best of several runs) at the same thread count. \"best\" compares like with"
        " like: the rate of the kernel's fastest call against that same limit.",
        "",
        "| kernel | threads | modelc ms | modelc | % of limit | best | PyTorch 1.13 ms | "
        "PyTorch 1.13 | % of limit | best |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in res["rows"]:
        work = res["kernel_work"].get(f"{r['model']}/{r['phase']}")
        if not work:
            continue
        unit, amount, limit_key = work
        limit = lim[limit_key][str(r["threads"])]
        cells = []
        for side in ("modelc", "torch"):
            s = r.get(side)
            if s:
                rate = amount / (s["median"] / 1e3)
                best = amount / (s["min"] / 1e3)
                cells.append(f"{s['median']:.3f} | {rate:.1f} {unit} | {100 * rate / limit:.0f}%"
                             f" | {100 * best / limit:.0f}%")
            else:
                cells.append("n/a | | | ")
        out.append(f"| {r['model']} {r['phase']} | {r['threads']} | {cells[0]} | {cells[1]} |")
    if not any(f"{r['model']}/{r['phase']}" in res["kernel_work"] for r in res["rows"]):
        out.append("| (not run) | | | | | | | | | |")
    out += _notes([r for r in res["rows"]
                   if f"{r['model']}/{r['phase']}" in res["kernel_work"]])

    out += ["", "## Compiler", ""]
    if c:
        out.append(f"`modelc examples/textcnn.json -o textcnn`: {c['median_s']:.2f} s "
                   f"(median of {len(c['runs_s'])}); executable {c['exe_bytes'] / 1e6:.2f} MB.")
    else:
        out.append("`modelc examples/textcnn.json` never compiled: no compile time.")
    if m.get("compile_failures"):
        out += ["", "Failed compiles (a model is tried up to 3 times; failed runs are left "
                "out of the compile time):", ""]
        out += [f"- {f}" for f in m["compile_failures"]]
    out.append("")
    return "\n".join(out)


TICKS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100]


def chart(res, path):
    import matplotlib
    matplotlib.use("Agg")  # no display on a build machine
    import matplotlib.pyplot as plt
    from matplotlib.ticker import NullLocator

    peers = peers_of(res)
    rows = [r for r in res["rows"]
            if f"{r['model']}/{r['phase']}" not in res["kernel_work"]]
    models = list(dict.fromkeys(r["model"] for r in rows))
    threads = sorted({r["threads"] for r in rows}, reverse=True)
    names = [k for k in peers if any(k in r["peers"] for r in rows)]
    phases = ("train_step", "forward_infer")
    fig, axes = plt.subplots(len(threads), 2, figsize=(12, 3.6 * len(threads) + 0.8),
                             sharey=True, squeeze=False)
    width = 0.8 / max(1, len(names))
    known = [1]
    for row_axes, t in zip(axes, threads):
        for ax, phase in zip(row_axes, phases):
            for i, k in enumerate(names):
                entry = {r["model"]: r["peers"].get(k) for r in rows
                         if r["phase"] == phase and r["threads"] == t}
                vals = [(entry.get(m) or {}).get("ratio") for m in models]
                known += [v for v in vals if v]
                xs = [j + (i - (len(names) - 1) / 2) * width for j in range(len(models))]
                # Bars grow from 1 (equal speed): up where modelc is faster.
                bars = ax.bar(xs, [v - 1 if v else float("nan") for v in vals], width,
                              bottom=1, label=peers[k]["label"], color=f"C{i}")
                ax.bar_label(bars, [f"{v:.2f}" if v else "" for v in vals], fontsize=6)
                for x, m, v in zip(xs, models, vals):
                    e = entry.get(m)
                    if e and not v and e.get("note") != "no such phase":  # not timed
                        ax.text(x, 1, "n/a", ha="center", va="bottom", fontsize=6,
                                rotation=90)
            # Log scale: 2x faster and 2x slower are the same distance from 1.
            ax.set_yscale("log")
            ax.set_yticks(TICKS, [f"{v:g}" for v in TICKS])
            ax.yaxis.set_minor_locator(NullLocator())
            ax.axhline(1, color="black", linewidth=0.8)
            ax.set_xticks(range(len(models)), models, rotation=15)
            ax.set_title(f"{phase}, {t} thread{'s' if t > 1 else ''}")
        row_axes[0].set_ylabel("peer time / modelc time\n(> 1: modelc faster)")
    axes[0][0].set_ylim(min(known) / 1.5, max(known) * 1.5)
    axes[0][1].legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    m = res["meta"]
    fig.suptitle(f"modelc vs {', '.join(peers[k]['label'] for k in names)} "
                 f"({m['mode']} run, {m['date']})")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
