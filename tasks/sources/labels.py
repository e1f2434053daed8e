"""Shared coercion of correctness labels: 0/1, true/false and their spellings; anything else is bad."""
from __future__ import annotations

_TRUE = {"1", "1.0", "true", "t", "yes", "y", "correct"}
_FALSE = {"0", "0.0", "false", "f", "no", "n", "incorrect", "wrong"}


def to_label(value) -> bool | None:
    """True/False for a 0/1-like label, None when the value is not a valid label."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return {1: True, 0: False}.get(value) if value in (0, 1) else None
    if isinstance(value, str):
        v = value.strip().lower()
        if v in _TRUE:
            return True
        if v in _FALSE:
            return False
    return None
