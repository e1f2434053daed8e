"""prefect.yaml: every deployment loads, its entrypoint imports, and all six register with a Prefect server."""
from __future__ import annotations

import asyncio

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


def test_all_six_register_with_a_prefect_server(prefect_harness):
    from prefect.client.orchestration import get_client

    for d in runner_deployments({"db": "/tmp/w.duckdb"}):
        d.apply()

    async def names():
        async with get_client() as client:
            return {d.name for d in await client.read_deployments()}
    assert EXPECTED <= asyncio.run(names())
