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


def markdown(res):
    m, lim, c = res["meta"], res["limits"], res["compile"]
    out = [
        "# modelc vs PyTorch",
        "",
        f"{m['date']}, modelc `{m['modelc_git']}`, PyTorch {m.get('torch', '?')} (Debian, "
        f"BLAS `{m.get('torch_blas', '?')}`), "
        f"{m['cpu']}, {m['cores']} cores; {m['mode']} run: {m['rounds']} alternating rounds "
        f"x {m['steps']} timed calls per phase (after 2 warm-up calls)."
        + (f" **The machine was busy at the start ({m['busy']}): numbers are noisy.**"
           if m["busy"] else "")
        + (f" Other processes used {100 * m['others_cpu']:.0f}% of the CPUs during the run"
           + ("" if m["others_cpu"] < 0.05 else " (**noisy**: PyTorch's 2-thread numbers suffer"
              " most, since a stolen core stalls its OpenMP barriers)") + "."
           if "others_cpu" in m else ""),
        "",
        "## Machine limits",
        "",
        "| limit | 1 thread | 2 threads |",
        "|---|---:|---:|",
        f"| STREAM triad (GB/s) | {lim['triad_gbs']['1']:.1f} | {lim['triad_gbs']['2']:.1f} |",
        f"| FMA peak, f32, {lim['fma_width_bits']}-bit (GFLOP/s) | "
        f"{lim['fma_gflops']['1']:.1f} | {lim['fma_gflops']['2']:.1f} |",
        "",
        "## Models",
        "",
        "Milliseconds per call; ratio = PyTorch median / modelc median (> 1: modelc is faster).",
        "",
        "| model | batch | threads | phase | modelc median | min | max "
        "| PyTorch median | min | max | ratio |",
        "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    order = list(dict.fromkeys(r["model"] for r in res["rows"]))
    for r in sorted(res["rows"], key=lambda r: (order.index(r["model"]), r["phase"] != "train_step",
                                                -r["threads"])):
        if f"{r['model']}/{r['phase']}" in res["kernel_work"]:
            continue
        ratio = f"{r['ratio']:.2f}" if r["ratio"] else "n/a"
        out.append(f"| {r['model']} | {r['batch']} | {r['threads']} | {r['phase']} | "
                   f"{_ms(r['modelc'])} | {_ms(r['torch'])} | **{ratio}** |")
    out += _notes(res["rows"])
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
        "| kernel | threads | modelc ms | modelc | % of limit | best | PyTorch ms | PyTorch "
        "| % of limit | best |",
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
            s = r[side]
            if s:
                rate = amount / (s["median"] / 1e3)
                best = amount / (s["min"] / 1e3)
                cells.append(f"{s['median']:.3f} | {rate:.1f} {unit} | {100 * rate / limit:.0f}%"
                             f" | {100 * best / limit:.0f}%")
            else:
                cells.append("n/a | | | ")
        out.append(f"| {r['model']} {r['phase']} | {r['threads']} | {cells[0]} | {cells[1]} |")
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

    rows = [r for r in res["rows"]
            if f"{r['model']}/{r['phase']}" not in res["kernel_work"]]
    models = list(dict.fromkeys(r["model"] for r in rows))
    threads = sorted({r["threads"] for r in rows}, reverse=True)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.5), sharey=True)
    width = 0.8 / len(threads)
    for ax, phase in zip(axes, ("train_step", "forward_infer")):
        for i, t in enumerate(threads):
            ratio = {r["model"]: r["ratio"] for r in rows
                     if r["phase"] == phase and r["threads"] == t}
            vals = [ratio.get(m) for m in models]
            xs = [k + (i - (len(threads) - 1) / 2) * width for k in range(len(models))]
            # Bars grow from 1 (equal speed): up where modelc is faster.
            bars = ax.bar(xs, [v - 1 if v else float("nan") for v in vals], width, bottom=1,
                          label=f"{t} thread{'s' if t > 1 else ''}")
            ax.bar_label(bars, [f"{v:.2f}" if v else "" for v in vals], fontsize=7)
            for x, v in zip(xs, vals):
                if not v:  # modelc not timed (too slow or failed)
                    ax.text(x, 1, "n/a", ha="center", va="bottom", fontsize=7)
        # Log scale: 2x faster and 2x slower are the same distance from 1.
        ax.set_yscale("log")
        ax.set_yticks(TICKS, [f"{v:g}" for v in TICKS])
        ax.yaxis.set_minor_locator(NullLocator())
        ax.axhline(1, color="black", linewidth=0.8)
        ax.set_xticks(range(len(models)), models, rotation=15)
        ax.set_title(phase)
    known = [r["ratio"] for r in rows if r["ratio"]] + [1]
    axes[0].set_ylim(min(known) / 1.5, max(known) * 1.5)
    axes[0].set_ylabel("PyTorch time / modelc time  (> 1: modelc faster)")
    axes[1].legend(loc="upper left", bbox_to_anchor=(1.01, 1))
    m = res["meta"]
    fig.suptitle(f"modelc vs PyTorch {m.get('torch', '')} ({m['mode']} run, {m['date']})")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
