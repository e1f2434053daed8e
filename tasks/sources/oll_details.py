"""Open LLM Leaderboard details (open-llm-leaderboard/<org>__<model>-details): one lm-eval run per item.

A details repository holds `<org>__<model>/results_<ts>.json` and `samples_<task>_<ts>.jsonl` (the June 2024
runs: `.json`, one JSON array) per run. Items come from a local mirror (the repository layout as
huggingface_hub downloads it) or from the live Hub (listed with HfApi; only files whose etag changed are
fetched, see ingest). Rows are lm-eval's (tasks.sources.lm_eval); the model is the hub id `<org>/<model>`.
"""
from __future__ import annotations

import hashlib
import json
import posixpath
from pathlib import Path

from tasks.sources import hub_datasets, limits, lm_eval, oll_parquet
from tasks.sources.base import InputError, Parsed, SourceItem
from tasks.sources.hub_api import hub_token
from tasks.sources.lm_eval_run import SAMPLES_RE, lfs_pointer, run_member
from tasks.sources.redact import public_url

FORMAT = "open-llm-leaderboard-details"
PATTERNS = ("results_*.json",)


def hub_id(folder: str) -> str | None:
    """'EleutherAI__pythia-1b' -> 'EleutherAI/pythia-1b' (the leaderboard's sanitised name); None without '__'."""
    org, sep, name = folder.partition("__")
    return f"{org}/{name}" if sep and org and name else None


def run_members(results_path: str, paths: list[str]) -> list[str]:
    """results_<ts>.json and the samples_<task>_<ts>.json[l] files in the same folder, sorted."""
    m = lm_eval.RESULTS_RE.search(posixpath.basename(results_path))
    if not m:
        raise InputError(f"{results_path}: not a results_<timestamp>.json file")
    folder, name = posixpath.split(results_path)
    samples = [p for p in paths if posixpath.dirname(p) == folder and run_member(name, posixpath.basename(p))]
    return [results_path, *sorted(samples)]


def _name(path: str) -> str:
    """The blob name of a repository path: '<folder>/<file>' (the folder names the model)."""
    return "/".join(path.split("/")[-2:])


def local_items(path: Path) -> list[SourceItem]:
    """One item per run found under PATH (a mirror root, a repository, a model folder or one results file);
    Parquet conversions give one item per <config>/<split> folder."""
    if path.is_file() and path.suffix == ".parquet":
        return oll_parquet.local_items(path)
    results = [path] if path.is_file() else sorted(p for p in path.rglob("results_*.json") if p.is_file())

    def item(res: Path) -> SourceItem:
        siblings = [p.as_posix() for p in res.parent.iterdir() if p.is_file()]
        members = [Path(p) for p in run_members(res.as_posix(), siblings)]
        return SourceItem(str(res), lambda: {_name(p.as_posix()): p.read_bytes() for p in members})
    return [item(r) for r in results] + ([] if path.is_file() else oll_parquet.local_items(path))


def live_items(hs: hub_datasets.HubSource, token: str | None = None, revisions: dict[str, str] | None = None
               ) -> list[SourceItem]:
    """One item per run of every listed details repository (item.sha256 digests the run files' etags, item.revision
    its repository's listed sha); a repository whose listed sha is the one REVISIONS records is not listed again
    but gives one `unchanged` item."""
    token = token or hub_token()
    api = hub_datasets.hub_client(hs.endpoint, token)
    items = []
    for repo_id, sha in hub_datasets.details_repos(api, hs):
        url = hub_datasets.repo_url(hs.endpoint, repo_id)
        if sha and (revisions or {}).get(url) == sha:
            items.append(SourceItem(url, dict, sha, revision=(url, sha), unchanged=True))
            continue
        files = hub_datasets.repo_files(api, hs.endpoint, repo_id)
        by_path = {f.path: f for f in files}
        for res in (f for f in files if lm_eval.RESULTS_RE.search(posixpath.basename(f.path))):
            group = [by_path[p] for p in run_members(res.path, list(by_path))]
            remote = hashlib.sha1("".join(f"{f.path}\0{f.etag}\n" for f in group).encode()).hexdigest()
            items.append(SourceItem(public_url(res.url), lambda group=group: {
                _name(f.path): hub_datasets.download(f, token, hs.endpoint) for f in group}, remote,
                revision=(url, sha) if sha else None))
    return items


def list_items(source: str, revisions: dict[str, str] | None = None) -> list[SourceItem]:
    """Items of a SOURCE: hub://AUTHOR[/REPO], an http(s) .../datasets/AUTHOR[/REPO] URL (REVISIONS: repositories
    to leave unlisted at their recorded sha), or a local mirror path."""
    try:
        hs = hub_datasets.parse_source(source)
    except ValueError as exc:
        raise InputError(str(exc)) from exc
    if hs is not None:
        return live_items(hs, revisions=revisions)
    if source.startswith(("http://", "https://")):
        raise InputError(f"{public_url(source)}: not a Hub datasets URL (expected .../datasets/AUTHOR[/REPO])")
    path = Path(source)
    if not path.exists():
        raise InputError(f"{source}: no such file or directory")
    return local_items(path)


def parse(blobs: dict[str, bytes], uri: str) -> Parsed:
    """Canonical rows of one details run: lm-eval's parser, with the model named by its `<org>__<model>` folder."""
    if any(n.endswith(".parquet") for n in blobs):
        blobs = oll_parquet.as_run(blobs, uri)
    runs = {}
    for name, blob in blobs.items():
        pointer = lfs_pointer(blob)
        if pointer:   # a details run is whole or not at all: fetch it with huggingface_hub or `git lfs pull`
            raise InputError(f"{uri}: {name} is {pointer}")
        base = posixpath.basename(name)
        if SAMPLES_RE.search(base):   # .jsonl, or the June 2024 runs' .json array (lm-eval reads both)
            runs[name] = blob
        elif lm_eval.RESULTS_RE.search(base):
            results = limits.load_json(blob, uri, name)
            model = hub_id(posixpath.basename(posixpath.dirname(name)))
            if isinstance(results, dict) and model:
                blob = json.dumps({**results, "model_name": model}).encode()
            runs[name] = blob
    return lm_eval.parse(runs, uri)
