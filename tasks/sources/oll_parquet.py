"""The Hub's Parquet conversion of a details repository (revision refs/convert/parquet) as lm-eval run blobs.

Layout: `<org>__<model>__<task>/<split>/<n>.parquet`, one config per task, one split per run (the run
timestamp with '_' for '-', e.g. 2025_01_27T10_10_36.877664) plus `latest`, a copy of the newest, which is
skipped. The conversion has no results file: the model comes from the config name and the metric from
lm-eval's preference list (tasks.sources.lm_eval.METRIC_PREFERENCE).
"""
from __future__ import annotations

import io
import json
import posixpath
import re
from pathlib import Path

import pyarrow.parquet as pq

from tasks.sources.base import InputError, SourceItem

SPLIT_RE = re.compile(r"^(?P<date>\d{4}_\d{2}_\d{2})T(?P<time>\d{2}_\d{2}_\d{2}(?:\.\d+)?)$")


def config_parts(config: str) -> tuple[str, str] | None:
    """'EleutherAI__pythia-1b__leaderboard_ifeval' -> ('EleutherAI/pythia-1b', 'leaderboard_ifeval'), a model
    without an organisation ('gpt-4o__leaderboard_ifeval') -> ('gpt-4o', ...); None for `results` and others."""
    parts = config.split("__")
    if len(parts) < 2 or not all(parts) or parts[-1] == "results":
        return None
    model = parts[0] if len(parts) == 2 else f"{parts[0]}/{'__'.join(parts[1:-1])}"
    return model, parts[-1]


def run_timestamp(split: str) -> str | None:
    """'2025_01_27T10_10_36.877664' -> '2025-01-27T10-10-36.877664' (lm-eval's file timestamp); None for others."""
    m = SPLIT_RE.match(split)
    return f"{m.group('date').replace('_', '-')}T{m.group('time').replace('_', '-')}" if m else None


def is_run_folder(folder: Path) -> bool:
    """A <config>/<split> folder of one run (not `latest`, not the aggregated `results` config)."""
    return run_timestamp(folder.name) is not None and config_parts(folder.parent.name) is not None


def local_items(path: Path) -> list[SourceItem]:
    """One item per <config>/<split> folder of Parquet files under PATH (a file names its folder)."""
    files = [path] if path.is_file() else path.rglob("*.parquet")
    folders = sorted({f.parent for f in files if f.suffix == ".parquet" and is_run_folder(f.parent)})

    def item(folder: Path) -> SourceItem:
        parts = sorted(folder.glob("*.parquet"))
        return SourceItem(str(folder), lambda: {f"{folder.parent.name}/{folder.name}/{p.name}": p.read_bytes()
                                                for p in parts})
    return [item(f) for f in folders]


def _rows(blob: bytes, name: str, uri: str) -> list[dict]:
    try:
        return pq.read_table(io.BytesIO(blob)).to_pylist()
    except Exception as exc:  # pyarrow raises several error types for unreadable input
        raise InputError(f"{uri}: {name} is not a readable Parquet file ({type(exc).__name__}: {exc})") from exc


def as_run(blobs: dict[str, bytes], uri: str) -> dict[str, bytes]:
    """The Parquet parts of one <config>/<split> as lm-eval blobs: a results file naming the model + samples."""
    runs = {posixpath.dirname(n) for n in blobs}
    if len(runs) != 1:
        raise InputError(f"{uri}: expected the Parquet files of one <config>/<split> folder, got {len(runs)}")
    config, split = posixpath.split(runs.pop())
    parts, ts = config_parts(posixpath.basename(config)), run_timestamp(split)
    if parts is None or ts is None:
        raise InputError(f"{uri}: not a details Parquet folder <org>__<model>__<task>/<run timestamp>")
    (model, task), folder = parts, config.replace("__" + parts[1], "")
    rows = (r for n in sorted(blobs) for r in _rows(blobs[n], n, uri))
    lines = [json.dumps(r, ensure_ascii=False, default=str) + "\n" for r in rows]
    return {f"{folder}/results_{ts}.json": json.dumps({"model_name": model, "configs": {}}).encode(),
            f"{folder}/samples_{task}_{ts}.jsonl": "".join(lines).encode()}
