"""prefect.yaml: every deployment loads, its entrypoint imports, and all six register with a Prefect server."""
from __future__ import annotations

import asyncio
from pathlib import Path

from tasks.deployments import declared, load_entrypoint, runner_deployments

EXPECTED = {"ingest-results-hourly", "ingest-releases-daily", "refresh-operators", "publish-selection",
            "helu-benchmark-nightly", "backfill"}


def test_every_entrypoint_imports_and_takes_its_parameters():
    deps = declared()
    assert {d["name"] for d in deps} == EXPECTED
    for d in deps:
        flow = load_entrypoint(d["entrypoint"])
        accepted = set(flow.parameters.properties)
        assert set(d.get("parameters") or {}) <= accepted, (d["name"], accepted)
        assert d.get("description"), d["name"]
        assert d.get("schedules") or d.get("triggers") or d["name"] == "backfill", d["name"]


def test_schedules_and_chained_triggers():
    by_name = {d.name: d for d in runner_deployments({"db": "/tmp/w.duckdb"})}
    assert by_name["ingest-results-hourly"].schedules[0].schedule.cron == "7 * * * *"
    assert by_name["helu-benchmark-nightly"].schedules[0].schedule.timezone == "UTC"
    assert by_name["refresh-operators"].triggers[0].expect == {"taskspace.results.changed"}
    assert by_name["publish-selection"].triggers[0].expect == {"taskspace.operators.refit"}
    assert all(d.parameters.get("db") == "/tmp/w.duckdb" for d in by_name.values())


def test_one_configuration_and_one_warehouse_everywhere(tmp_path):
    """refresh, publish and backfill take the config of `taskspace run`; triggers listen to their own warehouse."""
    cfg = tmp_path / "taskspace.toml"
    cfg.write_text('db = "w.duckdb"\n[operators]\nlam = 2.5\nprecision = "fp32"\n')
    deps = {d["name"]: d for d in declared()}
    assert {n for n, d in deps.items() if "config" in (d.get("parameters") or {})} == {
        "refresh-operators", "publish-selection", "backfill"}
    by_name = {d.name: d for d in runner_deployments({"db": str(tmp_path / "w.duckdb"), "config": str(cfg)})}
    for name in ("refresh-operators", "publish-selection", "backfill"):
        assert by_name[name].parameters["config"] == str(cfg), name
    assert "config" not in by_name["ingest-results-hourly"].parameters
    for name in ("refresh-operators", "publish-selection"):
        match = by_name[name].triggers[0].match.root
        assert match == {"prefect.resource.id": "taskspace.warehouse",
                         "taskspace.warehouse.path": str(tmp_path / "w.duckdb")}, name
    from tasks.config import load_config
    from tasks.events import warehouse_resource
    assert warehouse_resource("w.duckdb")["taskspace.warehouse.path"] == str(Path("w.duckdb").resolve())
    ops = load_config(cfg).operators
    assert (ops.lam, ops.precision, ops.fields, ops.encoder_key) == (2.5, "fp32", "text", "all-MiniLM-L6-v2")


def test_all_six_register_with_a_prefect_server(prefect_harness):
    from prefect.client.orchestration import get_client

    for d in runner_deployments({"db": "/tmp/w.duckdb"}):
        d.apply()

    async def names():
        async with get_client() as client:
            return {d.name for d in await client.read_deployments()}
    assert EXPECTED <= asyncio.run(names())
