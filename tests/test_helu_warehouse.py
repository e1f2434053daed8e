"""HeLU tables, writers, views and the routing-data reader on a real DuckDB file."""
from __future__ import annotations

import math

import numpy as np
import pytest

from helu_warehouse import EMBEDDINGS_DDL, build_routing_warehouse
from warehouse import connect, query
from warehouse import helu as store


def _result(workload, activation, alpha, seed, acc, *, status="ok", collapsed=None, metric="accuracy", epochs=2):
    label = f"helu({alpha:g})" if activation == "helu" else activation
    return {"workload": workload, "family": "digits", "activation": activation, "alpha": alpha, "label": label,
            "seed": seed, "device": "cpu", "status": status, "error": None if status == "ok" else "boom",
            "metric": metric, "final_val_acc": acc, "best_val_acc": acc, "final_val_loss": 1 - acc,
            "best_val_loss": 1 - acc, "dead_frac_start": 0.1, "dead_frac_end": 0.2 + seed / 10,
            "dead_layers_start": [0.1, 0.1], "dead_layers_end": [0.2, 0.3], "collapsed": collapsed,
            "born_dead": False if collapsed is not None else None, "died_in_training": collapsed,
            "time_per_epoch_s": 0.01 * (seed + 1), "epochs": epochs, "wall_s": 1.0,
            "config": {"seed": seed, "params": {"epochs": epochs}},
            "curves": [{"epoch": e, "train_loss": None if e == 0 else 0.5, "val_loss": 0.4, "val_acc": acc,
                        "dead_frac": 0.2, "epoch_s": None if e == 0 else 0.01} for e in range(epochs + 1)]
            if status == "ok" else []}


def _suite(con, suite_id, status="ok"):
    store.start_suite(con, suite_id=suite_id, quick=True, runner="local", device="cpu", seeds=[0, 1, 2],
                      config={"x": 1})
    relu, helu = [0.90, 0.85, 0.88], [0.93, 0.86, 0.90]
    for s in range(3):
        store.write_run(con, suite_id, _result("digits_mlp", "relu", None, s, relu[s]))
        store.write_run(con, suite_id, _result("digits_mlp", "helu", 0.05, s, helu[s]))
    store.write_run(con, suite_id, _result("digits_mlp", "gelu", None, 0, 0.5, status="failed"))
    store.set_workload(con, suite_id=suite_id, workload="digits_mlp", family="digits", status="partial", n_planned=7)
    store.finish_suite(con, suite_id, status)
    return relu, helu


def test_migration_runs_epochs_views_and_counts(con):
    assert con.execute("SELECT name FROM schema_version WHERE version = 4").fetchall() == [("helu",)]
    relu, helu = _suite(con, "s1")
    assert con.execute("SELECT count(*) FROM helu_epochs").fetchall()[0][0] == 6 * 3
    assert con.execute("SELECT n_runs, n_failed, status FROM helu_suites").fetchall() == [(7, 1, "ok")]
    assert con.execute("SELECT status, n_planned, n_ok, n_failed FROM helu_workloads").fetchall() == [
        ("partial", 7, 6, 1)]
    err, cfg = con.execute("SELECT error, config->>'$.seed' FROM helu_runs WHERE label = 'gelu'").fetchall()[0]
    assert err == "boom" and cfg == "0"
    rows = {r[0]: r[1:] for r in con.execute(
        "SELECT label, n_seeds, acc_mean, acc_std, dead_end_mean, epoch_s_mean FROM helu_summary").fetchall()}
    assert set(rows) == {"relu", "helu(0.05)"}  # the failed gelu run is not summarised
    n, mean, std, dead, eps = rows["helu(0.05)"]
    assert n == 3 and mean == pytest.approx(np.mean(helu)) and std == pytest.approx(np.std(helu, ddof=1))
    assert dead == pytest.approx(0.3) and eps == pytest.approx(0.02)
    diffs = con.execute("SELECT seed, diff FROM helu_vs_relu ORDER BY seed").fetchall()
    assert [d for _, d in diffs] == pytest.approx([h - r for h, r in zip(helu, relu)])


def test_latest_view_and_publish_replace(con):
    _suite(con, "s-old")
    _suite(con, "s-new")
    store.start_suite(con, suite_id="s-running", quick=True, runner="local", device="cpu", seeds=[0], config={})
    latest = {r[0] for r in con.execute("SELECT suite_id FROM helu_summary_latest").fetchall()}
    assert latest == {"s-new"}
    assert query(con, "helu_latest_suite", finished=False).fetchall()[0][0] == "s-running"
    rows = [{"workload": "digits_mlp", "label": "relu", "activation": "relu", "alpha": None, "metric": "accuracy",
             "n_seeds": 3, "score_mean": 0.9}]
    assert store.publish(con, "s-new", rows) == 1
    assert store.publish(con, "s-new", rows + [rows[0] | {"label": "helu(0.05)", "activation": "helu",
                                                          "alpha": 0.05}]) == 2
    got = con.execute("SELECT label, alpha, score_mean FROM helu_published ORDER BY label").fetchall()
    assert got == [("helu(0.05)", 0.05, 0.9), ("relu", None, 0.9)]


def test_routing_reader_gives_reasons_when_there_is_nothing_to_read(con):
    con.execute("DROP TABLE IF EXISTS embeddings")  # a warehouse from before the embeddings migration
    data, why = store.read_routing_data(con)
    assert data is None and "no embeddings table" in why
    con.execute(EMBEDDINGS_DDL)
    data, why = store.read_routing_data(con)
    assert data is None and "no embedded prompt text has results" in why


def test_routing_reader_on_a_synthetic_warehouse(db_path):
    info = build_routing_warehouse(db_path, None, n_prompts=60, n_models=3, seed=5)
    with connect(db_path) as con:
        con.execute("DELETE FROM results WHERE model_id = 'synthetic-model-1' AND prompt_id = 'synthetic:7'")
        data, why = store.read_routing_data(con)
        assert why is None and data["encoder"] == info["encoder"] == "synthetic-gaussian-seed5"
        assert data["X"].shape == (60, 32) and data["Y"].shape == (60, 3)
        assert int(np.isnan(data["Y"]).sum()) == 1
        assert set(np.unique(data["Y"][~np.isnan(data["Y"])])) <= {0.0, 1.0}
        capped, _ = store.read_routing_data(con, max_texts=25)
        assert capped["X"].shape == (25, 32)
        none, why = store.read_routing_data(con, encoder="other")
        assert none is None and "other" in why
        small, why = store.read_routing_data(con, max_texts=10)
        assert small is None and "need >= 20" in why
        # an encoder that embeds text + options keys its vectors by version_id
        con.execute("""INSERT INTO embeddings (text_hash, encoder, dim, vector, created_at) SELECT pv.version_id, 'syn+options', e.dim, e.vector, e.created_at
                       FROM embeddings e JOIN prompt_versions pv ON pv.text_hash = e.text_hash""")
        by_version, why = store.read_routing_data(con, encoder="syn+options")
        assert why is None and np.array_equal(np.sort(by_version["X"], 0), np.sort(data["X"], 0))
    assert not math.isnan(float(data["X"].sum()))
