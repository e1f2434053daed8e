"""Secrets in source URLs (token=, signatures, user:password@) never reach logs, task names, `loads`,
`pipeline_runs` or Prefect's database, while the real URL is still what gets fetched."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import REPO
from http_fixtures import Loopback
from tasks.sources.redact import hide, public_url, redact, redact_text, reveal

LISTING = [{"id": f"acme/m{i}", "author": "acme", "sha": f"{i:040d}", "createdAt": f"2024-0{i}-01T00:00:00Z",
            "lastModified": f"2024-0{i}-01T00:00:00Z", "downloads": 1, "likes": 0, "tags": []} for i in (3, 2, 1)]


@pytest.mark.parametrize("url,hidden,kept", [
    ("https://h/x.zip?token=S3CR3T&ref=main", "S3CR3T", "ref=main"),
    ("https://h/x?access_token=S3CR3T", "S3CR3T", "access_token=***"),
    ("https://b.s3/x?X-Amz-Signature=S3CR3T&X-Amz-Credential=C2&X-Amz-Date=1", "C2", "X-Amz-Date=1"),
    ("https://h/x?api_key=S3CR3T&apikey=K2", "K2", "api_key=***"),
    ("https://h/x?password=S3CR3T&sig=Z", "S3CR3T", "sig=***"),
    ("https://alice:S3CR3T@h/x.csv", "S3CR3T", "https://***@h/x.csv"),
    ("https://h/cb#access_token=S3CR3T&state=1", "S3CR3T", "state=1"),
])
def test_redact_hides_secrets_and_keeps_the_rest(url, hidden, kept):
    shown = redact(url)
    assert hidden not in shown and "S3CR3T" not in shown and kept in shown


def test_redact_leaves_plain_urls_and_paths_alone():
    for s in ("https://h/x?filter=a&author=b", "/data/x.csv?token=local-path", "relative/file.zip", ""):
        assert redact(s) == s
    assert public_url("https://u:p@h/x.zip?token=T#f") == "https://h/x.zip"
    text = "GET https://h/a?token=T1 failed; see https://u:pw@h/b"
    assert redact_text(text) == "GET https://h/a?token=*** failed; see https://***@h/b"
    real = "https://h/listing?token=RealOne"
    assert hide(real) == "https://h/listing?token=***" and reveal(hide(real)) == real and reveal("x") == "x"


def test_the_main_job_never_writes_a_source_token(tmp_path):
    """`taskspace run` with tokens in two source URLs: the fetches carry them, nothing written does."""
    from warehouse import connect

    secret, secret2 = "ghs_PipelineSecret123", "hf_ListingSecret456"
    prefect_home = tmp_path / "prefect"
    env = {**os.environ, "PREFECT_HOME": str(prefect_home), "TASKSPACE_HTTP_RETRIES": "0"}
    with Loopback() as srv:
        srv.add_hub_listing(LISTING)
        cfg = tmp_path / "taskspace.toml"
        cfg.write_text(f'db = "w.duckdb"\nout = "pub"\n\n[[sources]]\nname = "gone"\nkind = "results"\n'
                       f'format = "long"\nlocation = "{srv.url}/private/t.jsonl?token={secret}"\n\n'
                       f'[[sources]]\nname = "hub"\nkind = "releases"\nformat = "hub-api"\n'
                       f'location = "{srv.url}/api/models?token={secret2}"\n')
        proc = subprocess.run([sys.executable, "-c", "from flows.cli import app; app()", "run", "--config", str(cfg),
                               "--json"], env=env, capture_output=True, text=True, cwd=REPO, timeout=600)
        fetched = [r.query.get("token") for r in srv.requests]
    assert proc.returncode == 1, proc.stderr[-3000:]       # the 404 results source fails, the Hub loads
    assert [secret] in fetched and [secret2] in fetched    # the real URLs were fetched
    with connect(tmp_path / "w.duckdb", read_only=True) as con:
        stored = json.dumps([con.execute(f"SELECT * FROM {t}").fetchall() for t in ("loads", "pipeline_runs")],
                            default=str)
        assert con.execute("SELECT count(*) FROM model_releases").fetchall() == [(3,)]
    prefect_db = b"".join(p.read_bytes() for p in prefect_home.rglob("*") if p.is_file())
    for where, text in {"loads/pipeline_runs": stored, "stdout": proc.stdout, "stderr": proc.stderr,
                        "prefect home": prefect_db.decode("utf-8", "replace")}.items():
        assert secret not in text and secret2 not in text, where
    assert "token=***" in stored and b"token=***" in prefect_db and "token=***" in proc.stderr
