"""Limits on untrusted inputs (decompressed size, JSON depth and integers, records, prompt length) and
readers that enforce them with messages naming the file."""
from __future__ import annotations

import json
import os
import zipfile

from tasks.sources.base import InputError


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


MAX_DECOMPRESSED = _env_int("TASKSPACE_MAX_DECOMPRESSED_MB", 128) << 20   # bytes out of one zip member
MAX_JSON_DEPTH = _env_int("TASKSPACE_MAX_JSON_DEPTH", 64)                # nesting levels of one JSON document
MAX_INT_DIGITS = 32                                                       # digits of one JSON integer
MAX_RECORDS = _env_int("TASKSPACE_MAX_RECORDS", 5_000_000)                # records of one input
MAX_PROMPT_CHARS = _env_int("TASKSPACE_MAX_PROMPT_CHARS", 200_000)        # characters of one prompt
MAX_ID_CHARS = 512                                                        # characters of one item id


def _bounded_int(digits: str) -> int:
    n = len(digits.lstrip("-"))
    if n > MAX_INT_DIGITS:
        raise ValueError(f"an integer has {n} digits (limit {MAX_INT_DIGITS})")
    return int(digits)


def json_depth(obj) -> int:
    """The nesting depth of a parsed JSON value (a scalar is 0), without recursion."""
    deepest, stack = 0, [(obj, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            value = value.values()
        elif not isinstance(value, list):
            continue
        deepest = max(deepest, depth)
        stack.extend((v, depth + 1) for v in value if isinstance(v, (dict, list)))
    return deepest


def parse_json(text: str):
    """A JSON value within the limits; ValueError saying what is wrong (JSONDecodeError for bad syntax)."""
    try:
        value = json.loads(text, parse_int=_bounded_int)
    except RecursionError:
        raise ValueError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels") from None
    if json_depth(value) > MAX_JSON_DEPTH:
        raise ValueError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
    return value


def decode_utf8(data: bytes) -> str:
    """Bytes as UTF-8 text (a BOM is dropped); ValueError naming the first bad byte's offset."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"not valid UTF-8 (byte {exc.start}: {exc.reason})") from None


def load_json(data: bytes, uri: str, what: str = "file"):
    """One JSON document of an input, within the limits; InputError naming URI and WHAT otherwise."""
    try:
        return parse_json(decode_utf8(data))
    except json.JSONDecodeError as exc:
        raise InputError(f"{uri}: {what} is not JSON ({exc})") from None
    except ValueError as exc:
        raise InputError(f"{uri}: {what}: {exc}") from None


def check_records(n: int, uri: str) -> None:
    """InputError when one input holds more records than MAX_RECORDS."""
    if n > MAX_RECORDS:
        raise InputError(f"{uri}: {n} records, more than the limit of {MAX_RECORDS} per input "
                         f"(TASKSPACE_MAX_RECORDS)")


def read_member(zf: zipfile.ZipFile, name: str, uri: str) -> bytes:
    """One zip member's bytes, at most MAX_DECOMPRESSED of them; InputError for bombs and broken streams."""
    info = zf.getinfo(name)
    limit = f"the limit of {MAX_DECOMPRESSED >> 20} MiB (TASKSPACE_MAX_DECOMPRESSED_MB)"
    if info.file_size > MAX_DECOMPRESSED:
        raise InputError(f"{uri}: {name} expands to {info.file_size} bytes, more than {limit}")
    try:
        with zf.open(info) as member:
            data = member.read(MAX_DECOMPRESSED + 1)
    except Exception as exc:  # zlib.error, NotImplementedError (method), BadZipFile (CRC), RuntimeError (password)
        raise InputError(f"{uri}: cannot decompress {name} ({type(exc).__name__}: {exc})") from None
    if len(data) > MAX_DECOMPRESSED:
        raise InputError(f"{uri}: {name} expands to more than {limit}")
    return data
