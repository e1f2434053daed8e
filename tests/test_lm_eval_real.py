"""Real lm-eval --log_samples folders of three harness versions (0.4.0, 0.4.8, 0.4.13) through the real writer.

The harness's own numbers come from each run's results file; the warehouse's accuracy must equal them.
Fixtures and their sources: tests/fixtures/lm_eval_real/README.md.
"""
from __future__ import annotations

import json
import shutil

import pytest

from conftest import FIXTURES
from tasks.ingest import expand_sources, ingest_item, totals
from tasks.sources.lm_eval import doc_key

REAL = FIXTURES / "lm_eval_real"
POINTER = next((REAL / "lfs_pointer").glob("samples_*.jsonl"))
# run folder -> (model_id the warehouse must show, task, the results key the harness printed for our label)
RUNS = {
    "v0.4.0_routellm/llama_mmlu": ("meta-llama/llama-2-70b-chat-hf", "mmlu_abstract_algebra", "acc,none"),
    "v0.4.0_routellm/metamath_mmlu": ("meta-math/metamath-70b-v1.0", "mmlu_abstract_algebra", "acc,none"),
    "v0.4.8_olot/lmeh": ("tinyllama", "gsm8k", "exact_match,strict-match"),
    "v0.4.13_errorbars/sshleifer__tiny-gpt2": ("sshleifer/tiny-gpt2", "copa", "acc,none"),
    "v0.4.13_errorbars/hf-internal-testing__tiny-random-gpt2":
        ("hf-internal-testing/tiny-random-gpt2", "copa", "acc,none"),
}


def ingest(con, src):
    items, missing = expand_sources("lm-eval", [str(src)])
    return totals([ingest_item(con, "lm-eval", it) for it in items] + missing)


def harness_value(run: str, task: str, key: str) -> float:
    results = next(p for p in (REAL / run).iterdir() if p.name.startswith("results"))
    return json.loads(results.read_text())["results"][task][key]


@pytest.fixture
def loaded(con):
    out = ingest(con, REAL)
    assert (out["loaded"], out["failed"], out["rows_rejected"]) == (len(RUNS), 0, 0), out
    return con


def test_accuracy_per_model_and_task_is_the_harness_number(loaded):
    got = {(m, t): (acc, n, metrics) for m, t, acc, n, metrics in loaded.execute(
        """SELECT l.model_id, l.pool, avg(l.correct::INT), count(*), list(DISTINCT r.metric)
           FROM result_labels l JOIN results r USING (model_id, prompt_id) GROUP BY ALL""").fetchall()}
    assert len(got) == len(RUNS)
    for run, (model, task, key) in RUNS.items():
        acc, n, metrics = got[(model, task)]
        assert abs(acc - harness_value(run, task, key)) < 1e-9, (run, acc)
        assert metrics == [key.split(",")[0]]
    # sizes as the harness logged them: 100 MMLU questions, 3 gsm8k lines kept of 3 (strict-match), 20 COPA
    assert {t: n for (_, t), (_, n, _) in got.items()} == {"mmlu_abstract_algebra": 100, "gsm8k": 3, "copa": 20}


def test_a_generative_samples_fallback_is_stored_as_no_answer(loaded):
    """gsm8k's regex filter found no answer in any of the 3 lines (filtered_resps ['[invalid]']); MMLU and COPA are
    log-likelihood tasks, where the format does not say."""
    got = dict(loaded.execute("SELECT l.pool, list(DISTINCT r.answered) FROM result_labels l "
                              "JOIN results r USING (model_id, prompt_id, source) GROUP BY ALL").fetchall())
    assert got == {"gsm8k": [False], "mmlu_abstract_algebra": [None], "copa": [None]}


def test_lm_evals_answered_flag_reads_the_filters_fallback():
    from tasks.sources.lm_eval import answered
    assert answered({"filtered_resps": ["[invalid]"]}, {"[invalid]"}, False) is False
    assert answered({"filtered_resps": [" 18 "]}, {"[invalid]"}, True) is True
    assert answered({"filtered_resps": ["none"]}, {"[invalid]", "none"}, False) is False   # a configured fallback
    assert answered({"filtered_resps": [["-75.8", "False"], ["-86.5", "False"]]}, {"[invalid]"}, False) is None
    assert answered({"filtered_resps": ["[invalid]"]}, {"[invalid]"}, True) is None   # graded correct: not said


