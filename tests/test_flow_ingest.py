"""The ingest_results Prefect flow: one read task per file, a bad file fails alone, the rest load."""
from __future__ import annotations

from mmlu_fixture import QUESTIONS, make_zip, record


def test_flow_loads_good_files_and_fails_only_the_bad_one(prefect_harness, tmp_path, db_path):
    from flows.ingest_results import ingest_results
    from warehouse import connect

    make_zip(tmp_path, "Model-A", [record(q, "A") for q in QUESTIONS])
    make_zip(tmp_path, "Model-B", [record(q, "D") for q in QUESTIONS])
    (tmp_path / "model_outputs_Broken_5shots.zip").write_bytes(b"not a zip")
    state = ingest_results(format="mmlu-pro", sources=[str(tmp_path)], db=db_path, return_state=True)
    assert state.is_failed() and "1 input(s) failed" in state.message
    out = state.result(raise_on_failure=False)
    assert (out["loaded"], out["failed"], out["rows_new"]) == (2, 1, 8)
    with connect(db_path) as con:
        assert con.execute("SELECT count(*) FROM results").fetchall() == [(8,)]
        assert con.execute("SELECT status, count(*) FROM loads GROUP BY 1 ORDER BY 1").fetchall() == [
            ("failed", 1), ("ok", 2)]
    from prefect.client.orchestration import get_client
    with get_client(sync_client=True) as client:   # each input was read by its own task: only the bad one failed
        reads = [t for t in client.read_task_runs() if t.flow_run_id and t.name.startswith("read mmlu-pro")
                 and str(tmp_path) in t.name]
    assert sorted((t.name.rsplit("/", 1)[-1], t.state.type.value) for t in reads) == [
        ("model_outputs_Broken_5shots.zip", "FAILED"), ("model_outputs_Model-A_5shots.zip", "COMPLETED"),
        ("model_outputs_Model-B_5shots.zip", "COMPLETED")]
    again = ingest_results(format="mmlu-pro", sources=[str(tmp_path / "model_outputs_Model-A_5shots.zip")],
                           db=db_path)
    assert again["skipped"] == 1 and again["rows_new"] == 0
    with get_client(sync_client=True) as client:   # an unchanged local input is checksummed by the flow: no task
        after = [t for t in client.read_task_runs() if t.name.startswith("read mmlu-pro") and str(tmp_path) in t.name]
    assert len(after) == len(reads)


def test_flow_rejects_an_unknown_format(prefect_harness, tmp_path, db_path):
    import pytest
    from flows.ingest_results import ingest_results
    with pytest.raises(Exception, match="format"):
        ingest_results(format="helm", sources=[str(tmp_path)], db=db_path)


def test_reads_on_a_dask_cluster_load_what_threads_load(prefect_harness, tmp_path):
    """The read tasks on a Dask LocalCluster (2 worker processes) load the same rows as on threads: real lm-eval
    runs of three harness generations, one writer either way."""
    from conftest import FIXTURES
    from flows.ingest_results import ingest_results
    from warehouse import connect

    runs = FIXTURES / "lm_eval_real"
    sources = [str(p) for p in sorted(runs.glob("v0.4.*/*")) if p.is_dir()]
    got = {}
    for runner in ("dask", "local"):
        db = str(tmp_path / f"{runner}.duckdb")
        out = ingest_results(format="lm-eval", sources=sources, db=db, runner=runner, n_workers=2)
        assert out["failed"] == 0 and out["loaded"] >= 5, out
        with connect(db, read_only=True) as con:
            got[runner] = con.execute("SELECT model_id, prompt_id, correct, metric FROM results "
                                      "ORDER BY ALL").fetchall()
    assert got["dask"] == got["local"] and len(got["dask"]) > 100
