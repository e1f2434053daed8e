"""The one label vocabulary of every format: what counts as a correct (1) or wrong (0) answer.

true / false (JSON booleans), 1 / 0 (numbers, or text "1", "0", "1.0", "0.0"), and the words true/false,
t/f, yes/no, y/n, correct/incorrect, wrong (any case, surrounding spaces ignored). Anything else is not a
label: the record is rejected with the value in its reason. RouterBench scores are numbers in [0, 1]
(correct when >= 0.5) and also accept these labels.
"""
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
