"""The one label vocabulary of every format: what counts as a correct (1) or wrong (0) answer.

true / false (JSON booleans), 1 / 0 (numbers, or text "1", "0", "1.0", "0.0"), and the words true/false,
t/f, yes/no, y/n, correct/incorrect, wrong (any case, surrounding spaces ignored). Anything else is not a
label: the record is rejected with the value in its reason.

Graded scores (numbers in [0, 1], e.g. the fraction of a model's samples that passed: RouterBench, score
matrices) are correct when score >= the threshold, 0.5 unless configured (`[ingest] correct_threshold` in
taskspace.toml, `taskspace ingest results --threshold`); the score itself is stored beside `correct`.
RouterBench scores also accept the labels above.
"""
from __future__ import annotations

DEFAULT_THRESHOLD = 0.5
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


def threshold_of(value) -> float:
    """The threshold a graded score must reach to count as correct: DEFAULT_THRESHOLD for None, else in (0, 1]."""
    if value is None:
        return DEFAULT_THRESHOLD
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 < value <= 1.0:
        raise ValueError(f"correct threshold {value!r} must be a number in (0, 1]")
    return float(value)


def correct_at(score: float, threshold: float | None = None) -> bool:
    """Whether a graded score in [0, 1] counts as correct: score >= threshold (DEFAULT_THRESHOLD if None)."""
    return score >= threshold_of(threshold)
