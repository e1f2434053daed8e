"""PNG plots of one pool's costs: predicted success vs mean cost per task (frontier models labelled in a column
beside each panel, so labels never overlap) and held-out routing policies (same labelling)."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from tasks.selection.plots import log_x, pyplot, save

LABEL_PT = 7.0          # label font size (points)
LABEL_GAP = 1.45        # vertical distance between label centres, in label font heights


def spread(ys: list[float], gap: float, lo: float = 0.0, hi: float = 1.0) -> list[float]:
    """Label heights near YS (in their order) at least GAP apart inside [LO, HI] (the gap shrinks when they do not
    fit); the order of YS is kept."""
    n = len(ys)
    if n == 0:
        return []
    gap = min(gap, (hi - lo) / max(n - 1, 1))
    order = sorted(range(n), key=lambda i: (ys[i], i))
    pos = [min(max(ys[i], lo), hi) for i in order]
    for k in range(1, n):                  # push up
        pos[k] = max(pos[k], pos[k - 1] + gap)
    pos[-1] = min(pos[-1], hi)
    for k in range(n - 2, -1, -1):         # then down from the top
        pos[k] = min(pos[k], pos[k + 1] - gap)
    out = [0.0] * n
    for k, i in enumerate(order):
        out[i] = pos[k]
    return out


def side_labels(ax, xs, ys, labels: list[str], fig_height_in: float) -> list:
    """Annotate the points (XS, YS) with LABELS in a column right of AX, spread so they never overlap, each joined
    to its point by a thin line; returns the annotations."""
    if not labels:
        return []
    y0, y1 = ax.get_ylim()
    frac = [(y - y0) / (y1 - y0) for y in ys]
    axes_pt = ax.get_position().height * fig_height_in * 72.0
    at = spread(frac, LABEL_GAP * LABEL_PT / axes_pt)
    return [ax.annotate(text, xy=(x, y), xytext=(1.03, a), textcoords="axes fraction", fontsize=LABEL_PT,
                        va="center", ha="left", annotation_clip=False,
                        arrowprops={"arrowstyle": "-", "lw": 0.4, "color": "#bbbbbb", "shrinkA": 1, "shrinkB": 2})
            for x, y, a, text in zip(xs, ys, at, labels)]


def short(model: str) -> str:
    """A model id without its provider prefix."""
    return model.split("/")[-1]


PANEL_W, PANEL_H = 6.6, 3.4   # inches: the plot plus the label column on its right


def cost_frontier_figure(rows: list[dict], pool: str):
    """The figure of POOL's tasks with measured costs: one panel per task, mean cost per prompt (log x) vs predicted
    success, frontier models joined and labelled, dominated models grey."""
    plt = pyplot()
    tasks = sorted({r["task"] for r in rows if r["benchmark"] == pool})
    cols = min(max(len(tasks), 1), 2)
    nrow = (max(len(tasks), 1) + cols - 1) // cols
    fig, axes = plt.subplots(nrow, cols, figsize=(PANEL_W * cols, PANEL_H * nrow + 0.4), squeeze=False)
    fig.subplots_adjust(left=0.08, right=0.98 - 0.30 / cols, top=1 - 0.55 / fig.get_figheight(),
                        bottom=0.5 / fig.get_figheight(), wspace=0.75, hspace=0.55)
    for ax, task in zip(axes.flat, tasks):
        pts = sorted((r for r in rows if r["task"] == task), key=lambda r: (r["mean_cost_usd"], r["model_id"]))
        x = np.array([r["mean_cost_usd"] for r in pts])
        y = np.array([r["predicted_accuracy"] for r in pts])
        front = np.array([bool(r["on_frontier"]) for r in pts])
        ax.scatter(x[~front], y[~front], c="#aaaaaa", s=16, label="dominated (all in cost_frontier.csv)")
        ax.plot(x[front], y[front], "o-", c="#1f77b4", ms=5, label="frontier")
        log_x(ax)
        ax.set_title(task, fontsize=9)
        ax.set_xlabel("mean cost per prompt (USD, log scale)")
        ax.set_ylabel("predicted success (mean P(correct))")
        ax.legend(loc="best", fontsize=6)
        side_labels(ax, x[front], y[front], [short(r["model_id"]) for r, f in zip(pts, front) if f],
                    fig.get_figheight())
    for ax in list(axes.flat)[len(tasks):]:
        ax.axis("off")
    fig.suptitle(f"{pool}: predicted success vs cost, models on the quality-cost frontier labelled", fontsize=10)
    return fig


def cost_frontier(rows: list[dict], pool: str, path: Path) -> Path:
    """cost_frontier_figure as a PNG at PATH."""
    return save(cost_frontier_figure(rows, pool), path)


POLICY_MARKS = (("best_single", "*", "#d62728", "best single model"), ("max_predicted", "s", "#9467bd",
                "most probable model"), ("routed", "^", "#ff7f0e", "router as served"),
                ("oracle", "D", "#2ca02c", "oracle (hindsight)"))


def routing_figure(rows: list[dict], pool: str):
    """POOL's held-out routing policies with costs: mean cost vs observed accuracy; the cheapest-within-margin
    policies joined in margin order and labelled with their margin, the fixed policies as markers."""
    plt = pyplot()
    pts = {r["policy"]: r for r in rows if r["benchmark"] == pool and r["mean_cost_usd"] is not None}
    fig, ax = plt.subplots(figsize=(PANEL_W, PANEL_H + 0.4))
    fig.subplots_adjust(left=0.11, right=0.78, top=0.88, bottom=0.15)
    curve = sorted((r for r in pts.values() if r["policy"].startswith("within_")), key=lambda r: r["margin"])
    ax.plot([r["mean_cost_usd"] for r in curve], [r["observed_accuracy"] for r in curve], "o-", c="#1f77b4",
            ms=4, label="cheapest within margin")
    for name, mark, colour, label in POLICY_MARKS:
        if name in pts:
            ax.scatter([pts[name]["mean_cost_usd"]], [pts[name]["observed_accuracy"]], marker=mark, c=colour, s=40,
                       label=label, zorder=3)
    log_x(ax)
    n = next(iter(pts.values()))["n_test"] if pts else 0
    ax.set_title(f"{pool}: routing on {n} held-out prompts", fontsize=10)
    ax.set_xlabel("mean cost per prompt (USD, log scale)")
    ax.set_ylabel("observed accuracy (share correct)")
    ax.legend(loc="best", fontsize=6)
    side_labels(ax, [r["mean_cost_usd"] for r in curve], [r["observed_accuracy"] for r in curve],
                [f"within {r['margin']:.2f}" for r in curve], fig.get_figheight())
    return fig


def routing(rows: list[dict], pool: str, path: Path) -> Path:
    """routing_figure as a PNG at PATH."""
    return save(routing_figure(rows, pool), path)
