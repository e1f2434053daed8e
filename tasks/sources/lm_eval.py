"""Parser for lm-evaluation-harness output runs: results_<ts>.json + samples_<task>_<ts>.jsonl."""
from __future__ import annotations

import re

from tasks.sources import limits, values
from tasks.sources.base import InputError, Parsed, Rejected, canonical_frame
from tasks.sources.labels import to_label
from tasks.sources.tables import jsonl_lines

RESULTS_RE = re.compile(r"results_(?P<ts>.+)\.json$")
SAMPLES_RE = re.compile(r"samples_(?P<task>.+)_(?P<ts>\d{4}-\d{2}-\d{2}T[\d\-.:]+)\.jsonl$")
# When a task's config names no usable metric: the leaderboard's labels, in this order.
METRIC_PREFERENCE = ("acc_norm", "acc", "exact_match", "prompt_level_strict_acc", "em", "pass@1", "correct")
TEXT_FIELDS = ("question", "Question", "problem", "prompt", "input", "query", "goal", "sentence", "ctx", "text")


def _object(results: dict, key: str, uri: str) -> dict:
    """results[key] as an object ({} when absent); InputError when it is another JSON type."""
    value = results.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InputError(f"{uri}: '{key}' in the results file is a {type(value).__name__}, expected an object")
    return value


def model_name(results: dict, uri: str) -> str:
    """The evaluated model: results' model_name, else pretrained= in config.model_args (InputError if neither)."""
    if isinstance(results.get("model_name"), str) and results["model_name"].strip():
        return values.text(results["model_name"], "model_name", 512).strip()
    args = _object(results, "config", uri).get("model_args") or ""
    m = re.search(r"pretrained=([^,]+)", args if isinstance(args, str) else "")
    if m:
        return values.text(m.group(1), "pretrained", 512).strip()
    raise InputError(f"{uri}: the results file names no model (no model_name, no pretrained= in "
                     f"config.model_args)")


def _task_config(task: str, results: dict) -> dict:
    cfg = (results.get("configs") or {}).get(task)
    return cfg if isinstance(cfg, dict) else {}


def choose_metric(task: str, results: dict, sample: dict) -> str | None:
    """The per-sample metric used as the label: the task config's first listed metric present, else the preference list."""
    cfg = _task_config(task, results)
    listed = cfg.get("metric_list") if isinstance(cfg.get("metric_list"), list) else []
    listed = [m.get("metric") for m in listed if isinstance(m, dict)]
    for m in [*listed, *METRIC_PREFERENCE]:
        if isinstance(m, str) and m in sample:
            return m
    return None


def prompt_text(sample: dict) -> str | None:
    """The question a sample asked: a known doc field (MuSR adds its narrative), else the first request context."""
    doc = sample.get("doc") if isinstance(sample.get("doc"), dict) else {}
    for f in TEXT_FIELDS:
        if isinstance(doc.get(f), str) and doc[f].strip():
            return (doc["narrative"].strip() + "\n\n" + doc[f]) if isinstance(doc.get("narrative"), str) else doc[f]
    args = sample.get("arguments")
    if isinstance(args, dict) and args:            # lm-eval >= 0.4.3: {"gen_args_0": {"arg_0": ctx, ...}}
        first = next(iter(args.values()))
        ctx = first.get("arg_0") if isinstance(first, dict) else None
    elif isinstance(args, list) and args and isinstance(args[0], list) and args[0]:
        ctx = args[0][0]                           # older: [[ctx, continuation], ...]
    else:
        ctx = None
    return ctx if isinstance(ctx, str) and ctx.strip() else None


def split_run(blobs: dict[str, bytes], uri: str) -> tuple[dict, dict[str, bytes]]:
    """The parsed results JSON and the samples files {task: bytes} of one run."""
    res = [n for n in blobs if RESULTS_RE.search(n.rsplit("/", 1)[-1])]
    if len(res) != 1:
        raise InputError(f"{uri}: expected one results_*.json in the run, found {len(res)}")
    results = limits.load_json(blobs[res[0]], uri, res[0])
    if not isinstance(results, dict):
        raise InputError(f"{uri}: {res[0]} is not a JSON object")
    _object(results, "configs", uri)
    samples = {}
    for n, b in blobs.items():
        m = SAMPLES_RE.search(n.rsplit("/", 1)[-1])
        if m:
            samples[m.group("task")] = b
    if not samples:
        raise InputError(f"{uri}: no samples_<task>_<timestamp>.jsonl files (run lm-eval with --log_samples)")
    return results, samples


def _row(task: str, s, results: dict, model: str, metric: str | None) -> dict:
    """The canonical row of one sample (BadValue saying why it is bad)."""
    if isinstance(s, values.BadValue):
        raise s
    if not isinstance(s, dict) or "doc_id" not in s:
        raise values.BadValue("not a sample object with doc_id")
    if metric is None:
        raise values.BadValue("no usable per-sample metric")
    text = prompt_text(s)
    if text is None:
        raise values.BadValue("empty prompt")
    label = to_label(s.get(metric))
    if label is None:
        raise values.BadValue(f"{metric}={s.get(metric)!r:.60} is not 0/1")
    doc = s.get("doc") if isinstance(s.get("doc"), dict) else {}
    group = _task_config(task, results).get("group")
    return {
        "model": model, "benchmark": task, "item_id": values.item_id(s["doc_id"], "doc_id"),
        "text": values.text(text, "prompt"),
        "category": values.optional_text(doc["category"], "category") if isinstance(doc.get("category"), str)
        else group if isinstance(group, str) else task,
        "answer": None if s.get("target") is None else values.unicode_text(str(s["target"]), "target"),
        "correct": label, "metric": metric, "score": float(label),
    }


def parse(blobs: dict[str, bytes], uri: str) -> Parsed:
    """Canonical rows for every sample of every task in one lm-eval run; positions count lines across tasks."""
    results, samples = split_run(blobs, uri)
    model = model_name(results, uri)
    rows, rejected, pos = [], [], 0
    for task in sorted(samples):
        metric = None
        for s, raw in jsonl_lines(samples[task]):
            here, pos = pos, pos + 1
            limits.check_records(pos, uri)
            if metric is None and isinstance(s, dict) and "doc_id" in s:
                metric = choose_metric(task, results, s)
            try:
                rows.append(_row(task, s, results, model, metric))
            except values.BadValue as exc:
                rejected.append(Rejected(here, f"{task}: {exc}", raw))
    return Parsed(canonical_frame(rows), rejected)
