"""Generated bad inputs for the fuzz test: broken containers, hostile JSON, bad values, evil pickles.

Each Case is one input (files under a folder) with the load status it must get and a text its error (failed)
or one of its rejection reasons (partial) must contain. Partial cases hold one good record beside the bad one.
"""
from __future__ import annotations

import io
import json
import pickle
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import polars as pl

from mmlu_fixture import QUESTIONS, record

FIXTURES = Path(__file__).parent / "fixtures"
LM_RUN = FIXTURES / "lm_eval" / "Qwen__Qwen2-0.5B"
TS = "2024-06-26T18-29-26.564285"
MARKER = Path("/tmp/taskspace-fuzz-pwned")      # an evil pickle would create it
DEEP, HUGE_INT = "[" * 100_000 + "]" * 100_000, "1" * 4400


@dataclass
class Case:
    id: str
    fmt: str
    files: Callable[[], dict[str, bytes]]   # built when the case runs (a zip bomb takes a second)
    status: str
    reason: str = ""
    source: str = ""            # what to pass as SOURCE, relative to the case folder ("" = the folder)


def zip_bytes(members: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def mmlu(text: str, model: str = "Fuzz") -> dict[str, bytes]:
    return {f"model_outputs_{model}_5shots.zip": zip_bytes({f"model_outputs_{model}_5shots.json": text.encode()})}


def mmlu_records(bad: dict | object, model: str = "Fuzz") -> dict[str, bytes]:
    """A zip with one good record and one record changed by BAD (a dict of fields, or a whole value)."""
    good = record(QUESTIONS[0], "D")
    rec = {**record(QUESTIONS[1], "A"), **bad} if isinstance(bad, dict) else bad
    return mmlu(json.dumps([good, rec]), model)


def patched_zip(offset_field: int, value: int) -> dict[str, bytes]:
    """A good zip whose local and central headers carry VALUE at a field (8: compression method, 6: flags)."""
    blob = bytearray(mmlu(json.dumps([record(q, "A") for q in QUESTIONS]))["model_outputs_Fuzz_5shots.zip"])
    for sig, base in ((b"PK\x03\x04", 0), (b"PK\x01\x02", 2)):
        at = blob.find(sig)
        struct.pack_into("<H", blob, at + base + offset_field, value)
    return {"model_outputs_Fuzz_5shots.zip": bytes(blob)}


def corrupt_deflate() -> dict[str, bytes]:
    blob = bytearray(mmlu(json.dumps([record(q, "A") for q in QUESTIONS] * 50))["model_outputs_Fuzz_5shots.zip"])
    start = blob.find(b"PK\x03\x04") + 30 + len("model_outputs_Fuzz_5shots.json")
    for i in range(start + 10, start + 60):
        blob[i] ^= 0xFF
    return {"model_outputs_Fuzz_5shots.zip": bytes(blob)}


def zip_bomb() -> dict[str, bytes]:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        with zf.open("model_outputs_Bomb_5shots.json", "w") as f:
            chunk = b" " * (1 << 20)
            for _ in range(200):
                f.write(chunk)
    return {"model_outputs_Bomb_5shots.zip": buf.getvalue()}


def lm_run(results: dict | list | bytes | None = None, lines: list[str | bytes] | None = None) -> dict[str, bytes]:
    """An lm-eval run folder: the fixture's results (or RESULTS) and one samples file (its first line + LINES)."""
    base = json.loads((LM_RUN / f"results_{TS}.json").read_bytes())
    body = results if isinstance(results, bytes) else json.dumps(results if results is not None else base).encode()
    sample = f"samples_leaderboard_bbh_boolean_expressions_{TS}.jsonl"
    good = (LM_RUN / sample).read_bytes().splitlines()
    rows = good if lines is None else good[:1] + [x if isinstance(x, bytes) else x.encode() for x in lines]
    return {f"run/results_{TS}.json": body, f"run/{sample}": b"\n".join(rows) + b"\n"}


def lm_sample(**fields) -> str:
    s = json.loads((LM_RUN / f"samples_leaderboard_bbh_boolean_expressions_{TS}.jsonl").read_text().splitlines()[1])
    s["doc_id"] = 77
    for k, v in fields.items():
        if k == "input":
            s["doc"]["input"] = v
        else:
            s[k] = v
    return json.dumps(s)


def long_jsonl(bad: dict | None = None, raw: bytes | None = None) -> dict[str, bytes]:
    good = {"model": "fuzz-m", "benchmark": "fz", "prompt_id": "g1", "prompt": "Good prompt?", "correct": 1}
    line = raw if raw is not None else json.dumps({**good, "prompt_id": "b1", **(bad or {})}).encode()
    return {"t.jsonl": json.dumps(good).encode() + b"\n" + line + b"\n"}


def long_csv(text: str) -> dict[str, bytes]:
    return {"t.csv": text.encode()}


def long_parquet(**cols) -> dict[str, bytes]:
    base = {"model": ["fuzz-m", "fuzz-m"], "benchmark": ["fz", "fz"], "prompt_id": ["p1", "p2"],
            "prompt": ["Good?", "Bad?"], "correct": [True, False]}
    buf = io.BytesIO()
    pl.DataFrame({**base, **cols}, strict=False).write_parquet(buf)
    return {"t.parquet": buf.getvalue()}


RB_HEAD = "sample_id,prompt,eval_name,m1,m1|total_cost\n"


def rb_csv(*rows: str, head: str = RB_HEAD) -> dict[str, bytes]:
    return {"rb.csv": (head + "g.1,['A good prompt'],fz,1.0,0.001\n" + "".join(rows)).encode()}


class Evil:
    """Pickles to a call of FUNC(*ARGS) when unpickled with the standard loader."""

    def __init__(self, func, *args):
        self.func, self.args = func, args

    def __reduce__(self):
        return self.func, self.args


def evil_pickle(func, *args) -> dict[str, bytes]:
    return {"rb.pkl": pickle.dumps(Evil(func, *args))}


def dotted_global() -> bytes:
    """A protocol-4 pickle asking find_class for pandas' 'io.common.os.system' (a dotted attribute path)."""
    def s(x: str) -> bytes:
        return b"\x8c" + bytes([len(x)]) + x.encode()
    return b"\x80\x04" + s("pandas") + s("io.common.os.system") + b"\x93" + s(f"touch {MARKER}") + b"\x85R."


def hub(models: list) -> dict[str, bytes]:
    good = {"id": "fuzz/good", "author": "fuzz", "sha": "a" * 40, "createdAt": "2024-01-01T00:00:00.000Z",
            "downloads": 1, "likes": 1, "tags": []}
    return {"listing.json": json.dumps([good, *models]).encode()}


def hub_entry(**fields) -> dict:
    return {"id": "fuzz/bad", "createdAt": "2024-01-02T00:00:00.000Z", "tags": [], **fields}
