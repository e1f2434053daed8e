"""What the report recommends per task: the model to use with its predicted and measured accuracy on held-out
prompts (operators fitted without them), and the cheapest model within the margin of the best where costs exist."""
from __future__ import annotations

MARGIN = 0.95          # the default of `taskspace select --margin`
FALLBACK_MARGIN = 0.90  # shown when no cheaper model keeps MARGIN of the best


def fmt(v) -> str:
    """A cell as text: floats to 4 significant digits, NULL as '-'."""
    if v is None:
        return "-"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def usd(v: float) -> str:
    """A cost per prompt as text ('0.00031 USD')."""
    return f"{v:.2g} USD"


def best_per_task(by_task: list[dict]) -> dict[str, dict]:
    """{task: its rank-1 row of selection_by_task (the model `taskspace select --task` ranks first)}."""
    return {r["task"]: r for r in by_task if r["rank"] == 1}


def heldout_index(heldout: list[dict]) -> dict[tuple[str, str], dict]:
    """{(task, model): its selection_heldout row}."""
    return {(r["task"], r["model_id"]): r for r in heldout}


def measured(h: dict | None) -> str:
    """'predicted p, measured q on n held-out prompts' of a selection_heldout row (or that there is none)."""
    if h is None:
        return "not measured on held-out prompts"
    n = h["n_test"]
    return (f"predicted {h['predicted_accuracy']:.3f}, measured {h['observed_accuracy']:.3f} on {n} held-out "
            f"prompt{'' if n == 1 else 's'}")


def budget_clause(task: str, best: str, cheap: dict, held: dict) -> str:
    """The '; within budget B: M′' part of a task's recommendation ('' without costs)."""
    c = cheap.get((task, MARGIN))
    if c is None:
        return ""
    if c["cheapest_model"] != best:
        return (f"; within budget {usd(c['mean_cost_usd'])} per prompt: {c['cheapest_model']} (keeps "
                f"{MARGIN:.0%} of the best predicted success for {c['cost_saving']:.0%} less; "
                f"{measured(held.get((task, c['cheapest_model'])))})")
    f = cheap.get((task, FALLBACK_MARGIN))
    if f is not None and f["cheapest_model"] != best:
        return (f"; no cheaper model keeps {MARGIN:.0%} of its predicted success; within {FALLBACK_MARGIN:.0%} and "
                f"budget {usd(f['mean_cost_usd'])} per prompt: {f['cheapest_model']} "
                f"({measured(held.get((task, f['cheapest_model'])))})")
    return f"; no cheaper model keeps {MARGIN:.0%} of its predicted success ({usd(c['mean_cost_usd'])} per prompt)"


def named(row: dict) -> str:
    """A selection_by_task row's model, marked when it is a cold-start model: 'M [cold start, 100 evaluations]'."""
    if row.get("coldstart"):
        return f"{row['model_id']} [cold start, {row.get('n_evaluations') or 0} evaluations]"
    return row["model_id"]


def recommendations(by_task: list[dict], heldout: list[dict], cheapest: list[dict]) -> list[dict]:
    """[{benchmark, task, model, sentence}] per task (benchmark and benchmark/category), in task order:
    'use M (predicted p, measured on held-out prompts q); within budget B: M′'."""
    held = heldout_index(heldout)
    cheap = {(r["task"], round(r["margin"], 2)): r for r in cheapest}
    out = []
    for task, b in sorted(best_per_task(by_task).items()):
        m = b["model_id"]
        out.append({"benchmark": b["benchmark"], "task": task, "model": m,
                    "sentence": f"{task}: use {named(b)} ({measured(held.get((task, m)))})"
                                f"{budget_clause(task, m, cheap, held)}."})
    return out


def top_per_task(by_task: list[dict], heldout: list[dict], k: int = 3) -> list[dict]:
    """One row per task: its K best models (as `select --task` ranks them), each 'model (predicted / observed on
    held-out prompts)'."""
    held = heldout_index(heldout)
    rows: dict[str, dict] = {}
    for r in sorted(by_task, key=lambda r: (r["task"], r["rank"])):
        if r["rank"] <= k:
            h = held.get((r["task"], r["model_id"]))
            row = rows.setdefault(r["task"], {"task": r["task"], "held-out prompts": h["n_test"] if h else None})
            row[f"#{r['rank']} (held-out predicted / observed)"] = named(r) + (
                f" ({h['predicted_accuracy']:.3f} / {h['observed_accuracy']:.3f})" if h else " (not held out)")
    return [rows[t] for t in sorted(rows)]