def test_two_models_answering_the_same_questions_share_prompts(loaded):
    for task, n in (("mmlu_abstract_algebra", 100), ("copa", 20)):      # without and with doc_hash
        per_model = loaded.execute("""SELECT model_id, list(prompt_id ORDER BY prompt_id) FROM results
                                      WHERE prompt_id LIKE ? || ':%' GROUP BY 1""", [task]).fetchall()
        assert len(per_model) == 2 and per_model[0][1] == per_model[1][1] and len(per_model[0][1]) == n
        assert loaded.execute("SELECT count(*) FROM prompts WHERE benchmark = ?", [task]).fetchone()[0] == n
    # models really differ on them (the shared ids are not a collapse of two runs into one)
    assert loaded.execute("""SELECT count(DISTINCT model_id) FROM results WHERE prompt_id LIKE 'copa:%'
                             GROUP BY prompt_id HAVING count(DISTINCT correct) = 2 LIMIT 1""").fetchone()[0] == 2


def test_doc_key_without_a_doc_hash_is_the_harness_doc_hash():
    for path in (REAL / "v0.4.13_errorbars").rglob("samples_*.jsonl"):
        for line in path.read_text().splitlines():
            s = json.loads(line)
            assert doc_key({k: v for k, v in s.items() if k != "doc_hash"}) == s["doc_hash"]


def test_prompt_text_category_and_answer_of_an_old_run(loaded):
    text, category, answer = loaded.execute(
        """SELECT p.text, p.category, v.answer FROM prompts p JOIN prompt_versions v USING (prompt_id, version_id)
           WHERE p.benchmark = 'mmlu_abstract_algebra' ORDER BY p.prompt_id LIMIT 1""").fetchone()
    assert text.startswith("Find the degree for the given field extension")
    assert (category, answer) == ("mmlu_stem", "1")


def test_an_old_run_takes_only_its_own_model_args_files_from_a_shared_folder(con, tmp_path):
    run = tmp_path / "run"
    shutil.copytree(REAL / "v0.4.0_routellm" / "llama_mmlu", run)
    other = next((REAL / "v0.4.0_routellm" / "metamath_mmlu").glob("*.jsonl"))
    shutil.copy(other, run / other.name)             # the same task, another model's samples, same folder
    out = ingest(con, run)
    assert (out["loaded"], out["rows_new"]) == (1, 100)
    acc = con.execute("SELECT avg(correct::INT) FROM results").fetchone()[0]
    assert abs(acc - harness_value("v0.4.0_routellm/llama_mmlu", "mmlu_abstract_algebra", "acc,none")) < 1e-9


def test_an_lfs_pointer_instead_of_a_samples_file_is_rejected_with_its_name(con, tmp_path):
    run = tmp_path / "run"
    shutil.copytree(REAL / "v0.4.13_errorbars" / "sshleifer__tiny-gpt2", run)
    samples = next(run.glob("samples_*.jsonl"))
    samples.write_bytes(POINTER.read_bytes())
    out = ingest(con, run)
    assert (out["rows_new"], out["rows_rejected"], out["failed"]) == (0, 1, 0)
    (reason,) = con.execute("SELECT reason FROM rejected_records").fetchone()
    assert samples.name in reason and "Git LFS pointer" in reason and "git lfs pull" in reason


def test_an_lfs_pointer_instead_of_the_results_file_fails_with_its_name(con, tmp_path):
    run = tmp_path / "run"
    shutil.copytree(REAL / "v0.4.13_errorbars" / "sshleifer__tiny-gpt2", run)
    results = next(run.glob("results_*.json"))
    results.write_bytes(POINTER.read_bytes())
    out = ingest(con, run)
    assert out["failed"] == 1 and results.name in out["errors"][0] and "Git LFS pointer" in out["errors"][0]
