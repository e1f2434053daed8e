"""The helu_benchmark flow end to end on a real warehouse: local threads, a 2-worker Dask LocalCluster, the CLI."""
from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from helu_warehouse import build_routing_warehouse
from warehouse import connect

pytestmark = pytest.mark.slow
TINY = {"digits_mlp": {"epochs": 2}, "dying_relu_he_alive": {"epochs": 2, "steps_per_epoch": 25},
        "routing_mlp": {"epochs": 3}}


@pytest.fixture(scope="session")
def routing_template(tmp_path_factory):
    """A warehouse with real MMLU-Pro results and MiniLM embeddings of ~240 prompts (synthetic without shared data)."""
    from conftest import SHARED_DATA
    path = tmp_path_factory.mktemp("helu") / "routing.duckdb"
    shared = SHARED_DATA if (SHARED_DATA / "mmlu_pro" / "eval_results").is_dir() else None
    info = build_routing_warehouse(str(path), shared)
    return path, info


@pytest.fixture
def routing_db(routing_template, tmp_path):
    path, info = routing_template
    dst = tmp_path / "w.duckdb"
    shutil.copy(path, dst)
    return str(dst), info


def _rows(db, sql):
    with connect(db) as con:
        return con.execute(sql).fetchall()


def test_local_flow_fills_all_three_workloads_and_publishes(prefect_harness, routing_db, tmp_path):
    from flows.helu_benchmark import helu_benchmark
    db, info = routing_db
    out = helu_benchmark(db=db, quick=True, n_seeds=3, workloads=list(TINY), activations=["relu", "helu"],
                         alphas=[0.05], runner="local", n_workers=2, out_dir=str(tmp_path / "pub"), overrides=TINY)
    assert out["status"] == "ok" and out["runs_failed"] == 0 and out["skipped"] == {}
    assert out["runs_ok"] == 3 * (2 * 3) + 3  # 3 workloads x 2 activations x 3 seeds + the operator per seed
    per = dict(_rows(db, "SELECT workload, count(DISTINCT seed) FROM helu_runs WHERE status = 'ok' GROUP BY 1"))
    assert per == {"digits_mlp": 3, "dying_relu_he_alive": 3, "routing_mlp": 3}
    assert _rows(db, "SELECT DISTINCT status FROM helu_workloads") == [("ok",)]
    assert _rows(db, "SELECT count(*) FROM helu_epochs")[0][0] == 3 * 2 * ((2 + 1) + (2 + 1) + (3 + 1))
    for workload, epochs, n in _rows(db, """SELECT r.workload, r.epochs, count(e.epoch) FROM helu_runs r
            JOIN helu_epochs e USING (run_id) GROUP BY r.run_id, r.workload, r.epochs"""):
        assert n == epochs + 1, workload
    enc = _rows(db, "SELECT DISTINCT config->>'$.problem.encoder' FROM helu_runs WHERE workload = 'routing_mlp'")
    assert enc == [(info["encoder"],)]
    op = _rows(db, "SELECT count(*), min(final_val_acc) FROM helu_runs WHERE activation = 'linear_operator'")[0]
    assert op[0] == 3 and 0 < op[1] <= 1
    born = _rows(db, "SELECT DISTINCT born_dead FROM helu_runs WHERE workload = 'dying_relu_he_alive'")
    assert born == [(False,)]
    pub = {(r["workload"], r["label"]): r for r in out["summary"]}
    assert set(pub) == {(w, a) for w in TINY for a in ("relu", "helu(0.05)")} | {("routing_mlp", "linear_operator")}
    assert pub[("digits_mlp", "helu(0.05)")]["n_pairs"] == 3
    assert _rows(db, "SELECT count(*) FROM helu_published")[0][0] == len(pub)
    assert _rows(db, "SELECT count(*) FROM helu_vs_relu WHERE label = 'helu(0.05)'")[0][0] == 9
    with open(out["paths"]["plot"], "rb") as fh:
        assert fh.read(8) == b"\x89PNG\r\n\x1a\n"


def test_dask_runner_gives_the_same_runs_as_the_pure_runner(prefect_harness, db_path, tmp_path):
    from flows.helu_benchmark import helu_benchmark
    from tasks.helu.runner import run_one
    from tasks.helu.suite import plan_runs
    tiny = {"digits_mlp": {"epochs": 2}}
    out = helu_benchmark(db=db_path, quick=True, n_seeds=3, workloads=["digits_mlp"], activations=["relu", "helu"],
                         alphas=[0.05], runner="dask", n_workers=2, out_dir=str(tmp_path / "pub"), overrides=tiny)
    assert out["status"] == "ok" and out["runs_ok"] == 6
    got = {(lab, seed): (acc, loss) for lab, seed, acc, loss in _rows(
        db_path, "SELECT label, seed, final_val_acc, final_val_loss FROM helu_runs")}
    specs = plan_runs(workloads=["digits_mlp"], seeds=[0, 1, 2], device="cpu", quick=True,
                      activations=["relu", "helu"], alphas=[0.05], overrides=tiny, threads=1)
    for spec in specs[:2]:
        r = run_one(spec)
        assert got[(spec.label, spec.seed)] == pytest.approx((r["final_val_acc"], r["final_val_loss"]), abs=1e-6)
    assert _rows(db_path, "SELECT runner FROM helu_suites") == [("dask",)]


def test_cli_records_skipped_workload_and_failed_runs_then_summary(prefect_harness, db_path, tmp_path):
    from flows.cli import app
    runner = CliRunner()
    args = ["--db", db_path, "helu", "bench", "--quick", "--seeds", "3", "-w", "digits_mlp", "-w", "routing_mlp",
            "-w", "dying_relu_he", "-a", "relu", "-a", "helu", "--alpha", "0.05", "--set", "digits_mlp.epochs=1",
            "--set", "dying_relu_he.init=\"bogus\"", "--out", str(tmp_path / "pub"), "--json"]
    res = runner.invoke(app, args)
    assert res.exit_code == 1, res.output
    out = json.loads(res.output.strip().splitlines()[-1])
    assert out["status"] == "partial" and out["runs_ok"] == 6 and out["runs_failed"] == 6
    # empty warehouse: either no embeddings table yet or no embedded prompt with results
    assert "embedd" in out["skipped"]["routing_mlp"] and out["wall_s"] > 0
    wl = dict((w, (s, r)) for w, s, r in _rows(db_path, "SELECT workload, status, reason FROM helu_workloads"))
    assert wl["routing_mlp"][0] == "skipped" and "embedd" in wl["routing_mlp"][1]
    assert wl["dying_relu_he"][0] == "failed" and wl["digits_mlp"][0] == "ok"
    errors = _rows(db_path, "SELECT DISTINCT error FROM helu_runs WHERE status = 'failed'")
    assert len(errors) == 1 and "unknown init scheme 'bogus'" in errors[0][0]
    summary = runner.invoke(app, ["--db", db_path, "helu", "summary", "--json"])
    assert summary.exit_code == 0, summary.output
    rows = json.loads(summary.output.strip().splitlines()[-1])["rows"]
    assert {(r["workload"], r["label"]) for r in rows} == {("digits_mlp", "relu"), ("digits_mlp", "helu(0.05)")}
    bad = runner.invoke(app, ["--db", db_path, "helu", "bench", "--runner", "spark"])
    assert bad.exit_code == 2 and "local or dask" in bad.output
    bad = runner.invoke(app, ["--db", db_path, "helu", "bench", "--set", "digits_mlp.nope=1"])
    assert bad.exit_code == 2 and "unknown settings" in bad.output
