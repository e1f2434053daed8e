"""Result formats and where their inputs come from (local paths or http(s) URLs)."""
from __future__ import annotations

import fnmatch
import hashlib
import posixpath
import urllib.parse
from pathlib import Path

from tasks.sources import github, limits, lm_eval, long, mmlu_pro, oll_details, routerbench, score_matrix
from tasks.sources.base import InputError, Parsed, Rejected, SourceItem, checksum
from tasks.sources.labels import DEFAULT_THRESHOLD, threshold_of
from tasks.sources.http import FetchError, fetch
from tasks.sources.redact import public_url, reveal

# format -> (parser, glob patterns for files inside a directory)
FORMATS = {
    "mmlu-pro": (mmlu_pro.parse, ("model_outputs_*shots.zip",)),
    "lm-eval": (lm_eval.parse, ("results_*.json", lm_eval.OLD_RESULTS)),
    "routerbench": (routerbench.parse, ("*.csv", "*.pkl", "*.pickle")),
    "long": (long.parse, ("*.parquet", "*.csv", "*.jsonl", "*.ndjson")),
    "score-matrix": (score_matrix.parse, ("*.json", "*.csv")),
    oll_details.FORMAT: (oll_details.parse, oll_details.PATTERNS),
}
# Formats whose rows are lm-eval samples (prompt item_id = lm_eval.item_id: a plan on them can be run by lm-eval).
LM_EVAL_FORMATS = ("lm-eval", oll_details.FORMAT)
# Formats whose live sources list repositories with a revision (unchanged ones are left unlisted).
REVISIONED = {oll_details.FORMAT}
# Formats of graded scores in [0, 1]: their parsers take the correct threshold (labels.correct_at).
GRADED = {"routerbench", "score-matrix"}
# The folder a bare repository URL (https://github.com/OWNER/REPO) lists for a format.
REPO_FOLDERS = {"mmlu-pro": "eval_results"}
# The files of the per-subject MMLU-Pro layout (<MODEL>/<subject>_result.json): one item per folder.
SUBJECT_FILES = "*_result.json"


def parser_for(fmt: str):
    """The parse function of a results format (ValueError listing the known ones)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown results format {fmt!r}; known: {', '.join(FORMATS)}")
    return FORMATS[fmt][0]


def parse_item(fmt: str, blobs: dict[str, bytes], uri: str, threshold: float | None = None) -> Parsed:
    """Parse one item's blobs; a graded format counts score >= THRESHOLD as correct (DEFAULT_THRESHOLD if None)."""
    parser = parser_for(fmt)
    return parser(blobs, uri, threshold=threshold) if fmt in GRADED else parser(blobs, uri)


def _non_default(fmt: str, threshold: float | None) -> float | None:
    """The threshold when it changes what a load of FMT holds (a graded format, not the default), else None."""
    cut = threshold_of(threshold)
    return cut if fmt in GRADED and cut != DEFAULT_THRESHOLD else None


def item_checksum(fmt: str, blobs: dict[str, bytes], threshold: float | None = None) -> str:
    """The checksum a load records: of the blobs, and of a non-default threshold for a graded format (so that
    changing the threshold re-reads the input; the default keeps the plain checksum of earlier loads)."""
    cut = _non_default(fmt, threshold)
    return checksum(blobs) if cut is None else checksum({**blobs, "\0correct_threshold": repr(cut).encode()})


def remote_key(fmt: str, remote_sha: str | None, threshold: float | None = None) -> str | None:
    """The remote sha a load remembers for a live item, with a non-default threshold folded in as in item_checksum."""
    cut = _non_default(fmt, threshold)
    if remote_sha is None or cut is None:
        return remote_sha
    return hashlib.sha1(f"{remote_sha}\0correct_threshold={cut!r}".encode()).hexdigest()


def _file_item(path: Path) -> SourceItem:
    return SourceItem(str(path), lambda p=path: {p.name: p.read_bytes()})


