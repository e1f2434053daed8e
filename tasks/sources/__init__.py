"""Result formats and where their inputs come from (local paths or http(s) URLs)."""
from __future__ import annotations

from pathlib import Path

from tasks.sources import lm_eval, long, mmlu_pro, routerbench
from tasks.sources.base import InputError, Parsed, Rejected, SourceItem, checksum
from tasks.sources.http import fetch

# format -> (parser, glob patterns for files inside a directory)
FORMATS = {
    "mmlu-pro": (mmlu_pro.parse, ("model_outputs_*shots.zip",)),
    "lm-eval": (lm_eval.parse, ("results_*.json",)),
    "routerbench": (routerbench.parse, ("*.csv", "*.pkl", "*.pickle")),
    "long": (long.parse, ("*.parquet", "*.csv", "*.jsonl", "*.ndjson")),
}


def parser_for(fmt: str):
    """The parse function of a results format (ValueError listing the known ones)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown results format {fmt!r}; known: {', '.join(FORMATS)}")
    return FORMATS[fmt][0]


def _file_item(path: Path) -> SourceItem:
    return SourceItem(str(path), lambda p=path: {p.name: p.read_bytes()})


def _lm_eval_item(results_path: Path) -> SourceItem:
    """One lm-eval run: a results_<ts>.json and the samples_*_<ts>.jsonl files beside it."""
    ts = lm_eval.RESULTS_RE.search(results_path.name).group("ts")

    def fetch_run():
        files = [results_path, *sorted(results_path.parent.glob(f"samples_*_{ts}.jsonl"))]
        return {f.name: f.read_bytes() for f in files}
    return SourceItem(str(results_path), fetch_run)


def list_items(fmt: str, source: str) -> list[SourceItem]:
    """The items a SOURCE (file, directory or http(s) URL) holds for a format, in a stable order."""
    parser_for(fmt)
    if source.startswith(("http://", "https://")):
        name = source.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
        return [SourceItem(source, lambda: {name: fetch(source)[0]})]
    path = Path(source)
    if not path.exists():
        raise InputError(f"{source}: no such file or directory")
    make = _lm_eval_item if fmt == "lm-eval" else _file_item
    if path.is_file():
        return [make(path)]
    found = sorted({p for pat in FORMATS[fmt][1] for p in path.rglob(pat) if p.is_file()})
    return [make(p) for p in found]


__all__ = ["FORMATS", "InputError", "Parsed", "Rejected", "SourceItem", "checksum", "list_items", "parser_for"]
