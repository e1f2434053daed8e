"""The publication's plots (per pool under plots/<pool>/, the rest under plots/), summary.md and report.html from
the published tables."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa

from tasks.selection import explain, plots, plots_cost
from tasks.selection.report_html import render_html, render_markdown
from tasks.selection.report_sections import has_costs, pool_models, pools, sections, slug


def similarity(rows: list[dict], models: list[str]) -> np.ndarray:
    """The cosine matrix of MODELS from model_similarity rows (0 where unknown, 1 on the diagonal)."""
    pos = {m: i for i, m in enumerate(models)}
    C = np.eye(len(models))
    for r in rows:
        if r["model_a"] in pos and r["model_b"] in pos and r["cosine"] is not None:
            C[pos[r["model_a"]], pos[r["model_b"]]] = r["cosine"]
    return C


def write_plots(out: Path, tables: dict[str, pa.Table]) -> tuple[dict[str, dict[str, str]], dict[str, dict]]:
    """Every plot under OUT/plots; ({pool ('' = global): {kind: path relative to OUT}}, {pool: most similar})."""
    g = lambda name: tables[name].to_pylist()  # noqa: E731
    sim, held, files, similar = g("model_similarity"), g("selection_heldout"), {}, {}
    for pool in pools(tables):
        folder = out / "plots" / slug(pool)
        folder.mkdir(parents=True, exist_ok=True)
        models = pool_models(tables, pool)
        C = similarity(sim, models)
        order = explain.similarity_order(C)
        got = {"similarity": plots.similarity_heatmap(C[np.ix_(order, order)], [models[i] for i in order],
                                                      folder / "model_similarity.png", pool)}
        similar[pool] = explain.most_similar(C, models)
        rows = [r for r in held if r["benchmark"] == pool and r["category"]]
        if rows:
            got["heldout"] = plots.predicted_vs_observed(rows, folder / "heldout_predicted_vs_observed.png", pool)
        if has_costs(tables, pool):
            got["frontier"] = plots_cost.cost_frontier(g("cost_frontier"), pool, folder / "cost_frontier.png")
            if any(r["benchmark"] == pool and r["mean_cost_usd"] is not None for r in g("selection_routing")):
                got["routing"] = plots_cost.routing(g("selection_routing"), pool, folder / "routing.png")
        files[pool] = got
    (out / "plots").mkdir(parents=True, exist_ok=True)
    files[""] = {"reliability": plots.reliability(g("selection_calibration"), out / "plots" / "reliability.png")}
    return {p: {k: f.relative_to(out).as_posix() for k, f in kinds.items()} for p, kinds in files.items()}, similar


def write_report(out: Path, meta: dict, tables: dict[str, pa.Table]) -> list[Path]:
    """Plots, OUT/summary.md and OUT/report.html; every file written."""
    rel, similar = write_plots(out, tables)
    secs = sections(tables, rel, similar)
    (out / "summary.md").write_text(render_markdown(meta, secs))
    (out / "report.html").write_text(render_html(meta, secs))
    return [out / f for kinds in rel.values() for f in kinds.values()] + [out / "summary.md", out / "report.html"]
