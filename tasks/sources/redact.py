"""One redaction for every place a URL is written: secret query values and userinfo become ***."""
from __future__ import annotations

import re
import urllib.parse

# Query (or fragment) parameters whose values are secrets: token=, access_token=, X-Amz-Signature=, api_key=, ...
SECRET_PARAM = re.compile(r"token|signature|credential|secret|passw|pwd|^sig$|key$|^auth$|authorization|session|jwt",
                          re.I)
_URL_IN_TEXT = re.compile(r"https?://[^\s'\"<>`]+")
_REAL: dict[str, str] = {}   # redacted location -> real location, for this process only (see hide/reveal)


def _params(text: str) -> str | None:
    """text (a query or fragment) with secret values hidden; None when nothing was hidden."""
    pairs = urllib.parse.parse_qsl(text, keep_blank_values=True)
    if not any(SECRET_PARAM.search(k) for k, _ in pairs):
        return None
    return urllib.parse.urlencode([(k, "***" if SECRET_PARAM.search(k) else v) for k, v in pairs], safe="*/:")


def redact(url: str) -> str:
    """The URL with userinfo (user:password@) and secret-looking query/fragment values shown as ***.

    A string that is not an http(s) URL, or has nothing secret, comes back unchanged.
    """
    if not isinstance(url, str) or not url.lower().startswith(("http://", "https://")):
        return url
    try:
        u = urllib.parse.urlsplit(url)
    except ValueError:
        return "<unparsable URL>"
    changed = {}
    if "@" in u.netloc:
        changed["netloc"] = "***@" + u.netloc.rsplit("@", 1)[1]
    for part in ("query", "fragment"):
        hidden = _params(getattr(u, part)) if getattr(u, part) else None
        if hidden is not None:
            changed[part] = hidden
    return u._replace(**changed).geturl() if changed else url


def redact_text(text: str | None) -> str | None:
    """Free text (an error, a JSON document) with every http(s) URL in it redacted."""
    if not text:
        return text
    return _URL_IN_TEXT.sub(lambda m: redact(m.group(0)), text)


def public_url(url: str) -> str:
    """The URL without its query, fragment and userinfo (private download URLs carry a token there)."""
    u = urllib.parse.urlsplit(url)
    return u._replace(netloc=u.netloc.rsplit("@", 1)[-1], query="", fragment="").geturl()


def hide(location: str) -> str:
    """The redacted location, remembered so that reveal() in this process gives the real one back.

    Flows pass hidden locations to Prefect (flow parameters, task names), tasks reveal them to fetch.
    """
    shown = redact(location)
    if shown != location:
        _REAL[shown] = location
    return shown


def reveal(location: str) -> str:
    """The real location behind a hide()-redacted one (unchanged when it was never hidden)."""
    return _REAL.get(location, location)
