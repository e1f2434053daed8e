"""HTTP fetching for live sources: socket timeouts, a total deadline per request, retries, Retry-After on 429."""
from __future__ import annotations

import email.utils
import http.client
import logging
import os
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timezone

from tasks.sources.redact import redact

DEFAULT_TIMEOUT = float(os.environ.get("TASKSPACE_HTTP_TIMEOUT", "30"))
DEFAULT_RETRIES = int(os.environ.get("TASKSPACE_HTTP_RETRIES", "4"))
MAX_WAIT = 120.0          # never sleep longer than this between two tries, whatever Retry-After says
CHUNK = 1 << 20

log = logging.getLogger("taskspace.http")


class FetchError(RuntimeError):
    """A URL that could not be fetched; the message names the URL and the status or reason."""

    def __init__(self, message: str, *, url: str = "", status: int | None = None, retryable: bool = False):
        super().__init__(message)
        self.url, self.status, self.retryable = url, status, retryable


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds a Retry-After header asks to wait (delta-seconds or an HTTP date), capped; None if absent/bad."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, min(float(value), MAX_WAIT))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    delta = (when - (now or datetime.now(timezone.utc))).total_seconds()
    return max(0.0, min(delta, MAX_WAIT))


def backoff_seconds(attempt: int, backoff: float) -> float:
    """Exponential backoff before try attempt+1: backoff * 2**attempt, capped."""
    return min(backoff * (2 ** attempt), MAX_WAIT)


def same_origin(a: str, b: str) -> bool:
    """True when two URLs share scheme, host and port (credentials may travel between them)."""
    pa, pb = urllib.parse.urlsplit(a), urllib.parse.urlsplit(b)
    return (pa.scheme, pa.hostname, pa.port) == (pb.scheme, pb.hostname, pb.port)


class _StripAuthOnRedirect(urllib.request.HTTPRedirectHandler):
    """Follows redirects but drops Authorization when the redirect leaves the origin (e.g. Hub -> CDN)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None and not same_origin(req.full_url, newurl):
            for h in [h for h in new.headers if h.lower() == "authorization"]:
                del new.headers[h]
            new.unredirected_hdrs.pop("Authorization", None)
        return new


class _Deadline:
    """One request's total deadline: when it passes, the request's sockets are shut down, ending any read."""
    current = threading.local()

    def __init__(self, seconds: float):
        self.seconds, self.fired, self.socks = seconds, False, []
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True

    def _fire(self) -> None:
        self.fired = True
        for sock in self.socks:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def __enter__(self) -> "_Deadline":
        _Deadline.current.value = self
        self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self._timer.cancel()
        _Deadline.current.value = None

    @staticmethod
    def track(sock) -> None:
        dl = getattr(_Deadline.current, "value", None)
        if dl is not None:
            dl.socks.append(sock)
            if dl.fired:
                dl._fire()


class _HTTPConnection(http.client.HTTPConnection):
    def connect(self):
        super().connect()
        _Deadline.track(self.sock)


class _HTTPSConnection(http.client.HTTPSConnection):
    def connect(self):
        super().connect()
        _Deadline.track(self.sock)


class _HTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_HTTPConnection, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(_HTTPSConnection, req, context=self._context)


_opener = urllib.request.build_opener(_StripAuthOnRedirect, _HTTPHandler, _HTTPSHandler)


def deadline_seconds(timeout: float) -> float:
    """The total time one request may take: $TASKSPACE_HTTP_DEADLINE seconds, else 20 x the socket timeout."""
    value = os.environ.get("TASKSPACE_HTTP_DEADLINE")
    return float(value) if value else 20 * timeout


def _read(resp, deadline: _Deadline) -> bytes:
    """The whole body, chunk by chunk; raises on a short body or when the request's deadline passed."""
    parts, n = [], 0
    while True:
        chunk = resp.read(CHUNK)
        if deadline.fired:
            raise TimeoutError(f"no complete response within {deadline.seconds:g} s ({n + len(chunk)} bytes read)")
        if not chunk:
            break
        parts.append(chunk)
        n += len(chunk)
    length = resp.headers.get("Content-Length")
    if length is not None and length.isdigit() and n != int(length):
        raise http.client.IncompleteRead(b"", int(length) - n)
    return b"".join(parts)


def fetch(url: str, *, headers: dict[str, str] | None = None, timeout: float = DEFAULT_TIMEOUT,
          retries: int = DEFAULT_RETRIES, backoff: float = 0.5,
          max_seconds: float | None = None) -> tuple[bytes, dict[str, str]]:
    """(body, headers) of a GET; retries 429/5xx/timeouts/truncated bodies, fails at once on other 4xx.

    `timeout` bounds every socket operation; `max_seconds` (default deadline_seconds()) bounds each request
    as a whole, headers and body: a server that drips bytes is cut off there. Header values (a token) never
    appear in messages or logs: only the (redacted) URL and the status do.
    """
    per_try = max_seconds if max_seconds is not None else deadline_seconds(timeout)
    shown, last, status = redact(url), "no attempt", None
    for attempt in range(retries + 1):
        req = urllib.request.Request(url, headers={"User-Agent": "taskspace", **(headers or {})})
        wait, deadline = None, _Deadline(per_try)
        try:
            with deadline, _opener.open(req, timeout=timeout) as resp:
                body = _read(resp, deadline)
                return body, dict(resp.headers.items())
        except urllib.error.HTTPError as exc:
            code = exc.code
            exc.close()
            if 400 <= code < 500 and code != 429:
                hint = " (rate limit exhausted)" if exc.headers.get("X-RateLimit-Remaining") == "0" else ""
                raise FetchError(f"GET {shown} failed: HTTP {code} {exc.reason}{hint}", url=shown,
                                 status=code) from None
            last, status = f"HTTP {code} {exc.reason}", code
            wait = retry_after_seconds(exc.headers.get("Retry-After"))
        except http.client.IncompleteRead as exc:
            last = f"truncated body ({exc.expected} bytes missing)"
        except (urllib.error.URLError, http.client.HTTPException, TimeoutError, socket.timeout,
                ConnectionError, OSError) as exc:
            last = str(getattr(exc, "reason", exc)) or type(exc).__name__
        if deadline.fired and "within" not in last:
            last = f"no complete response within {per_try:g} s (the deadline per request)"
        if attempt < retries:
            wait = backoff_seconds(attempt, backoff) if wait is None else wait
            log.warning("GET %s: %s; retry %d/%d in %.1fs", shown, last, attempt + 1, retries, wait)
            time.sleep(wait)
    raise FetchError(f"GET {shown} failed after {retries + 1} attempts: {last}", url=shown, status=status,
                     retryable=True)
