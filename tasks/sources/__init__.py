"""Result formats and where their inputs come from (local paths or http(s) URLs)."""
from __future__ import annotations

import fnmatch
import hashlib
import posixpath
import urllib.parse
from pathlib import Path

from tasks.sources import github, limits, lm_eval, long, mmlu_pro, oll_details, routerbench
from tasks.sources.base import InputError, Parsed, Rejected, SourceItem, checksum
from tasks.sources.http import FetchError, fetch
from tasks.sources.redact import public_url, reveal

# format -> (parser, glob patterns for files inside a directory)
FORMATS = {
    "mmlu-pro": (mmlu_pro.parse, ("model_outputs_*shots.zip",)),
    "lm-eval": (lm_eval.parse, ("results_*.json",)),
    "routerbench": (routerbench.parse, ("*.csv", "*.pkl", "*.pickle")),
    "long": (long.parse, ("*.parquet", "*.csv", "*.jsonl", "*.ndjson")),
    oll_details.FORMAT: (oll_details.parse, oll_details.PATTERNS),
}
# The folder a bare repository URL (https://github.com/OWNER/REPO) lists for a format.
REPO_FOLDERS = {"mmlu-pro": "eval_results"}


def parser_for(fmt: str):
    """The parse function of a results format (ValueError listing the known ones)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown results format {fmt!r}; known: {', '.join(FORMATS)}")
    return FORMATS[fmt][0]


def _file_item(path: Path) -> SourceItem:
    return SourceItem(str(path), lambda p=path: {p.name: p.read_bytes()})


def _lm_eval_item(results_path: Path) -> SourceItem:
    """One lm-eval run: a results_<ts>.json and the samples_*_<ts>.jsonl files beside it."""
    m = lm_eval.RESULTS_RE.search(results_path.name)
    if not m:
        raise InputError(f"{results_path}: not an lm-eval run (expected a results_<timestamp>.json file or its folder)")
    ts = m.group("ts")

    def fetch_run():
        files = [results_path, *sorted(results_path.parent.glob(f"samples_*_{ts}.jsonl"))]
        return {f.name: f.read_bytes() for f in files}
    return SourceItem(str(results_path), fetch_run)


def list_items(fmt: str, source: str) -> list[SourceItem]:
    """The items a SOURCE (file, directory or http(s) URL) holds for a format, in a stable order."""
    parser_for(fmt)
    source = reveal(source)   # a location a flow hid from Prefect: the real URL, to fetch
    if fmt == oll_details.FORMAT:   # a mirror folder, hub://AUTHOR[/REPO] or a Hub datasets URL
        try:
            return oll_details.list_items(source)
        except FetchError as exc:
            raise InputError(str(exc)) from exc
    if source.startswith(("http://", "https://")):
        try:
            return _url_items(fmt, source)
        except FetchError as exc:  # the listing itself failed: report it like a missing path
            raise InputError(str(exc)) from exc
    path = Path(source)
    if not path.exists():
        raise InputError(f"{source}: no such file or directory")
    make = _lm_eval_item if fmt == "lm-eval" else _file_item
    if path.is_file():
        return [make(path)]
    found = sorted({p for pat in FORMATS[fmt][1] for p in path.rglob(pat) if p.is_file()})
    return [make(p) for p in found]


def _wanted(fmt: str, name: str) -> bool:
    return any(fnmatch.fnmatch(name, pat) for pat in FORMATS[fmt][1])


def _url_items(fmt: str, url: str) -> list[SourceItem]:
    """Items of an http(s) SOURCE: a GitHub folder listing, an lm-eval run by its results URL, or one file."""
    rp = github.parse_repo_url(url, REPO_FOLDERS.get(fmt, ""))
    if rp is not None:
        return _github_items(fmt, github.list_files(rp))
    name = posixpath.basename(urllib.parse.urlsplit(url).path.rstrip("/"))
    if fmt == "lm-eval" and lm_eval.RESULTS_RE.search(name):
        return [SourceItem(public_url(url), lambda: _lm_eval_run_from_url(url))]
    return [SourceItem(public_url(url), lambda: {name: fetch(url)[0]})]


def _github_items(fmt: str, files: list[github.RemoteFile]) -> list[SourceItem]:
    """One item per wanted file (per run for lm-eval); item.sha256 carries the remote git blob sha(s)."""
    items = []
    for f in (f for f in files if _wanted(fmt, f.name)):
        group = [f]
        if fmt == "lm-eval":
            ts = lm_eval.RESULTS_RE.search(f.name).group("ts")
            folder = posixpath.dirname(f.path)
            group += [g for g in files if posixpath.dirname(g.path) == folder
                      and g.name.startswith("samples_") and g.name.endswith(f"_{ts}.jsonl")]
        remote = group[0].sha if len(group) == 1 else hashlib.sha1(
            "".join(f"{g.name}\0{g.sha}\n" for g in sorted(group, key=lambda g: g.name)).encode()).hexdigest()
        items.append(SourceItem(public_url(f.download_url),
                                lambda group=group: {g.name: github.download(g) for g in group}, remote))
    return items


def _lm_eval_run_from_url(url: str) -> dict[str, bytes]:
    """results_<ts>.json at URL plus the samples_<task>_<ts>.jsonl beside it for every task its configs name."""
    base, name = url.split("?", 1)[0].rsplit("/", 1)
    ts = lm_eval.RESULTS_RE.search(name).group("ts")
    body = fetch(url)[0]
    results = limits.load_json(body, public_url(url), name)
    listed = results.get("configs") or results.get("results") if isinstance(results, dict) else None
    if not isinstance(listed, dict):
        raise InputError(f"{public_url(url)}: results file is not a JSON object with 'configs' or 'results'")
    tasks = sorted(listed)
    blobs = {name: body}
    for task in tasks:
        sample = f"samples_{task}_{ts}.jsonl"
        blobs[sample] = fetch(f"{base}/{urllib.parse.quote(sample)}")[0]
    return blobs


__all__ = ["FORMATS", "InputError", "Parsed", "Rejected", "SourceItem", "checksum", "list_items", "parser_for"]