def _lm_eval_item(results_path: Path) -> SourceItem:
    """One lm-eval run: a results_<ts>.json (or results.json) and the samples files of that run beside it."""
    if not lm_eval.is_results(results_path.name):
        raise InputError(f"{results_path}: not an lm-eval run (expected a results_<timestamp>.json file or its folder)")

    def fetch_run():
        files = [results_path, *sorted(p for p in results_path.parent.iterdir()
                                       if p.is_file() and lm_eval.run_member(results_path.name, p.name))]
        return {f.name: f.read_bytes() for f in files}
    return SourceItem(str(results_path), fetch_run)


def _subjects_item(folder: Path) -> SourceItem:
    """One MMLU-Pro per-subject folder: its <subject>_result.json files, named '<folder>/<file>' (summaries stay out)."""
    def fetch_folder():
        return {f"{folder.name}/{f.name}": f.read_bytes() for f in sorted(folder.glob(SUBJECT_FILES)) if f.is_file()}
    return SourceItem(str(folder), fetch_folder)


def _mmlu_pro_items(path: Path) -> list[SourceItem]:
    """Every model_outputs_*shots.zip under PATH, and every folder holding <subject>_result.json files (one item each)."""
    if path.is_file():
        if fnmatch.fnmatch(path.name, SUBJECT_FILES):
            raise InputError(f"{path}: one subject of a per-subject MMLU-Pro folder; give the folder {path.parent}")
        return [_file_item(path)]
    zips = [_file_item(p) for p in path.rglob(FORMATS["mmlu-pro"][1][0]) if p.is_file()]
    folders = sorted({p.parent for p in path.rglob(SUBJECT_FILES) if p.is_file()})
    return sorted(zips + [_subjects_item(f) for f in folders], key=lambda it: it.uri)


def list_items(fmt: str, source: str, revisions: dict[str, str] | None = None) -> list[SourceItem]:
    """The items a SOURCE (file, directory or http(s) URL) holds for a format, in a stable order; REVISIONS
    ({repository URL: sha}, tasks.ingest.known_revisions) lets a live repository source skip unchanged ones."""
    parser_for(fmt)
    source = reveal(source)   # a location a flow hid from Prefect: the real URL, to fetch
    if fmt == oll_details.FORMAT:   # a mirror folder, hub://AUTHOR[/REPO] or a Hub datasets URL
        try:
            return oll_details.list_items(source, revisions)
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
    if fmt == "mmlu-pro":
        return _mmlu_pro_items(path)
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
    """One item per wanted file (per run for lm-eval, per subject folder for mmlu-pro); item.sha256 carries the
    remote git blob sha(s)."""
    items = _github_subject_items(files) if fmt == "mmlu-pro" else []
    for f in (f for f in files if _wanted(fmt, f.name)):
        group = [f]
        if fmt == "lm-eval":
            folder = posixpath.dirname(f.path)
            group += [g for g in files if posixpath.dirname(g.path) == folder and lm_eval.run_member(f.name, g.name)]
        remote = group[0].sha if len(group) == 1 else _group_sha(group)
        items.append(SourceItem(public_url(f.download_url),
                                lambda group=group: {g.name: github.download(g) for g in group}, remote))
    return items


def _group_sha(group: list[github.RemoteFile]) -> str:
    """One remote sha for a group of files (sha1 of their sorted name + git blob sha lines)."""
    return hashlib.sha1("".join(f"{g.name}\0{g.sha}\n" for g in sorted(group, key=lambda g: g.name)).encode()).hexdigest()


def _github_subject_items(files: list[github.RemoteFile]) -> list[SourceItem]:
    """One item per remote folder of <subject>_result.json files, named as a local folder item names them."""
    folders: dict[str, list[github.RemoteFile]] = {}
    for f in files:
        if fnmatch.fnmatch(f.name, SUBJECT_FILES):
            folders.setdefault(posixpath.dirname(f.path), []).append(f)
    items = []
    for folder, group in sorted(folders.items()):
        model = posixpath.basename(folder)
        items.append(SourceItem(public_url(posixpath.dirname(group[0].download_url)),
                                lambda group=group, model=model: {f"{model}/{g.name}": github.download(g) for g in group},
                                _group_sha(group)))
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


__all__ = ["FORMATS", "GRADED", "InputError", "Parsed", "Rejected", "SourceItem", "checksum", "item_checksum",
           "list_items", "parse_item", "parser_for", "remote_key"]
