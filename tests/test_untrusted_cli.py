"""A batch with a broken input, through the CLI and through the Prefect flow `taskspace run` uses: the good
input loads, the broken one is a `failed` load whose error names the file, and nothing prints a traceback."""
from __future__ import annotations

import json
import subprocess
import sys

import untrusted_cases as u
from conftest import REPO
from mmlu_fixture import QUESTIONS, make_zip, record


def test_one_corrupt_zip_and_one_good_zip(tmp_path):
    make_zip(tmp_path / "batch", "Good", [record(q, "A") for q in QUESTIONS])
    (tmp_path / "batch" / "model_outputs_Fuzz_5shots.zip").write_bytes(u.corrupt_deflate()[
        "model_outputs_Fuzz_5shots.zip"])
    db = tmp_path / "w.duckdb"
    proc = subprocess.run([sys.executable, "-c", "from flows.cli import app; app()", "--db", str(db), "ingest",
                           "results", "--format", "mmlu-pro", str(tmp_path / "batch"), "--json"],
                          capture_output=True, text=True, cwd=REPO, timeout=120)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    out = json.loads(proc.stdout)
    assert (out["loaded"], out["failed"], out["rows_new"]) == (1, 1, 4)
    assert "model_outputs_Fuzz_5shots.zip: cannot decompress" in out["errors"][0]
    from warehouse import connect
    with connect(db, read_only=True) as con:
        assert sorted(con.execute("SELECT status FROM loads").fetchall()) == [("failed",), ("ok",)]
        assert con.execute("SELECT count(*) FROM results").fetchall() == [(4,)]


def test_the_flow_step_error_names_the_file(prefect_harness, tmp_path):
    from flows.ingest_results import ingest_results

    make_zip(tmp_path, "Good", [record(q, "A") for q in QUESTIONS])
    for name, data in {**u.mmlu(u.DEEP, "Deep"), **u.mmlu_records({"category": {"a": 1}}, "Odd")}.items():
        (tmp_path / name).write_bytes(data)
    state = ingest_results(format="mmlu-pro", sources=[str(tmp_path)], db=str(tmp_path / "w.duckdb"),
                           return_state=True)
    out = state.result(raise_on_failure=False)
    assert state.is_failed() and (out["loaded"], out["failed"], out["partial"]) == (2, 1, 1)
    assert "model_outputs_Deep_5shots.zip" in state.message and "nested deeper than 64 levels" in state.message
