"""Field values checked at the edge, the same way for every format: ids, text, costs and scores.

Each check returns the value to store or raises BadValue, whose message is the record's rejection reason.
"""
from __future__ import annotations

import math

from tasks.sources import limits


class BadValue(ValueError):
    """A field value that cannot be stored; the message names the field and what is wrong."""


def _kind(v) -> str:
    return type(v).__name__


def _show(v) -> str:
    s = repr(v)
    return s if len(s) <= 60 else s[:57] + "..."


def unicode_text(v: str, field: str) -> str:
    """V itself when it encodes as UTF-8 (no lone surrogates from \\ud800-style escapes)."""
    try:
        v.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise BadValue(f"{field} is not valid UTF-8 text (lone surrogate at character {exc.start})") from None
    return v


def item_id(v, field: str = "id") -> str:
    """An item id: a non-empty string or an integer (not a float, bool, NaN or container)."""
    if v is None:
        raise BadValue(f"empty {field}")
    if isinstance(v, bool) or not isinstance(v, (str, int)):
        raise BadValue(f"{field} {_show(v)} is {_kind(v)}, expected a string or an integer")
    s = str(v).strip()
    if not s:
        raise BadValue(f"empty {field}")
    if len(s) > limits.MAX_ID_CHARS:
        raise BadValue(f"{field} is {len(s)} characters long (limit {limits.MAX_ID_CHARS})")
    return unicode_text(s, field)


def text(v, field: str = "prompt", limit: int | None = None) -> str:
    """Non-empty text of at most LIMIT characters (default MAX_PROMPT_CHARS)."""
    if not isinstance(v, str):
        raise BadValue(f"{field} is {_kind(v)}, expected text" if v is not None else f"empty {field}")
    if not v.strip():
        raise BadValue(f"empty {field}")
    limit = limits.MAX_PROMPT_CHARS if limit is None else limit
    if len(v) > limit:
        raise BadValue(f"{field} is {len(v)} characters long (limit {limit}, TASKSPACE_MAX_PROMPT_CHARS)")
    return unicode_text(v, field)


def optional_text(v, field: str, limit: int = 10_000) -> str | None:
    """Text or None (a null or empty value); anything else (a number, list, object) is refused."""
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    return text(v, field, limit)


def answered(v, correct: bool, field: str = "answered") -> bool | None:
    """Whether an answer was extracted (a label: labels.to_label's vocabulary) or None for null/empty; refused when
    it is not a label, or false beside a correct result."""
    from tasks.sources.labels import to_label

    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    got = to_label(v)
    if got is None:
        raise BadValue(f"{field} {_show(v)} is not 0/1")
    if correct and not got:
        raise BadValue(f"{field} is false but correct is true (no answer cannot be graded correct)")
    return got


def number(v, field: str) -> float | None:
    """A finite number (int, float or numeric text) or None for null/empty; bools and containers are refused."""
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    if isinstance(v, bool) or not isinstance(v, (int, float, str)):
        raise BadValue(f"{field} {_show(v)} is {_kind(v)}, expected a number")
    try:
        x = float(v)
    except (ValueError, OverflowError):
        raise BadValue(f"{field} {_show(v)} is not a number") from None
    if not math.isfinite(x):
        raise BadValue(f"{field} {_show(v)} is not a finite number")
    return x


def cost(v, field: str = "cost_usd") -> float | None:
    """A cost in USD: finite and non-negative, or None."""
    x = number(v, field)
    if x is not None and x < 0:
        raise BadValue(f"{field} {_show(v)} is negative")
    return x


def score(v, field: str = "score") -> float | None:
    """A score: finite and in [0, 1], or None."""
    x = number(v, field)
    if x is not None and not 0.0 <= x <= 1.0:
        raise BadValue(f"{field} {_show(v)} is outside [0, 1]")
    return x
