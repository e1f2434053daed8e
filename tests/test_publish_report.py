"""The published report on the small real warehouse (fixture `published`): a recommendation per task with held-out
numbers, strongest / weakest prompts that are likely right / wrong, cost plots whose labels do not overlap, and
per-pool plots and sections (the browser check is in test_publish_browser.py)."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

pytestmark = [pytest.mark.shared_data, pytest.mark.slow]


def test_report_recommends_per_task_with_held_out_numbers(published):
    """Every task's sentence names the model ranked first with its predicted and observed accuracy on held-out
    prompts (selection_heldout), not the numbers over the training prompts, and where costs exist the cheapest model
    within 95 % of the best (selection_cheapest)."""
    tables = Path(published["out"]) / "tables"
    by_task = pq.read_table(tables / "selection_by_task.parquet").to_pylist()
    held = {(r["task"], r["model_id"]): r for r in pq.read_table(tables / "selection_heldout.parquet").to_pylist()}
    cheap = {(r["task"], r["margin"]): r for r in pq.read_table(tables / "selection_cheapest.parquet").to_pylist()}
    summary = (Path(published["out"]) / "summary.md").read_text()
    sentences = {line[2:].split(":")[0]: line[2:] for line in summary.splitlines() if ": use " in line}
    firsts = [r for r in by_task if r["rank"] == 1]
    assert len(firsts) == 19 and set(sentences) == {r["task"] for r in firsts}   # 15 MMLU-Pro + 4 RouterBench tasks
    differs = 0
    for r in firsts:
        h = held[(r["task"], r["model_id"])]
        s = sentences[r["task"]]
        assert s.startswith(f"{r['task']}: use {r['model_id']} (predicted {h['predicted_accuracy']:.3f}, measured "
                            f"{h['observed_accuracy']:.3f} on {h['n_test']} held-out prompt"), s
        differs += abs(h["predicted_accuracy"] - r["predicted_accuracy"]) > 1e-3   # not the training prompts' numbers
        c = cheap.get((r["task"], 0.95))
        assert (c is None) == (r["benchmark"] == "mmlu-pro") and ("budget" in s or "no cheaper" in s) == (c is not None)
        if c is not None and c["cheapest_model"] != r["model_id"]:
            assert f"within budget {c['mean_cost_usd']:.2g} USD per prompt: {c['cheapest_model']} (" in s
    assert differs >= len(firsts) // 2
    assert "within budget" in sentences["routerbench/arc-challenge"]   # claude-v1 keeps 95 % of gpt-4 for less


def test_strongest_prompts_are_likely_right_and_above_the_pool_mean(published):
    """Strongest: p >= 0.5 and above the pool mean on the prompt; weakest: p < 0.5 and below it. On this data the
    plain largest advantage would name prompts a model is likely wrong on."""
    tables = Path(published["out"]) / "tables"
    rows = pq.read_table(tables / "selection_strengths.parquet").to_pylist()
    assert {r["kind"] for r in rows} == {"strongest", "weakest"}
    for r in rows:
        ok = (r["p_correct"] >= 0.5 and r["advantage"] > 0) if r["kind"] == "strongest" else \
            (r["p_correct"] < 0.5 and r["advantage"] < 0)
        assert ok, r
    pred = pq.read_table(tables / "selection_by_prompt.parquet").to_pylist()
    by_prompt: dict[str, list[float]] = {}
    for r in pred:
        by_prompt.setdefault(r["prompt_id"], []).append(r["p_correct"])
    top: dict[str, tuple[float, float]] = {}
    for r in pred:
        adv = r["p_correct"] - float(np.mean(by_prompt[r["prompt_id"]]))
        if adv > top.get(r["model_id"], (-2.0, 0.0))[0]:
            top[r["model_id"]] = (adv, r["p_correct"])
    assert any(p < 0.5 for _, p in top.values())   # what the old rule showed as a model's strongest prompt


def _overlaps(boxes: list) -> list[tuple[int, int]]:
    return [(i, j) for i in range(len(boxes)) for j in range(i + 1, len(boxes)) if boxes[i].overlaps(boxes[j])]


def test_cost_plots_label_frontier_models_without_overlap(published):
    """Rendered with the real tables: every frontier model (and every margin of the routing curve) has a label,
    no two labels or x tick labels of a panel overlap, the axes carry units and the titles name the pool."""
    from matplotlib.text import Text

    from tasks.selection import plots_cost

    tables = Path(published["out"]) / "tables"
    frontier = pq.read_table(tables / "cost_frontier.parquet").to_pylist()
    routing = pq.read_table(tables / "selection_routing.parquet").to_pylist()
    for fig, want in ((plots_cost.cost_frontier_figure(frontier, "routerbench"),
                       sum(bool(r["on_frontier"]) for r in frontier)),
                      (plots_cost.routing_figure(routing, "routerbench"),
                       sum(r["policy"].startswith("within_") for r in routing if r["benchmark"] == "routerbench"))):
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        labelled = 0
        assert "routerbench" in (fig._suptitle.get_text() if fig._suptitle else fig.axes[0].get_title())
        for ax in fig.axes:
            if not ax.axison:
                continue
            notes = [t for t in ax.texts if t.get_text()]
            ticks = [t for t in ax.get_xticklabels() if t.get_text() and t.get_visible()]
            labelled += len(notes)
            # the text boxes (an Annotation's own extent also covers its leader line)
            assert not _overlaps([Text.get_window_extent(t, renderer) for t in notes + ticks]), ax.get_title()
            assert "USD" in ax.get_xlabel() and ax.get_title().startswith("routerbench")
        assert labelled == want > 0
        import matplotlib.pyplot as plt
        plt.close(fig)
    # equal heights are pushed apart in their order, then down from the top of the axes
    assert plots_cost.spread([0.5, 0.5, 0.5, 1.0, 0.0], 0.2) == pytest.approx([0.4, 0.6, 0.8, 1.0, 0.0])
    assert plots_cost.spread([0.5] * 5, 0.5) == pytest.approx([0.0, 0.25, 0.5, 0.75, 1.0])   # gap shrinks to fit


def test_per_pool_plots_and_sections(published):
    out = Path(published["out"])
    files = json.loads((out / "manifest.json").read_text())["files"]
    for pool in ("mmlu-pro", "routerbench"):
        assert f"plots/{pool}/model_similarity.png" in files and f"plots/{pool}/heldout_predicted_vs_observed.png" \
            in files
    assert "plots/routerbench/cost_frontier.png" in files and "plots/mmlu-pro/cost_frontier.png" not in files
    page = (out / "report.html").read_text()
    for anchor in ("pool-mmlu-pro", "mmlu-pro-routing", "routerbench-routing", "routerbench-cost", "calibration"):
        assert f'id="{anchor}"' in page and f'href="#{anchor}"' in page


def test_a_cold_start_model_is_marked_in_the_task_rankings():
    from tasks.selection.report_recommend import recommendations, top_per_task
    rows = [{"task": "b", "benchmark": "b", "rank": 1, "model_id": "new/m", "coldstart": True, "n_evaluations": 100},
            {"task": "b", "benchmark": "b", "rank": 2, "model_id": "old/m", "coldstart": False, "n_evaluations": 9000}]
    (top,) = top_per_task(rows, [])
    assert top["#1 (held-out predicted / observed)"].startswith("new/m [cold start, 100 evaluations]")
    assert top["#2 (held-out predicted / observed)"].startswith("old/m (")
    assert recommendations(rows, [], [])[0]["sentence"].startswith("b: use new/m [cold start, 100 evaluations] (")
