"""The publication's Markdown summary and static HTML report (tables and PNG plots; no scripts, no timestamps)."""
from __future__ import annotations

import html

import pyarrow as pa

CSS = """body{font-family:DejaVu Sans,Arial,sans-serif;margin:2em;max-width:1200px;color:#222}
table{border-collapse:collapse;margin:.6em 0 1.4em;font-size:12px}th,td{border:1px solid #ccc;padding:2px 6px}
th{background:#f0f0f0;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
img{max-width:100%;border:1px solid #eee;margin:.4em 0}code{background:#f6f6f6;padding:0 3px}"""


def fmt(v) -> str:
    """A cell as text: floats to 4 significant digits, NULL as '-'."""
    if v is None:
        return "-"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def top_per_task(by_task: list[dict], k: int = 3) -> list[dict]:
    """One row per task: its K best models by predicted success, each 'model (predicted / observed)'."""
    rows: dict[str, dict] = {}
    for r in by_task:
        if r["rank"] <= k:
            row = rows.setdefault(r["task"], {"task": r["task"], "prompts": r["n_prompts"]})
            row[f"#{r['rank']}"] = f"{r['model_id']} ({fmt(r['predicted_accuracy'])} / {fmt(r['observed_accuracy'])})"
    return [rows[t] for t in sorted(rows)]


def sections(meta: dict, tables: dict[str, pa.Table]) -> list[tuple[str, str, list[dict], str | None]]:
    """(title, description, rows, plot file) of every report section, in order."""
    g = lambda name: tables[name].to_pylist()  # noqa: E731
    routing = [{k: r[k] for k in ("benchmark", "policy", "n_test", "expected_accuracy", "observed_accuracy",
                                  "expected_cost_usd", "mean_cost_usd", "accuracy_vs_best_single",
                                  "cost_vs_best_single", "top_model")} for r in g("selection_routing")]
    frontier = [{k: r[k] for k in ("task", "model_id", "predicted_accuracy", "observed_accuracy", "mean_cost_usd",
                                   "share_of_best")} for r in g("cost_frontier") if r["on_frontier"]]
    cheapest = [{k: r[k] for k in ("task", "margin", "best_model", "best_predicted", "cheapest_model",
                                   "predicted_accuracy", "mean_cost_usd", "cost_saving")}
                for r in g("selection_cheapest")]
    strengths = [{k: r[k] for k in ("model_id", "kind", "rank", "prompt_id", "p_correct", "advantage", "text")}
                 for r in g("selection_strengths") if r["rank"] <= 2]
    disagree = [{k: r[k] for k in ("benchmark", "rank", "prompt_id", "spread", "most_likely", "p_max",
                                   "least_likely", "p_min", "text")}
                for r in g("selection_disagreement") if r["rank"] <= 5]
    held = [r for r in g("selection_heldout") if not r["category"]]
    calibration = [{"benchmark": b, "ece": sum(r["ece_part"] or 0.0 for r in g("selection_calibration")
                                               if r["benchmark"] == b),
                    "held-out results": sum(r["n"] for r in g("selection_calibration") if r["benchmark"] == b)}
                   for b in sorted({r["benchmark"] for r in g("selection_calibration")})]
    releases = [{k: r[k] for k in ("benchmark", "model_id", "category", "n_evaluations", "estimate", "lo", "hi",
                                   "routed_share")} for r in g("selection_new_releases")]
    return [
        ("New releases", "Cold-start models (results on a small part of a benchmark): estimated accuracy over the "
         "whole benchmark (*) and per category with a 95 % interval, the evaluations behind it, and the share of "
         "prompts the pool's router would send to it.", releases, None),
        ("Best models per task", "Top three models per benchmark and category by mean predicted success "
         "(predicted / observed accuracy over the same prompts).", top_per_task(g("selection_by_task")), None),
        ("Cheapest model within a margin of the best", "Tasks with measured costs: the cheapest model whose predicted "
         "success is at least the margin times the best model's.", cheapest, None),
        ("Quality vs cost frontier", "Models no other model beats on both predicted success and mean cost.",
         frontier, "plots/cost_frontier.png"),
        ("Routing on held-out prompts", "Operators refitted on training prompts only; policies scored on held-out "
         "prompts against always using the best single model.", routing, "plots/routing.png"),
        ("Predicted vs observed accuracy", "Whole benchmarks on held-out prompts; plots per category.", held,
         "plots/predicted_vs_observed.png"),
        ("Held-out predicted vs observed", "The same per category, operators fitted without these prompts.", [],
         "plots/heldout_predicted_vs_observed.png"),
        ("Calibration on held-out prompts", "Per pool: observed share correct against the mean predicted probability "
         "in 10 bins; ECE is the results-weighted mean gap.", calibration, "plots/reliability.png"),
        ("Model similarity", "Cosine between operator vectors (clustered order).", [], "plots/model_similarity.png"),
        ("Strongest and weakest prompts per model", "Highest and lowest predicted success relative to the pool mean.",
         strengths, None),
        ("Where the models disagree most", "Prompts with the largest spread of predicted success.", disagree, None),
    ]


