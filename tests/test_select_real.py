"""`taskspace select` on the small real warehouse: one prompt, a batch (.txt, .jsonl), a described task, a published
task; pools, cost cap and model patterns; the numpy query encoder against the stored vectors; and a cold start that
imports neither torch, sentence-transformers nor Prefect."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import pytest
from typer.testing import CliRunner

from flows.cli import app
from selection_warehouse import MMLU_MODELS, invoke

pytestmark = [pytest.mark.shared_data, pytest.mark.slow]
REPO = Path(__file__).resolve().parent.parent


def test_select_one_prompt_ranks_a_pool(small):
    default = invoke("--db", small["db"], "select", "Solve for x: 3x + 5 = 20", "--json")
    # placed in the pool whose prompt centroid is nearest, and the answer says why
    why = default["placed_by"]
    assert default["pool"] == "mmlu-pro" and why["cosine"]["mmlu-pro"] > why["cosine"]["routerbench"]
    assert default["routed_model"] in {m.lower() for m in MMLU_MODELS} and default["gate"]["gated"]
    assert default["routed_model"] in (default["gate"]["best_single"], default["models"][0]["model_id"])
    out = invoke("--db", small["db"], "select", "Solve for x: 3x + 5 = 20", "--benchmark", "mmlu-pro", "--json")
    assert out["pool"] == "mmlu-pro" and out["n_models"] == len(MMLU_MODELS) == len(out["models"])
    p = [m["p_correct"] for m in out["models"]]
    assert p == sorted(p, reverse=True) and all(0 <= v <= 1 for v in p) and len(set(p)) > 1
    assert [m["rank"] for m in out["models"]] == list(range(1, len(p) + 1))
    assert all(m["evidence"] > 0 and 0 <= m["outside"] <= 1 and m["expected_cost_usd"] is None for m in out["models"])
    assert out["cheapest_within_margin"] is None  # MMLU-Pro has no costs
    top = invoke("--db", small["db"], "select", "Solve for x: 3x + 5 = 20", "--benchmark", "mmlu-pro", "--top", "2",
                 "--json")
    assert [m["model_id"] for m in top["models"]] == [m["model_id"] for m in out["models"][:2]]


def test_select_costs_cap_and_patterns(small):
    q = "Write a python function that returns the n-th Fibonacci number."
    rb = invoke("--db", small["db"], "select", q, "--benchmark", "routerbench", "--json")
    assert rb["n_models"] == 11 and all(m["expected_cost_usd"] > 0 for m in rb["models"])
    cheap = rb["cheapest_within_margin"]
    best = rb["models"][0]["p_correct"]
    assert cheap["p_correct"] >= 0.95 * best
    assert cheap["expected_cost_usd"] == min(m["expected_cost_usd"] for m in rb["models"]
                                             if m["p_correct"] >= 0.95 * best)
    cap = sorted(m["expected_cost_usd"] for m in rb["models"])[5] * (1 + 1e-9)   # SQL float sums vary at 1e-16
    capped = invoke("--db", small["db"], "select", q, "--max-cost", str(cap), "--benchmark", "routerbench", "--json")
    assert capped["pool"] == "routerbench"
    assert len(capped["models"]) == 6 and all(m["expected_cost_usd"] <= cap for m in capped["models"])
    gpt = invoke("--db", small["db"], "select", q, "--models", "gpt,*llama-3-8b", "--benchmark", "all", "--json")
    assert {m["model_id"] for m in gpt["models"]} == {"gpt-3.5-turbo-1106", "gpt-4-1106-preview", "meta-llama-3-8b"}
    res = CliRunner().invoke(app,
                             ["--db", small["db"], "select", q, "--models", "no-such-model"])
    assert res.exit_code != 0 and "no model matches" in res.output


def test_select_batch_files_and_described_task(small, tmp_path):
    con = duckdb.connect(small["db"], read_only=True)
    texts = [t for (t,) in con.execute("SELECT text FROM prompts WHERE category = 'math' ORDER BY prompt_id "
                                       "LIMIT 5").fetchall()]
    con.close()
    (tmp_path / "p.txt").write_text("\n".join(t.replace("\n", " ") for t in texts) + "\n\n")
    (tmp_path / "p.jsonl").write_text("\n".join(json.dumps({"prompt": t.replace("\n", " ")}) for t in texts) + "\n")
    mm = ("--benchmark", "mmlu-pro", "--json")
    a = invoke("--db", small["db"], "select", "--file", str(tmp_path / "p.txt"), *mm)
    b = invoke("--db", small["db"], "select", "--file", str(tmp_path / "p.jsonl"), *mm)
    assert a["n_prompts"] == b["n_prompts"] == 5 and a["prompts"] == b["prompts"]
    single = invoke("--db", small["db"], "select", texts[0].replace("\n", " "), *mm)
    alone = {m["model_id"]: m["p_correct"] for m in single["models"]}  # padding in a batch: float noise only
    assert {m["model_id"]: m["p_correct"] for m in a["prompts"][0]["models"]} == pytest.approx(alone, abs=1e-6)
    task = invoke("--db", small["db"], "select", "--file", str(tmp_path / "p.txt"), "--as-task", *mm)
    mean_p = {}
    for blk in a["prompts"]:
        for m in blk["models"]:
            mean_p.setdefault(m["model_id"], []).append(m["p_correct"])
    for m in task["models"]:
        assert m["predicted_accuracy"] == pytest.approx(np.mean(mean_p[m["model_id"]]), abs=1e-9)
        assert 0 <= m["centroid_success"] <= 1
    assert [m["predicted_accuracy"] for m in task["models"]] == sorted(
        (m["predicted_accuracy"] for m in task["models"]), reverse=True)


def test_select_large_batch_goes_through_sentence_transformers(small, tmp_path):
    con = duckdb.connect(small["db"], read_only=True)
    texts = [t.replace("\n", " ") for (t,) in con.execute(
        "SELECT text FROM prompts WHERE benchmark = 'routerbench' ORDER BY length(text), prompt_id LIMIT 33"
    ).fetchall()]
    con.close()
    (tmp_path / "many.txt").write_text("\n".join(texts) + "\n")
    many = invoke("--db", small["db"], "select", "--file", str(tmp_path / "many.txt"), "--benchmark", "routerbench",
                  "--json")
    assert many["n_prompts"] == 33 and all(len(b["models"]) == 11 for b in many["prompts"])
    few = invoke("--db", small["db"], "select", texts[0], "--benchmark", "routerbench", "--json")  # numpy, fp32
    bf16 = {m["model_id"]: m["p_correct"] for m in many["prompts"][0]["models"]}
    assert {m["model_id"]: m["p_correct"] for m in few["models"]} == pytest.approx(bf16, abs=0.01)


def test_select_published_task(small, published):
    out = invoke("--db", small["db"], "select", "--task", "routerbench/mbpp", "--json")
    con = duckdb.connect(small["db"], read_only=True)
    view = con.execute("SELECT model_id, predicted_accuracy, observed_accuracy FROM selection_by_task "
                       "WHERE task = 'routerbench/mbpp' ORDER BY rank").fetchall()
    con.close()
    assert [m["model_id"] for m in out["models"]] == [v[0] for v in view]
    got = [x for m in out["models"] for x in (m["predicted_accuracy"], m["observed_accuracy"])]
    assert got == pytest.approx([x for v in view for x in v[1:]], abs=1e-12)  # parallel sums: last-bit noise
    assert out["cheapest_within_margin"]["predicted_accuracy"] >= 0.95 * view[0][1]
    res = CliRunner().invoke(app,
                             ["--db", small["db"], "select", "--task", "nope/none"])
    assert res.exit_code != 0 and "routerbench/mbpp" in res.output


def test_query_encoder_reproduces_stored_vectors(small):
    from tasks.embedding.embed import default_model_path
    from tasks.selection.query_encoder import QueryEncoder

    con = duckdb.connect(small["db"], read_only=True)
    rows = con.execute("SELECT p.text, e.vector FROM prompts p JOIN embeddings e ON e.text_hash = p.text_hash "
                       "WHERE hash(p.prompt_id) % 23 = 0 ORDER BY p.prompt_id LIMIT 20").fetchall()
    con.close()
    assert QueryEncoder.supports(default_model_path())
    got = QueryEncoder(default_model_path()).encode([t for t, _ in rows])
    cos = (got * np.array([v for _, v in rows], dtype=np.float32)).sum(1)
    assert len(rows) == 20 and cos.min() >= 0.999


def test_cold_start_imports_no_torch_transformers_or_prefect(small):
    code = ("import sys; from flows.cli import app\n"
            "try:\n    app(['--db', sys.argv[1], 'select', 'Solve for x: 3x + 5 = 20', '--json'])\n"
            "except SystemExit as e:\n    assert not e.code, e.code\n"
            "heavy = sorted({m.split('.')[0] for m in sys.modules} & "
            "{'torch', 'sentence_transformers', 'transformers', 'prefect', 'sklearn'})\n"
            "print(repr(heavy), file=sys.stderr)")
    res = subprocess.run([sys.executable, "-c", code, small["db"]], cwd=REPO, capture_output=True, text=True,
                         env={**os.environ, "HF_HUB_OFFLINE": "1"}, timeout=120)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["n_models"] == len(MMLU_MODELS)   # placed in mmlu-pro
    assert res.stderr.strip().splitlines()[-1] == "[]"


def test_select_without_operators_says_what_to_run(tmp_path):
    from warehouse import connect
    connect(str(tmp_path / "empty.duckdb")).close()
    res = CliRunner().invoke(app,
                             ["--db", str(tmp_path / "empty.duckdb"), "select", "hello"])
    assert res.exit_code == 2 and "taskspace refresh" in res.output
    res = CliRunner().invoke(app,
                             ["--db", str(tmp_path / "empty.duckdb"), "select"])
    assert res.exit_code != 0 and "exactly one of" in res.output


def test_empty_answers_say_why_and_exit_3(small, published):
    for args in (["Solve for x", "--max-cost", "0.00001"], ["Solve for x", "--max-cost", "0.001", "--benchmark",
                                                             "mmlu-pro"], ["--task", "routerbench", "--max-cost", "0"]):
        res = CliRunner().invoke(app, ["--db", small["db"], "select", *args])
        assert res.exit_code == 3, (args, res.output)
        assert "no model to recommend" in res.output and "--max-cost" in res.output, res.output
