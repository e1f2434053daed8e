"""The report's sections: per pool its recommendations, best models, held-out accuracy, routing, costs, similarity,
strengths and disagreements; then calibration. Each section holds its rows in full (renderers truncate them)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyarrow as pa

from tasks.selection import report_recommend as rec


@dataclass
class Section:
    """One heading of the report: ANCHOR (an HTML id), its LEVEL (2 = pool or global, 3 = inside a pool), a TEXT,
    recommendation ITEMS ({task, sentence}), table ROWS (SOURCE: the published table holding all of them), PLOTS."""
    anchor: str
    title: str
    level: int = 2
    text: str = ""
    items: list[dict] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    source: str | None = None
    plots: list[str] = field(default_factory=list)


def slug(name: str) -> str:
    """NAME as an HTML id and file name part ('routerbench/mbpp' -> 'routerbench-mbpp')."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-").lower() or "x"


def pools(tables: dict[str, pa.Table]) -> list[str]:
    """The pools (benchmarks) with predictions, in name order."""
    return sorted({r["benchmark"] for r in tables["selection_by_task"].to_pylist()})


def pool_models(tables: dict[str, pa.Table], pool: str) -> list[str]:
    """The models of POOL (its whole-benchmark rows of selection_by_task), by name."""
    return sorted(r["model_id"] for r in tables["selection_by_task"].to_pylist()
                  if r["benchmark"] == pool and r["category"] == "")


def has_costs(tables: dict[str, pa.Table], pool: str) -> bool:
    """Whether POOL has measured costs (rows in cost_frontier)."""
    return any(r["benchmark"] == pool for r in tables["cost_frontier"].to_pylist())


def compact(rows: list[dict]) -> list[dict]:
    """ROWS without the columns that are NULL in every row."""
    keep = [c for c in (rows[0] if rows else {}) if any(r[c] is not None for r in rows)]
    return [{c: r[c] for c in keep} for r in rows]


def pick(rows: list[dict], cols: tuple[str, ...], **where) -> list[dict]:
    """The COLS of the ROWS whose columns equal WHERE."""
    return [{c: r[c] for c in cols} for r in rows if all(r[k] == v for k, v in where.items())]


def short_text(t: str | None, n: int = 90) -> str:
    """T on one line, at most N characters."""
    t = " ".join((t or "").split())
    return t if len(t) <= n else t[: n - 1] + "…"


def strengths_rows(rows: list[dict], models: list[str]) -> list[dict]:
    """One row per model: its strongest and weakest prompt (rank 1 of each kind) with p and advantage."""
    top = {(r["model_id"], r["kind"]): r for r in rows if r["rank"] == 1}
    out = []
    for m in models:
        row = {"model_id": m}
        for kind in ("strongest", "weakest"):
            r = top.get((m, kind))
            row[f"{kind} prompt"] = short_text(r["text"]) if r else "none (see the section text)"
            row[f"{kind} p"] = r["p_correct"] if r else None
            row[f"{kind} vs pool mean"] = r["advantage"] if r else None
        out.append(row)
    return out


