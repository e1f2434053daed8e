"""Hostile servers: a body (or headers) dripped a byte at a time is cut off at the request's total deadline, and
the source fails with its (redacted) URL instead of holding the warehouse forever."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time

import pytest

from conftest import REPO
from tasks.ingest import expand_sources, ingest_item
from tasks.sources.http import FetchError, fetch


class Drip:
    """A loopback server that sends headers (or not even those) one byte every INTERVAL seconds, forever."""

    def __init__(self, interval: float = 0.2, headers_too: bool = False):
        self.interval, self.headers_too, self.stop = interval, headers_too, threading.Event()
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def __enter__(self) -> "Drip":
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.sock.close()

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn) -> None:
        head = b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n"
        try:
            conn.recv(65536)
            if not self.headers_too:
                conn.sendall(head)
            for byte in (head if self.headers_too else b"x" * 100000):
                if self.stop.wait(self.interval):
                    break
                conn.sendall(bytes([byte]) if isinstance(byte, int) else byte)
        except OSError:
            pass
        finally:
            conn.close()


@pytest.mark.parametrize("headers_too", [False, True])
def test_a_dripping_server_fails_at_the_deadline_with_its_url(headers_too):
    with Drip(headers_too=headers_too) as srv:
        t0 = time.monotonic()
        with pytest.raises(FetchError) as ei:
            fetch(srv.url + "/results.zip?token=DripSecret1", timeout=1, retries=0, max_seconds=1.5)
        took = time.monotonic() - t0
    assert took < 4, took                              # 1 byte per 0.2 s never trips the 1 s socket timeout
    msg = str(ei.value)
    assert "no complete response within 1.5 s" in msg and srv.url + "/results.zip" in msg
    assert "DripSecret1" not in msg and "token=***" in msg


def test_the_deadline_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("TASKSPACE_HTTP_DEADLINE", "1")
    with Drip() as srv:
        t0 = time.monotonic()
        with pytest.raises(FetchError, match="within 1 s"):
            fetch(srv.url + "/x.json", timeout=5, retries=1, backoff=0.01)
    assert time.monotonic() - t0 < 5                   # two tries of 1 s each, not 2 x 100 s of dripping


def test_a_stalled_source_is_a_failed_load_naming_the_url(con, monkeypatch):
    monkeypatch.setenv("TASKSPACE_HTTP_DEADLINE", "1")
    with Drip() as srv:
        items, missing = expand_sources("long", [srv.url + "/t.jsonl"])
        summary = ingest_item(con, "long", items[0])
    assert summary.status == "failed" and srv.url + "/t.jsonl" in summary.error and "within 1 s" in summary.error
    assert con.execute("SELECT status FROM loads").fetchall() == [("failed",)]


def test_cli_with_a_dripping_source_ends_and_exits_1():
    with Drip() as srv:
        env = {**os.environ, "TASKSPACE_HTTP_TIMEOUT": "2", "TASKSPACE_HTTP_RETRIES": "0",
               "TASKSPACE_HTTP_DEADLINE": "2"}
        t0 = time.monotonic()
        proc = subprocess.run([sys.executable, "-c", "from flows.cli import app; app()", "--db", ":memory:",
                               "ingest", "results", "--format", "mmlu-pro", "--json",
                               srv.url + "/model_outputs_X_5shots.zip"], env=env, capture_output=True, text=True,
                              cwd=REPO, timeout=120)
    assert time.monotonic() - t0 < 60 and proc.returncode == 1, proc.stderr[-2000:]
    out = json.loads(proc.stdout)
    assert out["failed"] == 1 and "within 2 s" in out["errors"][0] and "Traceback" not in proc.stderr
