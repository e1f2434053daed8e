"""Row readers shared by the table formats: CSV rows checked for truncation, JSONL lines checked for UTF-8
and the JSON limits. Bad rows come back as BadValue so the parser can reject them by position."""
from __future__ import annotations

import csv
import io
import json
from typing import Iterator

from tasks.sources import limits
from tasks.sources.base import InputError
from tasks.sources.values import BadValue

csv.field_size_limit(max(csv.field_size_limit(), 4 * limits.MAX_PROMPT_CHARS))


def csv_table(blob: bytes, uri: str) -> tuple[list[str], Iterator[tuple[dict | BadValue, str]]]:
    """(header, rows): each row a {column: text} dict, or a BadValue for a short, long or cut-off row."""
    try:
        text = limits.decode_utf8(blob)
    except ValueError as exc:
        raise InputError(f"{uri}: {exc}") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(f"{uri}: empty CSV file") from None
    except csv.Error as exc:
        raise InputError(f"{uri}: unreadable CSV header ({exc})") from None
    dup = sorted({c for c in header if header.count(c) > 1})
    if dup:
        raise InputError(f"{uri}: repeated column name(s) {', '.join(map(repr, dup))}")
    return header, _csv_rows(reader, header)


def _csv_rows(reader, header: list[str]) -> Iterator[tuple[dict | BadValue, str]]:
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # e.g. a quoted field still open at the end of the file: it was cut off
            yield BadValue(f"unreadable row, the file is truncated or malformed from here ({exc})"), ""
            return
        raw = json.dumps(row, ensure_ascii=False)[:2000]
        if len(row) != len(header):
            yield BadValue(f"row has {len(row)} fields, the header has {len(header)} (truncated or ragged row)"), raw
            continue
        yield dict(zip(header, row)), raw


def jsonl_lines(blob: bytes, not_json: str = "not JSON") -> Iterator[tuple[object, str]]:
    """(value, raw text) per non-empty line; the value is a BadValue for bad UTF-8, bad JSON or a limit."""
    for line in blob.split(b"\n"):
        if not line.strip():
            continue
        try:
            text = limits.decode_utf8(line)
        except ValueError as exc:
            yield BadValue(str(exc)), line[:2000].decode("utf-8", "backslashreplace")
            continue
        try:
            yield limits.parse_json(text), text[:2000]
        except json.JSONDecodeError:
            yield BadValue(not_json), text[:2000]
        except ValueError as exc:
            yield BadValue(str(exc)), text[:2000]
