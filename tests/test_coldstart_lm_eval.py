"""A cold-start plan on a benchmark that came from lm-eval can be run by lm-eval itself: `coldstart plan` writes
the `--samples` subset ({task: [doc_id]}) beside the JSONL, and the run lm-eval writes for exactly those documents
(real v0.4.13 files, tests/fixtures/lm_eval_real) lands on the planned prompts and gives a cold-start operator."""
from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import duckdb
import pytest

from conftest import FIXTURES
from selection_warehouse import invoke

RUNS = FIXTURES / "lm_eval_real" / "v0.4.13_errorbars"
KNOWN, NEW = "sshleifer__tiny-gpt2", "hf-internal-testing__tiny-random-gpt2"


@pytest.fixture(autouse=True)
def _logging_restored():
    """The CLI's refresh binds a stderr handler to CliRunner's stream: put the taskspace logger back after."""
    logger = logging.getLogger("taskspace")
    handlers, level = list(logger.handlers), logger.level
    yield
    logger.handlers[:] = handlers
    logger.setLevel(level)


def _run_on(subset: dict[str, list[int]], out: Path) -> Path:
    """NEW's real run cut to the documents of SUBSET: what `lm_eval --samples` writes (its results file reports the
    accuracy over those documents, as the harness does)."""
    src = RUNS / NEW
    out.mkdir(parents=True)
    (samples,) = src.glob("samples_copa_*.jsonl")
    rows = [json.loads(x) for x in samples.read_text().splitlines() if x.strip()]
    kept = [r for r in rows if r["doc_id"] in set(subset["copa"])]
    (out / samples.name).write_text("".join(json.dumps(r) + "\n" for r in kept))
    (results,) = src.glob("results_*.json")
    doc = json.loads(results.read_text())
    doc["results"]["copa"]["acc,none"] = sum(r["acc"] for r in kept) / len(kept)
    doc["results"]["copa"]["sample_len"] = doc["n-samples"]["copa"]["effective"] = len(kept)
    (out / results.name).write_text(json.dumps(doc, indent=2))
    return out


def test_an_lm_eval_plan_runs_in_lm_eval_and_lands_on_its_prompts(tmp_path):
    db = str(tmp_path / "w.duckdb")
    known = tmp_path / "known"
    shutil.copytree(RUNS / KNOWN, known / KNOWN)
    invoke("--db", db, "ingest", "results", "--format", "lm-eval", str(known), "--json")
    invoke("--db", db, "refresh", "--json")

    out = tmp_path / "plan.jsonl"
    plan = invoke("--db", db, "coldstart", "plan", "--benchmark", "copa", "--budget", "4", "--model",
                  "hf-internal-testing/tiny-random-gpt2", "--out", str(out), "--json")
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    subset = json.loads(Path(plan["lm_eval_samples_file"]).read_text())
    assert plan["lm_eval_samples_file"] == str(tmp_path / "plan.lm-eval-samples.json")
    assert subset == plan["lm_eval_samples"] and list(subset) == ["copa"] and len(subset["copa"]) == 4
    assert sorted(int(x["item_id"].split("-")[0]) for x in lines) == subset["copa"]   # doc ids of the planned items

    invoke("--db", db, "ingest", "results", "--format", "lm-eval", str(_run_on(subset, tmp_path / "new" / NEW)),
           "--json")
    ref = invoke("--db", db, "refresh", "--json")
    (model, pool), = ref["coldstart"]
    assert pool == "copa"
    with duckdb.connect(db, read_only=True) as con:
        landed = sorted(r[0] for r in con.execute("SELECT prompt_id FROM results WHERE model_id = ?",
                                                  [model]).fetchall())
        n_prompts = con.execute("SELECT count(*) FROM prompts WHERE benchmark = 'copa'").fetchall()[0][0]
        est = con.execute("SELECT n_evaluations, estimate, lo, hi FROM coldstart_estimates "
                          "WHERE model_id = ? AND category = '*'", [model]).fetchall()
    assert landed == sorted(plan["prompt_ids"]) and n_prompts == 20   # the same questions: no new prompts
    assert len(est) == 1 and est[0][0] == 4 and est[0][2] <= est[0][1] <= est[0][3]


def test_a_plan_on_a_benchmark_not_from_lm_eval_has_no_subset():
    from tasks.coldstart.planning import lm_eval_subset
    rows = [{"benchmark": "mmlu-pro", "item_id": "70-0123456789abcdef", "lm_eval_source": None},
            {"benchmark": "copa", "item_id": "12-0123456789abcdef", "lm_eval_source": "lm-eval"},
            {"benchmark": "copa", "item_id": "3-fedcba9876543210", "lm_eval_source": "open-llm-leaderboard-details"}]
    assert lm_eval_subset(rows) == {"copa": [3, 12]}
    assert lm_eval_subset(rows[:1]) == {}
    assert lm_eval_subset([{"benchmark": "x", "item_id": "q7-0123456789abcdef", "lm_eval_source": "lm-eval"}]) == {}
