"""The issue's checks on ../shared/data: MMLU-Pro counts and accuracies, re-run skips, RouterBench costs."""
from __future__ import annotations

import io
import json
import zipfile

import pytest

from tasks.ingest import expand_sources, ingest_item, totals

pytestmark = pytest.mark.shared_data


@pytest.fixture(scope="module")
def mmlu_loaded(tmp_path_factory):
    """A warehouse holding all 22 MMLU-Pro zips, and the first load's counts."""
    from conftest import SHARED_DATA
    from warehouse import connect
    src = SHARED_DATA / "mmlu_pro" / "eval_results"
    if not src.exists():
        pytest.skip(f"real data not found at {src}")
    con = connect(str(tmp_path_factory.mktemp("w") / "w.duckdb"))
    items, _ = expand_sources("mmlu-pro", [str(src)])
    first = totals([ingest_item(con, "mmlu-pro", it) for it in items])
    yield con, src, first
    con.close()


def test_full_load_counts(mmlu_loaded):
    con, _, first = mmlu_loaded
    assert (first["loaded"], first["failed"], first["rows_new"], first["rows_rejected"]) == (22, 0, 263003, 43)
    counts = con.execute("SELECT (SELECT count(*) FROM models), (SELECT count(*) FROM prompts), "
                         "(SELECT count(*) FROM results)").fetchall()[0]
    assert counts == (22, 12032, 263003)
    partial = con.execute("SELECT uri, rows_rejected FROM loads WHERE status = 'partial'").fetchall()
    assert len(partial) == 1 and partial[0][0].endswith("DeepSeek-Coder-V2_5shots.zip") and partial[0][1] == 43


def test_accuracy_matches_the_zips(mmlu_loaded):
    con, src, _ = mmlu_loaded
    stored = dict(con.execute("""SELECT m.display_name, avg(r.correct::INT) FROM results r
                                 JOIN models m USING (model_id) GROUP BY 1""").fetchall())
    for z in sorted(src.glob("*.zip")):
        with zipfile.ZipFile(z) as zf:
            recs = [r for r in json.load(io.BytesIO(zf.read(zf.namelist()[0]))) if isinstance(r, dict)]
        model = z.name[len("model_outputs_"):-len("_5shots.zip")]
        direct = sum(r["pred"] == r["answer"] for r in recs) / len(recs)
        assert stored[model] == pytest.approx(direct, abs=1e-12), model


def test_results_point_at_the_text_each_model_saw(mmlu_loaded):
    con, _, _ = mmlu_loaded
    multi = con.execute("SELECT count(*) FROM prompts WHERE n_versions > 1").fetchall()[0][0]
    assert multi > 0
    dangling = con.execute("""SELECT count(*) FROM results r ANTI JOIN prompt_versions v
                              USING (prompt_id, version_id)""").fetchall()[0][0]
    assert dangling == 0


def test_rerun_writes_nothing(mmlu_loaded):
    con, src, _ = mmlu_loaded
    loads_before = con.execute("SELECT count(*) FROM loads").fetchall()
    items, _ = expand_sources("mmlu-pro", [str(src)])
    again = totals([ingest_item(con, "mmlu-pro", it) for it in items])
    assert (again["skipped"], again["rows_new"], again["rows_updated"]) == (22, 0, 0)
    assert con.execute("SELECT count(*) FROM loads").fetchall() == loads_before


def test_routerbench_subset_loads_with_costs(con, shared_data):
    items, _ = expand_sources("routerbench", [str(shared_data / "routerbench")])
    out = totals([ingest_item(con, "routerbench", it) for it in items])
    assert out["loaded"] == 6 and out["failed"] == 0
    n_models, with_cost, tasks = con.execute("""SELECT count(DISTINCT model_id), avg((cost_usd IS NOT NULL)::INT),
        (SELECT list(DISTINCT category ORDER BY category) FROM prompts) FROM results""").fetchall()[0]
    assert n_models == 11 and with_cost > 0.99
    assert tasks == ["arc-challenge", "mbpp", "winogrande"]
    assert con.execute("SELECT count(*) FROM prompts").fetchall()[0][0] == 3164
