"""Hugging Face Hub model listings: request URLs, Link-header paging, the token, and release rows."""
from __future__ import annotations

import json
import os
import re
import urllib.parse
from datetime import datetime, timedelta, timezone
from typing import Iterator

import polars as pl

from tasks.sources import limits, values
from tasks.sources.base import InputError, Rejected
from tasks.sources.http import fetch, same_origin

DEFAULT_HUB = "https://huggingface.co"
# The Hub gives every repository created before it recorded creation times this createdAt.
UNKNOWN_CREATED = datetime(2022, 3, 2, 23, 29, 4)
FIELDS = ("author", "sha", "createdAt", "lastModified", "downloads", "likes", "pipeline_tag", "library_name",
          "gated", "tags", "private", "disabled")
DEFAULT_QUERY = (("filter", "text-generation"), ("sort", "createdAt"), ("direction", "-1"))
RELATIONS = ("finetune", "quantized", "adapter", "merge")
CLOCK_SKEW = timedelta(days=1)   # a timestamp later than now + this is refused as a future date
MAX_COUNT = 2**63 - 1
_LINK_NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="?next"?')

RELEASE_SCHEMA = {
    "hub_id": pl.Utf8, "author": pl.Utf8, "sha": pl.Utf8, "created_at": pl.Datetime("us"),
    "last_modified": pl.Datetime("us"), "downloads": pl.Int64, "likes": pl.Int64, "pipeline_tag": pl.Utf8,
    "library_name": pl.Utf8, "gated": pl.Utf8, "private": pl.Boolean, "disabled": pl.Boolean,
    "base_models": pl.List(pl.Utf8), "base_model_relation": pl.Utf8, "license": pl.Utf8, "tags": pl.List(pl.Utf8),
}


def hub_url() -> str:
    """The Hub's base URL: $TASKSPACE_HUB_URL or https://huggingface.co."""
    return os.environ.get("TASKSPACE_HUB_URL", DEFAULT_HUB).rstrip("/")


def listing_url(source: str | None, page_size: int) -> str:
    """The first page's URL: /api/models of the Hub (or SOURCE) with the default query under SOURCE's own."""
    u = urllib.parse.urlsplit(source or hub_url())
    path = u.path.rstrip("/") or ""
    if not path.endswith("/api/models"):
        path += "/api/models"
    given = urllib.parse.parse_qsl(u.query, keep_blank_values=True)
    keys = {k for k, _ in given}
    q = [(k, v) for k, v in DEFAULT_QUERY if k not in keys] + given
    if "limit" not in keys:
        q.append(("limit", str(page_size)))
    if "full" not in keys and "expand[]" not in keys:
        q += [("expand[]", f) for f in FIELDS]
    return u._replace(path=path, query=urllib.parse.urlencode(q, safe="[]"), fragment="").geturl()


def next_link(headers: dict[str, str]) -> str | None:
    """The rel="next" URL of a Link header, if any."""
    for k, v in headers.items():
        if k.lower() == "link":
            m = _LINK_NEXT.search(v)
            return m.group(1) if m else None
    return None


def hub_token(secret_block: str | None = None) -> str | None:
    """The Hub token: $TASKSPACE_HUB_TOKEN, $HF_TOKEN, else the named Prefect Secret block's value.

    The block name comes from the argument or $TASKSPACE_HUB_TOKEN_SECRET; None when there is no token.
    """
    token = os.environ.get("TASKSPACE_HUB_TOKEN") or os.environ.get("HF_TOKEN")
    if token:
        return token
    name = secret_block or os.environ.get("TASKSPACE_HUB_TOKEN_SECRET")
    if not name:
        return None
    from prefect.blocks.system import Secret  # only when a block is asked for: prefect is a heavy import
    return Secret.load(name).get()


def auth_headers(url: str, token: str | None, origin: str) -> dict[str, str]:
    """Authorization: Bearer for requests to the token's own origin only."""
    return {"Authorization": f"Bearer {token}"} if token and same_origin(url, origin) else {}


def parse_page(body: bytes, uri: str) -> list:
    """The JSON list of models a listing page (or a recorded listing file) holds; InputError naming URI."""
    data = limits.load_json(body, uri, "listing")
    if not isinstance(data, list):
        raise InputError(f"{uri}: expected a JSON list of models, got {type(data).__name__}")
    return data


def iter_pages(url: str, *, token: str | None, **fetch_kw) -> Iterator[tuple[str, bytes, list]]:
    """(page URL, body, models) for every page, following Link rel="next" (the token stays on URL's origin)."""
    origin, seen = url, set()
    while url and url not in seen:
        seen.add(url)
        body, headers = fetch(url, headers=auth_headers(url, token, origin), **fetch_kw)
        yield url, body, parse_page(body, url)
        url = next_link(headers)