def pool_sections(pool: str, tables: dict[str, pa.Table], plots: dict[str, str], similar: dict) -> list[Section]:
    """The sections of one pool (PLOTS: {kind: file} written for it; SIMILAR: {model: [(other, cosine)]})."""
    g = lambda name: tables[name].to_pylist()  # noqa: E731
    s, models = slug(pool), pool_models(tables, pool)
    by_task = [r for r in g("selection_by_task") if r["benchmark"] == pool]
    held = [r for r in g("selection_heldout") if r["benchmark"] == pool]
    routing = compact(pick(g("selection_routing"), (
        "policy", "margin", "n_train", "n_test", "expected_accuracy", "observed_accuracy", "expected_cost_usd",
        "mean_cost_usd", "accuracy_vs_best_single", "cost_vs_best_single", "top_model", "top_model_share"),
        benchmark=pool))
    split = next((r["split"] for r in g("selection_routing") if r["benchmark"] == pool), None)
    costs = has_costs(tables, pool)
    cheapest = [r for r in g("selection_cheapest") if r["benchmark"] == pool]
    held_rows = pick(held, ("model_id", "n_test", "predicted_accuracy", "observed_accuracy", "error"), category="")
    similar_rows = [{"model_id": m, "most similar": ", ".join(f"{o.split('/')[-1]} ({c:.3f})"
                                                               for o, c in similar.get(m, []))} for m in models]
    out = [
        Section(f"pool-{s}", f"Pool {pool}", 2, f"{len(models)} models; {len({r['task'] for r in by_task})} tasks "
                f"(the benchmark and its categories); costs {'measured' if costs else 'not measured'}."),
        Section(f"{s}-recommend", "Recommendations", 3, "Per task: the model ranked first, its predicted and measured "
                "accuracy on held-out prompts (operators fitted without them), and " + (
                    f"the cheapest model within {rec.MARGIN:.0%} of the best's predicted success." if costs else
                    "no budget pick: this pool has no measured costs."),
                items=rec.recommendations(by_task, held, cheapest)),
        Section(f"{s}-best", "Best models per task", 3, "Top three models per task as `taskspace select --task` "
                "ranks them, each with its predicted / observed accuracy on held-out prompts.",
                rows=rec.top_per_task(by_task, held), source="selection_by_task"),
        Section(f"{s}-heldout", "Predicted vs observed on held-out prompts", 3,
                f"Operators refitted on training prompts only ({split or 'no'} split), scored on the held-out ones; "
                "table: the whole benchmark, plot: every category.",
                rows=held_rows, source="selection_heldout", plots=[plots[k] for k in ("heldout",) if k in plots]),
        Section(f"{s}-routing", "Routing on held-out prompts", 3, "Policies scored on the held-out prompts against "
                "always using the best single model (accuracy_vs_best_single: a difference; cost_vs_best_single: a "
                "ratio).", rows=routing, source="selection_routing",
                plots=[plots[k] for k in ("routing",) if k in plots]),
    ]
    if costs:
        out.append(Section(f"{s}-cost", "Quality vs cost frontier", 3, "Per task, models no other model beats on both "
                           "predicted success and mean cost per prompt (labelled); table: the cheapest model keeping "
                           "each margin of the best's predicted success.",
                           rows=pick(cheapest, ("task", "margin", "best_model", "best_predicted", "cheapest_model",
                                                "predicted_accuracy", "mean_cost_usd", "cost_saving")),
                           source="selection_cheapest", plots=[plots["frontier"]]))
    strong = [r for r in g("selection_strengths") if r["benchmark"] == pool]
    disagree = pick(g("selection_disagreement"), ("rank", "spread", "most_likely", "p_max", "least_likely", "p_min",
                                                  "text"), benchmark=pool)
    out += [
        Section(f"{s}-similarity", "Model similarity", 3, "Cosine between the operator vectors of this pool's models "
                "(clustered order); table: each model's most similar operators.",
                rows=similar_rows, source="model_similarity", plots=[plots["similarity"]]),
        Section(f"{s}-strengths", "Strongest and weakest prompts per model", 3, "Strongest: the prompt where the model "
                "is more likely right than wrong (p >= 0.5) and furthest above the pool's mean p; weakest: p < 0.5 "
                "and furthest below it ('none': no such prompt).", rows=strengths_rows(strong, models),
                source="selection_strengths"),
        Section(f"{s}-disagree", "Where the models disagree most", 3, "Prompts with the largest spread of predicted "
                "success.", rows=[dict(r, text=short_text(r["text"])) for r in disagree if r["rank"] <= 5],
                source="selection_disagreement"),
    ]
    return out


def global_sections(tables: dict[str, pa.Table], plots: dict[str, str]) -> list[Section]:
    """The sections over every pool: new releases (cold-start models), calibration on held-out prompts and where
    the files are."""
    releases = [{k: r[k] for k in ("benchmark", "model_id", "category", "n_evaluations", "estimate", "lo", "hi",
                                   "routed_share")} for r in tables["selection_new_releases"].to_pylist()]
    calib = tables["selection_calibration"].to_pylist()
    rows = [{"pool": b, "ece": sum(r["ece_part"] or 0.0 for r in calib if r["benchmark"] == b),
             "held-out results": sum(r["n"] for r in calib if r["benchmark"] == b)}
            for b in sorted({r["benchmark"] for r in calib})]
    return [Section("new-releases", "New releases", 2, "Cold-start models (results on a small part of a benchmark): "
                    "estimated accuracy over the whole benchmark (*) and per category with a 95 % interval, the "
                    "evaluations behind it, and the share of prompts the pool's router would send to it."
                    + ("" if releases else " None at present: every model has results on most of its pool."),
                    rows=releases, source="selection_new_releases"),
            Section("calibration", "Calibration on held-out prompts", 2, "Per pool: observed share correct against "
                    "the mean predicted probability in 10 bins; ECE is the results-weighted mean gap.", rows=rows,
                    source="selection_calibration", plots=[plots["reliability"]]),
            Section("files", "Files", 2, "Every table in full: tables/*.parquet and tables/*.csv; checksums in "
                    "manifest.json.")]


def sections(tables: dict[str, pa.Table], plots: dict[str, dict[str, str]], similar: dict[str, dict]
             ) -> list[Section]:
    """Every section in order: each pool's, then the global ones (PLOTS and SIMILAR keyed by pool, '' = global)."""
    out = []
    for pool in pools(tables):
        out += pool_sections(pool, tables, plots.get(pool, {}), similar.get(pool, {}))
    return out + global_sections(tables, plots.get("", {}))
