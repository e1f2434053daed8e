"""PNG plots of the selection tables (matplotlib Agg, no timestamps in the files: equal data => equal bytes)."""
from __future__ import annotations

from pathlib import Path

import numpy as np

PNG_METADATA = {"Software": None}


def _pyplot():
    """matplotlib.pyplot on the Agg backend with fixed, file-independent settings."""
    import matplotlib
    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt
    matplotlib.rcParams.update({"svg.hashsalt": "taskspace", "font.family": "DejaVu Sans", "font.size": 8,
                                "figure.dpi": 100, "savefig.dpi": 100})
    return plt


def _save(fig, path: Path) -> Path:
    """Write FIG as PNG without metadata that changes between runs."""
    fig.savefig(path, format="png", metadata=PNG_METADATA)
    fig.clf()
    import matplotlib.pyplot as plt
    plt.close(fig)
    return path


def cost_frontier(rows: list[dict], path: Path) -> Path:
    """One panel per task with measured costs: mean cost (log x) vs predicted success, frontier models joined."""
    plt = _pyplot()
    tasks = sorted({r["task"] for r in rows})
    n = max(len(tasks), 1)
    cols = min(n, 2)
    fig, axes = plt.subplots((n + cols - 1) // cols, cols, figsize=(5.2 * cols, 3.6 * ((n + cols - 1) // cols)),
                             squeeze=False)
    for ax, task in zip(axes.flat, tasks):
        pts = sorted((r for r in rows if r["task"] == task), key=lambda r: (r["mean_cost_usd"], r["model_id"]))
        x = np.array([r["mean_cost_usd"] for r in pts])
        y = np.array([r["predicted_accuracy"] for r in pts])
        front = np.array([bool(r["on_frontier"]) for r in pts])
        ax.scatter(x[~front], y[~front], c="#999999", s=18, label="dominated")
        ax.plot(x[front], y[front], "o-", c="#1f77b4", ms=5, label="frontier")
        for r in pts:
            ax.annotate(r["model_id"].split("/")[-1], (r["mean_cost_usd"], r["predicted_accuracy"]), fontsize=6,
                        xytext=(3, 2), textcoords="offset points")
        _log_x(ax)
        ax.set_title(task)
        ax.set_xlabel("mean cost per prompt (USD)")
        ax.set_ylabel("predicted success")
        ax.legend(loc="upper left", fontsize=6)
    for ax in list(axes.flat)[len(tasks):]:
        ax.axis("off")
    fig.tight_layout()
    return _save(fig, path)


def similarity_heatmap(C: np.ndarray, models: list[str], path: Path) -> Path:
    """Cosine similarity between operators as a heat map (models in the order given)."""
    plt = _pyplot()
    n = len(models)
    size = 2.5 + 0.28 * n
    fig, ax = plt.subplots(figsize=(size + 1.2, size))
    im = ax.imshow(C, cmap="RdBu_r", vmin=-1, vmax=1, interpolation="nearest")
    ax.set_xticks(range(n), [m.split("/")[-1] for m in models], rotation=90, fontsize=6)
    ax.set_yticks(range(n), [m.split("/")[-1] for m in models], fontsize=6)
    ax.set_title("operator cosine similarity")
    fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04)
    fig.tight_layout()
    return _save(fig, path)


def predicted_vs_observed(rows: list[dict], path: Path, title: str) -> Path:
    """Predicted vs observed accuracy, one point per (task, model), coloured by benchmark, with the diagonal."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5.0, 4.6))
    colours = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"]
    for k, bench in enumerate(sorted({r["benchmark"] for r in rows})):
        pts = [r for r in rows if r["benchmark"] == bench]
        ax.scatter([r["predicted_accuracy"] for r in pts], [r["observed_accuracy"] for r in pts], s=10,
                   c=colours[k % len(colours)], label=bench, alpha=0.8)
    ax.plot([0, 1], [0, 1], "--", c="#444444", lw=0.8)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("predicted accuracy")
    ax.set_ylabel("observed accuracy")
    ax.set_title(title)
    if rows:
        ax.legend(loc="upper left", fontsize=7)
    fig.tight_layout()
    return _save(fig, path)


def reliability(rows: list[dict], path: Path) -> Path:
    """Reliability per pool on held-out prompts: observed vs mean predicted success per probability bin (marker
    area ~ results in the bin), the diagonal, and each pool's ECE in the legend."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5.0, 4.6))
    for bench in sorted({r["benchmark"] for r in rows}):
        pts = [r for r in rows if r["benchmark"] == bench and r["n"]]
        ece = sum(r["ece_part"] or 0.0 for r in pts)
        ax.plot([r["mean_p"] for r in pts], [r["observed"] for r in pts], "-o", lw=1,
                ms=3, label=f"{bench} (ECE {ece:.3f})")
    ax.plot([0, 1], [0, 1], "--", c="#444444", lw=0.8)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("predicted P(correct), held-out prompts")
    ax.set_ylabel("observed share correct")
    ax.set_title("reliability per pool (10 bins)")
    if rows:
        ax.legend(loc="upper left", fontsize=7)
    fig.tight_layout()
    return _save(fig, path)


def _log_x(ax) -> None:
    """Log x axis with labels on decades only (minor labels overlap)."""
    from matplotlib.ticker import NullFormatter
    ax.set_xscale("log")
    ax.xaxis.set_minor_formatter(NullFormatter())


def routing(rows: list[dict], path: Path) -> Path:
    """Held-out routing policies per benchmark with costs: mean cost vs observed accuracy; the cost-aware policies
    (cheapest within a margin) joined in margin order, the best single model and the oracle marked."""
    plt = _pyplot()
    benches = sorted({r["benchmark"] for r in rows if r["mean_cost_usd"] is not None})
    fig, axes = plt.subplots(1, max(len(benches), 1), figsize=(5.2 * max(len(benches), 1), 3.8), squeeze=False)
    for ax, bench in zip(axes.flat, benches):
        pts = {r["policy"]: r for r in rows if r["benchmark"] == bench and r["mean_cost_usd"] is not None}
        curve = sorted((r for r in pts.values() if r["margin"] is not None), key=lambda r: r["margin"])
        ax.plot([r["mean_cost_usd"] for r in curve], [r["observed_accuracy"] for r in curve], "o-", c="#1f77b4",
                ms=4, label="cheapest within margin")
        for r in curve:
            ax.annotate(f"{r['margin']:.2f}", (r["mean_cost_usd"], r["observed_accuracy"]), fontsize=6,
                        xytext=(3, -8), textcoords="offset points")
        for name, style in (("best_single", ("*", "#d62728")), ("max_predicted", ("s", "#9467bd")),
                            ("oracle", ("D", "#2ca02c"))):
            if name in pts:
                ax.scatter([pts[name]["mean_cost_usd"]], [pts[name]["observed_accuracy"]], marker=style[0],
                           c=style[1], s=40, label=name, zorder=3)
        _log_x(ax)
        ax.set_title(f"{bench}: held-out routing")
        ax.set_xlabel("mean cost per prompt (USD)")
        ax.set_ylabel("observed accuracy")
        ax.legend(loc="lower right", fontsize=6)
    if not benches:
        axes.flat[0].axis("off")
    fig.tight_layout()
    return _save(fig, path)
