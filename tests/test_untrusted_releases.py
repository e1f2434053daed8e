"""Release dates from the future: refused at the edge, and never the live listing's stop mark."""
from __future__ import annotations

from datetime import datetime, timedelta

import polars as pl

from http_fixtures import Loopback
from tasks.releases import ingest_releases, stop_mark
from tasks.sources.hub_api import RELEASE_SCHEMA, release_rows
from warehouse.loads import utcnow
from warehouse.releases import write_releases

FAST = {"backoff": 0.01}


def model(i: int, created: str) -> dict:
    return {"id": f"acme/m{i}", "author": "acme", "sha": f"{i:040d}", "createdAt": created,
            "lastModified": created, "downloads": 1, "likes": 0, "tags": []}


def listing(n: int, start: int = 0, day: datetime = datetime(2024, 6, 1)) -> list[dict]:
    """N models, newest first, created one day apart, the newest on DAY."""
    return [model(start + n - k, (day - timedelta(days=k)).strftime("%Y-%m-%dT%H:%M:%SZ")) for k in range(n)]


def test_a_future_created_at_is_rejected_and_paging_goes_on(con):
    future = model(99, "9999-12-31T00:00:00Z")
    with Loopback() as hub:
        hub.add_hub_listing([future, *listing(6)])
        out = ingest_releases(con, "hub-api", hub.url, page_size=2, **FAST)
    assert (out["new"], out["rejected"], out["pages_fetched"]) == (6, 1, 4)
    reason = con.execute("SELECT reason FROM rejected_records").fetchall()[0][0]
    assert "createdAt '9999-12-31T00:00:00Z' is in the future" in reason
    assert stop_mark(con, None) == datetime(2024, 6, 1)


def test_a_stored_future_date_never_moves_the_stop_mark_past_today(con):
    """A warehouse that stored 9999-12-31 before this check still pages every later listing down to its data."""
    with Loopback() as hub:
        hub.add_hub_listing(listing(4))
        ingest_releases(con, "hub-api", hub.url, page_size=2, **FAST)
        bad = pl.DataFrame([release_rows([model(99, "2024-01-01T00:00:00Z")], "x")[0].row(0, named=True)
                            | {"created_at": datetime(9999, 12, 31)}], schema=RELEASE_SCHEMA)
        write_releases(con, source="hub-api", uri="old-run", sha256=None, releases=bad, rejected=[],
                       started_at=utcnow())
        assert stop_mark(con, None) == datetime(2024, 6, 1)
        hub.add_hub_listing(listing(4, start=4, day=datetime(2024, 6, 5)) + listing(4))     # four newer models on top
        out = ingest_releases(con, "hub-api", hub.url, page_size=2, **FAST)
    assert out["new"] == 4 and out["pages_fetched"] == 3
    assert stop_mark(con, None) <= utcnow()
