"""tasks.sources.http against a real loopback server: retries, Retry-After, fail-fast 4xx, truncation, timeouts."""
from __future__ import annotations

import logging
import time
from datetime import datetime, timezone

import pytest

from tasks.sources.http import FetchError, fetch, redact, retry_after_seconds
from http_fixtures import Loopback

BODY = b'{"ok": true, "rows": [1, 2, 3]}' * 50


@pytest.fixture
def srv():
    with Loopback() as s:
        s.add_file("/data.json", BODY, "application/json")
        yield s


def test_plain_get_returns_body_and_headers(srv):
    body, headers = fetch(srv.url + "/data.json", retries=0)
    assert body == BODY
    assert headers["Content-Type"] == "application/json"


def test_404_fails_at_once_naming_url_and_status(srv):
    with pytest.raises(FetchError) as ei:
        fetch(srv.url + "/missing.json", retries=3, backoff=5)
    assert f"{srv.url}/missing.json" in str(ei.value) and "HTTP 404" in str(ei.value)
    assert ei.value.status == 404 and not ei.value.retryable
    assert srv.hits("/missing.json") == 1


def test_500_then_success_is_retried(srv):
    srv.fail("/data.json", 500)
    assert fetch(srv.url + "/data.json", retries=2, backoff=0.05)[0] == BODY
    assert srv.hits("/data.json") == 2


def test_429_waits_for_retry_after(srv):
    srv.fail("/data.json", 429, headers={"Retry-After": "1"})
    t0 = time.monotonic()
    assert fetch(srv.url + "/data.json", retries=2, backoff=0.01)[0] == BODY
    assert time.monotonic() - t0 >= 0.95          # waited what the server asked, not the 0.01 s backoff
    assert srv.hits("/data.json") == 2


def test_persistent_5xx_gives_up_after_retries(srv):
    srv.fail("/data.json", 503, times=5)
    with pytest.raises(FetchError) as ei:
        fetch(srv.url + "/data.json", retries=2, backoff=0.01)
    assert "after 3 attempts" in str(ei.value) and "HTTP 503" in str(ei.value) and ei.value.retryable
    assert srv.hits("/data.json") == 3


def test_truncated_body_is_detected_and_retried(srv):
    srv.truncate("/data.json")
    assert fetch(srv.url + "/data.json", retries=1, backoff=0.01)[0] == BODY
    assert srv.hits("/data.json") == 2


def test_truncated_every_time_fails_with_reason(srv):
    srv.truncate("/data.json", times=2)
    with pytest.raises(FetchError, match="truncated"):
        fetch(srv.url + "/data.json", retries=1, backoff=0.01)


def test_timeout_is_bounded(srv):
    srv.stall("/data.json", 5, times=2)
    t0 = time.monotonic()
    with pytest.raises(FetchError, match="timed out"):
        fetch(srv.url + "/data.json", timeout=0.3, retries=1, backoff=0.01)
    assert time.monotonic() - t0 < 2.5


def test_token_is_sent_but_never_logged_nor_in_errors(srv, caplog):
    secret = "hf_TESTsecretTOKEN123"
    srv.fail("/data.json", 500)
    caplog.set_level(logging.DEBUG)
    fetch(srv.url + "/data.json", headers={"Authorization": f"Bearer {secret}"}, retries=1, backoff=0.01)
    assert srv.requests[-1].headers["Authorization"] == f"Bearer {secret}"
    with pytest.raises(FetchError) as ei:
        fetch(srv.url + "/nope", headers={"Authorization": f"Bearer {secret}"}, retries=1)
    assert secret not in str(ei.value) and secret not in caplog.text
    assert "retry 1/1" in caplog.text          # the retry was logged, by URL and status only


def test_redirect_to_another_origin_drops_authorization(srv):
    with Loopback() as other:
        other.add_file("/cdn/blob.bin", b"payload")
        srv.redirect("/resolve/blob.bin", other.url + "/cdn/blob.bin")
        body, _ = fetch(srv.url + "/resolve/blob.bin", headers={"Authorization": "Bearer hf_x"}, retries=0)
        assert body == b"payload"
        assert srv.requests[-1].headers.get("Authorization") == "Bearer hf_x"
        assert "Authorization" not in other.requests[-1].headers


def test_retry_after_forms():
    now = datetime(2025, 1, 1, 12, 0, 0, tzinfo=timezone.utc)
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds("Wed, 01 Jan 2025 12:00:30 GMT", now) == 30.0
    assert retry_after_seconds("100000") == 120.0       # capped
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


def test_redact_hides_secret_query_values_only():
    assert redact("https://h/x?filter=a&author=b") == "https://h/x?filter=a&author=b"
    shown = redact("https://raw.example/f.zip?token=GHSAT0AAAA&ref=main")
    assert "GHSAT0AAAA" not in shown and "token=***" in shown and "ref=main" in shown