def _html_table(rows: list[dict]) -> str:
    """An HTML table of ROWS (numbers right-aligned)."""
    if not rows:
        return ""
    cols = list(rows[0])
    head = "".join(f"<th>{html.escape(c)}</th>" for c in cols)
    body = "\n".join("<tr>" + "".join(
        f"<td class=\"n\">{fmt(r.get(c))}</td>" if isinstance(r.get(c), (int, float)) and not isinstance(r.get(c), bool)
        else f"<td>{html.escape(fmt(r.get(c)))}</td>" for c in cols) + "</tr>" for r in rows)
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"


def _headline(meta: dict) -> list[str]:
    """Key numbers as sentences."""
    n = meta["numbers"]
    lines = [f"Data watermark {meta['watermark']} (highest results load), encoder {meta['encoder']}, method "
             f"{meta['method']}, {len(meta['operator_versions'])} operators.",
             f"Predicted vs observed accuracy per category: Pearson r = {fmt(n['correlation_by_category'])} on all "
             f"prompts, {fmt(n['correlation_by_category_heldout'])} on held-out prompts."]
    for bench, pol in sorted(n["routing"].items()):
        best, cheap = pol.get("best_single"), pol.get("within_0.95") or pol.get("max_predicted")
        if best and cheap:
            name = "cheapest within 95 %" if "within_0.95" in pol else "most probable model"
            cost = "" if cheap["mean_cost_usd"] is None else (
                f", mean cost {fmt(cheap['mean_cost_usd'])} vs {fmt(best['mean_cost_usd'])} USD per prompt")
            lines.append(f"{bench} held-out ({cheap['n_test']} prompts): routing ({name}) observed accuracy "
                         f"{fmt(cheap['observed_accuracy'])} (expected {fmt(cheap['expected_accuracy'])}) vs best "
                         f"single model {fmt(best['observed_accuracy'])}{cost}.")
    return lines


def render_html(meta: dict, tables: dict[str, pa.Table], most_similar: dict | None = None) -> str:
    """The static HTML report."""
    parts = ["<!DOCTYPE html>", "<html lang=\"en\"><head><meta charset=\"utf-8\">",
             "<title>taskspace selection report</title>", f"<style>{CSS}</style></head><body>",
             "<h1>Which model for this prompt, this task, this budget</h1>"]
    parts += [f"<p>{html.escape(line)}</p>" for line in _headline(meta)]
    for title, desc, rows, plot in sections(meta, tables):
        parts.append(f"<h2>{html.escape(title)}</h2>\n<p>{html.escape(desc)}</p>")
        if plot:
            parts.append(f"<img src=\"{plot}\" alt=\"{html.escape(title)}\">")
        parts.append(_html_table(rows))
    if most_similar:
        rows = [{"model_id": m, "most similar": ", ".join(f"{o} ({c:.2f})" for o, c in sims)}
                for m, sims in sorted(most_similar.items())]
        parts.append("<h2>Most similar operators</h2>\n" + _html_table(rows))
    parts.append("<p>Tables: <code>tables/*.parquet</code> and <code>tables/*.csv</code>; checksums in "
                 "<code>manifest.json</code>.</p></body></html>")
    return "\n".join(parts) + "\n"


def render_markdown(meta: dict, tables: dict[str, pa.Table], max_rows: int = 30) -> str:
    """The Markdown summary (the same sections, at most MAX_ROWS rows each)."""
    out = ["# Selection summary", ""] + [f"- {line}" for line in _headline(meta)] + [""]
    for title, desc, rows, plot in sections(meta, tables):
        out += [f"## {title}", "", desc, ""]
        if plot:
            out += [f"![{title}]({plot})", ""]
        if rows:
            cols = list(rows[0])
            out += ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
            out += ["| " + " | ".join(fmt(r.get(c)).replace("|", "\\|").replace("\n", " ") for c in cols) + " |"
                    for r in rows[:max_rows]]
            if len(rows) > max_rows:
                out.append(f"\n({len(rows) - max_rows} more rows in the tables)")
            out.append("")
    return "\n".join(out)
