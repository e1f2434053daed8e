"""HTTP fetching for live sources: bounded timeouts, retries with backoff, Retry-After on 429."""
from __future__ import annotations

import os
import time
import urllib.error
import urllib.request

DEFAULT_TIMEOUT = float(os.environ.get("TASKSPACE_HTTP_TIMEOUT", "30"))
DEFAULT_RETRIES = int(os.environ.get("TASKSPACE_HTTP_RETRIES", "4"))


class FetchError(RuntimeError):
    """A URL that could not be fetched; the message names the URL and the status or reason."""


def _sleep_for(exc: urllib.error.HTTPError | None, attempt: int, backoff: float) -> float:
    """Seconds to wait before the next try: Retry-After when the server gave one, else exponential backoff."""
    if exc is not None and exc.headers.get("Retry-After"):
        try:
            return min(float(exc.headers["Retry-After"]), 120.0)
        except ValueError:
            pass
    return backoff * (2 ** attempt)


def fetch(url: str, *, headers: dict[str, str] | None = None, timeout: float = DEFAULT_TIMEOUT,
          retries: int = DEFAULT_RETRIES, backoff: float = 0.5) -> tuple[bytes, dict[str, str]]:
    """(body, headers) of a GET; retries 429/5xx/timeouts/truncated bodies, fails at once on other 4xx."""
    last = "no attempt"
    for attempt in range(retries + 1):
        req = urllib.request.Request(url, headers={"User-Agent": "taskspace", **(headers or {})})
        http_exc = None
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                body = resp.read()
                length = resp.headers.get("Content-Length")
                if length is not None and len(body) != int(length):
                    raise urllib.error.URLError(f"truncated body: {len(body)} of {length} bytes")
                return body, dict(resp.headers.items())
        except urllib.error.HTTPError as exc:
            if 400 <= exc.code < 500 and exc.code != 429:
                raise FetchError(f"GET {url} failed: HTTP {exc.code} {exc.reason}") from None
            http_exc, last = exc, f"HTTP {exc.code} {exc.reason}"
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
            last = str(getattr(exc, "reason", exc))
        if attempt < retries:
            time.sleep(_sleep_for(http_exc, attempt, backoff))
    raise FetchError(f"GET {url} failed after {retries + 1} attempts: {last}")
