"""The published comparison: mean/std over seeds, paired tests against ReLU, a markdown table and a curves PNG."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import polars as pl
from scipy import stats


def _score(df: pl.DataFrame) -> pl.Series:
    """Final validation accuracy, or final validation MSE for regression workloads."""
    return df.select(pl.when(pl.col("metric") == "mse").then(pl.col("final_val_loss"))
                     .otherwise(pl.col("final_val_acc")).alias("score"))["score"]


def _mean_std(values) -> tuple[float | None, float | None]:
    v = np.asarray([x for x in values if x is not None], dtype=float)
    if not len(v):
        return None, None
    return float(v.mean()), (float(v.std(ddof=1)) if len(v) > 1 else None)


def _p(fn) -> float | None:
    """A test's p-value, or None where the test is not defined (too few pairs, all differences zero)."""
    try:
        p = float(fn().pvalue)
    except ValueError:
        return None
    return None if math.isnan(p) else p


def paired(diffs: np.ndarray) -> dict:
    """Mean and std of paired differences, with paired t-test and Wilcoxon signed-rank p-values (two-sided)."""
    m, s = _mean_std(diffs)
    if len(diffs) < 2 or not np.any(diffs != 0):
        return {"diff_mean": m, "diff_std": s, "t_p": None, "wilcoxon_p": None}
    return {"diff_mean": m, "diff_std": s, "t_p": _p(lambda: stats.ttest_1samp(diffs, 0.0)),
            "wilcoxon_p": _p(lambda: stats.wilcoxon(diffs))}


def sign_test(a: np.ndarray, b: np.ndarray) -> float | None:
    """Exact two-sided sign test on discordant pairs of booleans (a collapsed and b not, or the reverse)."""
    up, down = int(np.sum(a & ~b)), int(np.sum(~a & b))
    return None if up + down == 0 else float(stats.binomtest(up, up + down, 0.5).pvalue)


def published_rows(runs: pl.DataFrame) -> list[dict]:
    """One row per workload and activation of the successful runs, with the difference from ReLU over paired seeds."""
    ok = runs.filter(pl.col("status") == "ok").with_columns(score=_score(runs.filter(pl.col("status") == "ok")))
    out = []
    for (workload, label), g in sorted(ok.group_by(["workload", "label"]), key=lambda t: (t[0][0], t[0][1])):
        sm, ss = _mean_std(g["score"].to_list())
        dm, ds = _mean_std(g["dead_frac_end"].to_list())
        em, es = _mean_std(g["time_per_epoch_s"].to_list())
        coll = g["collapsed"].drop_nulls()
        row = {"workload": workload, "label": label, "activation": g["activation"][0], "alpha": g["alpha"][0],
               "metric": g["metric"][0], "n_seeds": g.height, "score_mean": sm, "score_std": ss,
               "best_acc_mean": _mean_std(g["best_val_acc"].to_list())[0], "dead_end_mean": dm, "dead_end_std": ds,
               "collapse_rate": float(coll.cast(pl.Float64).mean()) if len(coll) else None,
               "born_dead_rate": _rate(g["born_dead"]), "died_rate": _rate(g["died_in_training"]),
               "epoch_s_mean": em, "epoch_s_std": es, "n_pairs": None, "diff_mean": None, "diff_std": None,
               "t_p": None, "wilcoxon_p": None, "collapse_diff": None, "sign_p": None}
        relu = ok.filter((pl.col("workload") == workload) & (pl.col("activation") == "relu"))
        if label != "relu" and relu.height:
            pair = g.join(relu.select("seed", relu_score="score", relu_coll="collapsed"), on="seed")
            row["n_pairs"] = pair.height
            row |= paired((pair["score"] - pair["relu_score"]).to_numpy())
            if pair["collapsed"].null_count() == 0 and pair.height:
                a, b = pair["collapsed"].to_numpy().astype(bool), pair["relu_coll"].to_numpy().astype(bool)
                row["collapse_diff"], row["sign_p"] = float(a.mean() - b.mean()), sign_test(a, b)
        out.append(row)
    return out


def _rate(s: pl.Series) -> float | None:
    s = s.drop_nulls()
    return float(s.cast(pl.Float64).mean()) if len(s) else None


def _fmt(m, s=None, digits: int = 3) -> str:
    if m is None:
        return "-"
    return f"{m:.{digits}f}" + (f" ± {s:.{digits}f}" if s is not None else "")


def markdown_table(rows: list[dict]) -> str:
    """The published rows as a markdown table."""
    head = ("| workload | activation | n | score (acc or MSE) | Δ vs ReLU | t p | dead end | collapse | "
            "born dead | s/epoch |\n|---|---|---|---|---|---|---|---|---|---|")
    lines = [head]
    for r in rows:
        lines.append(f"| {r['workload']} | {r['label']} | {r['n_seeds']} | {_fmt(r['score_mean'], r['score_std'])} "
                     f"| {_fmt(r.get('diff_mean'), r.get('diff_std'))} | {_fmt(r.get('t_p'))} "
                     f"| {_fmt(r['dead_end_mean'], r['dead_end_std'])} | {_fmt(r['collapse_rate'], digits=2)} "
                     f"| {_fmt(r['born_dead_rate'], digits=2)} | {_fmt(r['epoch_s_mean'], r['epoch_s_std'], 4)} |")
    return "\n".join(lines) + "\n"


_COLORS = {"relu": "k", "elu": "tab:blue", "gelu": "tab:orange", "leaky_relu": "tab:green", "silu": "tab:purple"}


def plot_curves(curves: pl.DataFrame, path: Path, baselines: dict[str, dict[str, float]] | None = None) -> Path:
    """A PNG with one panel per workload: mean validation accuracy (or MSE, log scale) per epoch and activation;
    baselines ({workload: {label: value}}, e.g. the closed-form operator) as dashed lines."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    workloads = sorted(curves["workload"].unique().to_list())
    ncol = min(3, max(1, len(workloads)))
    nrow = max(1, math.ceil(len(workloads) / ncol))
    fig, axes = plt.subplots(nrow, ncol, figsize=(4.6 * ncol, 3.4 * nrow), squeeze=False)
    for ax, w in zip(axes.flat, workloads):
        c = curves.filter(pl.col("workload") == w)
        mse = c["metric"][0] == "mse"
        col = "val_loss" if mse else "val_acc"
        agg = c.group_by("label", "epoch").agg(pl.col(col).mean().alias("m")).sort("label", "epoch")
        for label in sorted(agg["label"].unique().to_list()):
            a = agg.filter(pl.col("label") == label)
            style = {"color": _COLORS.get(label, "0.3"), "lw": 1.8 if label == "relu" else 1.2}
            if label.startswith("helu("):  # darker red for larger alpha
                style = {"lw": 1.2, "color": plt.cm.Reds(0.35 + 0.6 * min(1.0, (float(label[5:-1]) / 0.1) ** 0.3))}
            ax.plot(a["epoch"].to_list(), a["m"].to_list(), label=label, **style)
        for label, value in (baselines or {}).get(w, {}).items():
            ax.axhline(value, ls="--", lw=1, color="0.5", label=label)
        ax.set_title(f"{w} (mean over seeds)", fontsize=9)
        ax.set_xlabel("epoch")
        ax.set_ylabel("val MSE" if mse else "val accuracy")
        if mse:
            ax.set_yscale("log")
        ax.legend(fontsize=6)
    for ax in list(axes.flat)[len(workloads):]:
        ax.axis("off")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
