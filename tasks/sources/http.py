"""HTTP fetching for live sources: bounded timeouts, retries with backoff, Retry-After on 429."""
from __future__ import annotations

import email.utils
import http.client
import logging
import os
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timezone

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


_SECRET_PARAM = re.compile(r"token|signature|credential|secret|password|^sig$|key$", re.I)


def redact(url: str) -> str:
    """The URL with the values of secret-looking query parameters (token=, X-Amz-Signature=, ...) hidden."""
    u = urllib.parse.urlsplit(url)
    if not u.query:
        return url
    pairs = urllib.parse.parse_qsl(u.query, keep_blank_values=True)
    if not any(_SECRET_PARAM.search(k) for k, _ in pairs):
        return url
    q = [(k, "***" if _SECRET_PARAM.search(k) else v) for k, v in pairs]
    return u._replace(query=urllib.parse.urlencode(q, safe="*/:")).geturl()


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


_opener = urllib.request.build_opener(_StripAuthOnRedirect)


def _read(resp, deadline: float | None) -> bytes:
    """The whole body, chunk by chunk; raises on a short body or when the attempt's deadline passes."""
    parts, n = [], 0
    while True:
        if deadline is not None and time.monotonic() > deadline:
            raise TimeoutError(f"body not complete after the deadline ({n} bytes read)")
        chunk = resp.read(CHUNK)
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

    `timeout` bounds every socket operation; `max_seconds` (default 20 x timeout) bounds one attempt's whole
    download. Header values (a token) never appear in messages or logs: only the URL and the status do.
    """
    per_try = max_seconds if max_seconds is not None else 20 * timeout
    shown, last, status = redact(url), "no attempt", None
    for attempt in range(retries + 1):
        req = urllib.request.Request(url, headers={"User-Agent": "taskspace", **(headers or {})})
        wait = None
        try:
            with _opener.open(req, timeout=timeout) as resp:
                body = _read(resp, time.monotonic() + per_try)
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
        if attempt < retries:
            wait = backoff_seconds(attempt, backoff) if wait is None else wait
            log.warning("GET %s: %s; retry %d/%d in %.1fs", shown, last, attempt + 1, retries, wait)
            time.sleep(wait)
    raise FetchError(f"GET {shown} failed after {retries + 1} attempts: {last}", url=shown, status=status,
                     retryable=True)