def parse_time(value) -> datetime | None:
    """A Hub timestamp as naive UTC; None when missing or the 2022-03-02T23:29:04Z placeholder."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"not a timestamp string: {value!r}")
    t = datetime.fromisoformat(value.replace("Z", "+00:00"))
    t = t.astimezone(timezone.utc).replace(tzinfo=None) if t.tzinfo else t
    return None if t.replace(microsecond=0) == UNKNOWN_CREATED else t


def past_time(value, name: str, now: datetime | None = None) -> datetime | None:
    """parse_time(value), refused (ValueError) when it lies in the future: a release cannot be dated later."""
    t = parse_time(value)
    now = now or datetime.now(timezone.utc).replace(tzinfo=None)
    if t is not None and t > now + CLOCK_SKEW:
        raise ValueError(f"{name} {value!r} is in the future")
    return t


def _split_tags(tags: list[str]) -> tuple[list[str], str | None, str | None]:
    """(base models, their relation(s), license(s)) from base_model: and license: tags."""
    plain, related, relations, licenses = [], [], [], []
    for t in tags:
        if t.startswith("base_model:"):
            rest = t[len("base_model:"):]
            rel, _, rid = rest.partition(":")
            if rel in RELATIONS and rid:
                relations.append(rel)
                related.append(rid)
            elif rest:
                plain.append(rest)
        elif t.startswith("license:"):
            licenses.append(t[len("license:"):])
    bases = list(dict.fromkeys(plain or related))
    return bases, ",".join(sorted(set(relations))) or None, ",".join(dict.fromkeys(licenses)) or None


def _text(m: dict, name: str) -> str | None:
    v = m.get(name)
    if v is not None and not isinstance(v, str):
        raise ValueError(f"{name} is {v!r:.60}, expected a string")
    return None if v is None else values.unicode_text(v, name)


def _flag(m: dict, name: str) -> bool | None:
    v = m.get(name)
    if v is not None and not isinstance(v, bool):
        raise ValueError(f"{name} is {v!r}, expected true/false")
    return v


def _count(v, name: str) -> int | None:
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, int):
        raise ValueError(f"{name} is {v!r:.60}, expected an integer")
    if not 0 <= v <= MAX_COUNT:
        raise ValueError(f"{name} is {v}, outside 0..2^63-1")
    return v


def release_row(m) -> dict:
    """One release row from one listing entry (ValueError saying what is wrong with it)."""
    if not isinstance(m, dict):
        raise ValueError(f"not a JSON object ({type(m).__name__})")
    hub_id = m.get("id") or m.get("modelId")
    if not isinstance(hub_id, str) or not hub_id.strip():
        raise ValueError("no id")
    values.unicode_text(hub_id, "id")
    tags = m.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise ValueError("tags is not a list of strings")
    for t in tags:
        values.unicode_text(t, "tags")
    bases, relation, license_ = _split_tags(tags)
    gated = m.get("gated")
    if gated is not None and not isinstance(gated, (bool, str)):
        raise ValueError(f"gated is {gated!r:.60}, expected false, 'auto' or 'manual'")
    if isinstance(gated, str):
        values.unicode_text(gated, "gated")
    hub_id = hub_id.strip()
    return {
        "hub_id": hub_id, "author": _text(m, "author") or (hub_id.split("/")[0] if "/" in hub_id else None),
        "sha": _text(m, "sha"), "created_at": past_time(m.get("createdAt"), "createdAt"),
        "last_modified": past_time(m.get("lastModified"), "lastModified"),
        "downloads": _count(m.get("downloads"), "downloads"), "likes": _count(m.get("likes"), "likes"),
        "pipeline_tag": _text(m, "pipeline_tag"), "library_name": _text(m, "library_name"),
        "gated": None if gated is None else str(gated).lower(), "private": _flag(m, "private"),
        "disabled": _flag(m, "disabled"), "base_models": bases, "base_model_relation": relation,
        "license": license_, "tags": tags,
    }


def release_rows(models: list, uri: str, first_position: int = 0) -> tuple[pl.DataFrame, list[Rejected]]:
    """Release rows of a listing (first entry wins for a repeated id) and the entries that are not usable."""
    rows, rejected, seen = [], [], set()
    for i, m in enumerate(models, start=first_position):
        try:
            row = release_row(m)
        except (ValueError, TypeError, OverflowError) as exc:
            rejected.append(Rejected(i, f"{uri}: model entry {i}: {exc}", json.dumps(m, default=str)[:2000]))
            continue
        if row["hub_id"] not in seen:  # pages can shift while paging: the same repo may show up twice
            seen.add(row["hub_id"])
            rows.append(row)
    return pl.DataFrame(rows, schema=RELEASE_SCHEMA), rejected
