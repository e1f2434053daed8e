"""PNG plots of the selection tables (matplotlib Agg, no timestamps in the files: equal data => equal bytes); the
cost plots are in plots_cost."""
from __future__ import annotations

from pathlib import Path

import numpy as np

PNG_METADATA = {"Software": None}


def pyplot():
    """matplotlib.pyplot on the Agg backend with fixed, file-independent settings."""
    import matplotlib
    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt
    matplotlib.rcParams.update({"svg.hashsalt": "taskspace", "font.family": "DejaVu Sans", "font.size": 8,
                                "figure.dpi": 100, "savefig.dpi": 100})
    return plt


def save(fig, path: Path) -> Path:
    """Write FIG as PNG without metadata that changes between runs."""
    fig.savefig(path, format="png", metadata=PNG_METADATA)
    fig.clf()
    import matplotlib.pyplot as plt
    plt.close(fig)
    return path


def similarity_heatmap(C: np.ndarray, models: list[str], path: Path, pool: str) -> Path:
    """Cosine similarity between the operators of POOL's models as a heat map (models in the order given), the
    colour scale spanning this pool's range and every cell labelled with its value when there are few models."""
    plt = pyplot()
    n = len(models)
    size = 2.6 + 0.27 * n
    fig, ax = plt.subplots(figsize=(size + 1.2, size))
    off = C[~np.eye(n, dtype=bool)] if n > 1 else np.array([0.0])
    lo = float(np.floor(off.min() * 100) / 100) if n > 1 else -1.0
    im = ax.imshow(C, cmap="viridis", vmin=min(lo, 0.99), vmax=1.0, interpolation="nearest")
    names = [m.split("/")[-1] for m in models]
    ax.set_xticks(range(n), names, rotation=90, fontsize=7)
    ax.set_yticks(range(n), names, fontsize=7)
    if n <= 16:
        mid = (min(lo, 0.99) + 1.0) / 2
        for i in range(n):
            for j in range(n):
                ax.text(j, i, f"{C[i, j]:.2f}", ha="center", va="center", fontsize=5.5,
                        color="white" if C[i, j] < mid else "black")
    ax.set_title(f"{pool}: cosine similarity of operators", fontsize=9)
    fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04, label="cosine (scale: this pool's range)")
    fig.tight_layout()
    return save(fig, path)


def predicted_vs_observed(rows: list[dict], path: Path, pool: str) -> Path:
    """Predicted vs observed accuracy on POOL's held-out prompts: one point per (task, model), coloured by model
    (legend beside the plot), with the diagonal."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6.0, 4.2))
    fig.subplots_adjust(left=0.11, right=0.62, top=0.9, bottom=0.12)
    cmap = plt.get_cmap("tab20")
    models = sorted({r["model_id"] for r in rows})
    for k, m in enumerate(models):
        pts = [r for r in rows if r["model_id"] == m]
        ax.scatter([r["predicted_accuracy"] for r in pts], [r["observed_accuracy"] for r in pts], s=12,
                   color=cmap(k % 20), label=f"{m.split('/')[-1]} ({len(pts)})", alpha=0.85)
    ax.plot([0, 1], [0, 1], "--", c="#444444", lw=0.8)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("predicted accuracy (mean P(correct))")
    ax.set_ylabel("observed accuracy (share correct)")
    ax.set_title(f"{pool}: per task and model, held-out prompts", fontsize=9)
    if rows:
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=6, title="model (tasks)", title_fontsize=6)
    return save(fig, path)


def reliability(rows: list[dict], path: Path) -> Path:
    """Reliability per pool on held-out prompts: observed vs mean predicted success per probability bin (marker
    area ~ results in the bin), the diagonal, and each pool's ECE in the legend."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(5.0, 4.2))
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
    ax.set_title(f"reliability on held-out prompts (10 bins): {', '.join(sorted({r['benchmark'] for r in rows}))}",
                 fontsize=9)
    if rows:
        ax.legend(loc="upper left", fontsize=7)
    fig.tight_layout()
    return save(fig, path)


def log_x(ax) -> None:
    """Log x axis labelled at 1, 2 and 5 times each power of ten when the data span under two decades, else at the
    decades only (denser labels overlap)."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter
    ax.set_xscale("log")
    lo, hi = ax.get_xlim()
    if 0 < lo < hi and np.log10(hi / lo) < 2:
        ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.2g}"))
    ax.xaxis.set_minor_formatter(NullFormatter())
