"""The ingest_releases Prefect flow: Hub token from a Secret block (never a parameter), loads, 4xx not retried."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from http_fixtures import Loopback

FIXTURES = Path(__file__).parent / "fixtures"
SECRET = "hf_FlowSecretBlockToken7"


@pytest.fixture
def hub(monkeypatch):
    for var in ("TASKSPACE_HUB_TOKEN", "HF_TOKEN", "TASKSPACE_HUB_TOKEN_SECRET"):
        monkeypatch.delenv(var, raising=False)
    with Loopback() as srv:
        srv.add_hub_listing(json.loads((FIXTURES / "hub" / "models_listing.json").read_bytes()))
        yield srv


def test_flow_uses_secret_block_and_loads_releases_and_leaderboard(prefect_harness, hub, db_path):
    from prefect.blocks.system import Secret
    from prefect.client.orchestration import get_client

    from flows.ingest_releases import ingest_releases
    Secret(value=SECRET).save("taskspace-hub-token", overwrite=True)

    state = ingest_releases(format="hub-api", source=hub.url, db=db_path, page_size=4,
                            token_secret="taskspace-hub-token", return_state=True)
    out = state.result()
    assert state.is_completed() and (out["new"], out["pages_fetched"]) == (9, 3)
    assert all(r.headers.get("Authorization") == f"Bearer {SECRET}" for r in hub.requests)
    with get_client(sync_client=True) as client:
        run = client.read_flow_run(state.state_details.flow_run_id)
    assert SECRET not in json.dumps(run.parameters, default=str)

    out = ingest_releases(format="open-llm-leaderboard", db=db_path,
                          source=str(FIXTURES / "open_llm_leaderboard" / "leaderboard_excerpt.csv"))
    assert out["new"] == 6 and out["links"]["linked"] == 0


def test_flow_fails_on_4xx_without_retrying(prefect_harness, hub, db_path):
    from flows.ingest_releases import ingest_releases

    hub.fail("/api/models", 403)
    state = ingest_releases(format="hub-api", source=hub.url, db=db_path, return_state=True)
    assert state.is_failed() and "HTTP 403" in state.message and hub.url in state.message
    assert hub.hits("/api/models") == 1
