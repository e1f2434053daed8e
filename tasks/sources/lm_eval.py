"""Parser for lm-evaluation-harness output runs: results_<ts>.json + samples_<task>_<ts>.jsonl."""
from __future__ import annotations

import json
import re

from tasks.sources.base import InputError, Parsed, Rejected, canonical_frame
from tasks.sources.labels import to_label

RESULTS_RE = re.compile(r"results_(?P<ts>.+)\.json$")
SAMPLES_RE = re.compile(r"samples_(?P<task>.+)_(?P<ts>\d{4}-\d{2}-\d{2}T[\d\-.:]+)\.jsonl$")
# When a task's config names no usable metric: the leaderboard's labels, in this order.
METRIC_PREFERENCE = ("acc_norm", "acc", "exact_match", "prompt_level_strict_acc", "em", "pass@1", "correct")
TEXT_FIELDS = ("question", "Question", "problem", "prompt", "input", "query", "goal", "sentence", "ctx", "text")


def model_name(results: dict, folder: str) -> str:
    """The evaluated model: results' model_name, else pretrained= in model_args, else the folder name."""
    if isinstance(results.get("model_name"), str) and results["model_name"].strip():
        return results["model_name"].strip()
    args = (results.get("config") or {}).get("model_args") or ""
    m = re.search(r"pretrained=([^,]+)", args if isinstance(args, str) else "")
    if m:
        return m.group(1)
    return folder.rsplit("/", 1)[-1].replace("__", "/")


def choose_metric(task: str, results: dict, sample: dict) -> str | None:
    """The per-sample metric used as the label: the task config's first listed metric present, else the preference list."""
    cfg = (results.get("configs") or {}).get(task) or {}
    listed = [m.get("metric") for m in cfg.get("metric_list") or [] if isinstance(m, dict)]
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
    try:
        results = json.loads(blobs[res[0]])
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{uri}: {res[0]} is not JSON ({exc})") from exc
    if not isinstance(results, dict):
        raise InputError(f"{uri}: {res[0]} is not a JSON object")
    samples = {}
    for n, b in blobs.items():
        m = SAMPLES_RE.search(n.rsplit("/", 1)[-1])
        if m:
            samples[m.group("task")] = b
    if not samples:
        raise InputError(f"{uri}: no samples_<task>_<timestamp>.jsonl files (run lm-eval with --log_samples)")
    return results, samples


def parse(blobs: dict[str, bytes], uri: str) -> Parsed:
    """Canonical rows for every sample of every task in one lm-eval run; positions count lines across tasks."""
    results, samples = split_run(blobs, uri)
    model = model_name(results, uri)
    rows, rejected, pos = [], [], 0
    for task in sorted(samples):
        metric = None
        for line in samples[task].decode("utf-8", errors="replace").splitlines():
            if not line.strip():
                continue
            here, pos = pos, pos + 1
            try:
                s = json.loads(line)
            except json.JSONDecodeError:
                rejected.append(Rejected(here, f"{task}: not JSON", line[:2000]))
                continue
            if not isinstance(s, dict) or "doc_id" not in s:
                rejected.append(Rejected(here, f"{task}: not a sample object with doc_id", line[:2000]))
                continue
            metric = metric or choose_metric(task, results, s)
            text = prompt_text(s)
            label = to_label(s.get(metric)) if metric else None
            reason = ("no usable per-sample metric" if metric is None else "empty prompt" if text is None
                      else f"{metric}={s.get(metric)!r} is not 0/1" if label is None else None)
            if reason:
                rejected.append(Rejected(here, f"{task}: {reason}", line[:2000]))
                continue
            doc = s.get("doc") if isinstance(s.get("doc"), dict) else {}
            group = ((results.get("configs") or {}).get(task) or {}).get("group")
            rows.append({
                "model": model, "benchmark": task, "item_id": str(s["doc_id"]), "text": text,
                "category": doc["category"] if isinstance(doc.get("category"), str)
                else group if isinstance(group, str) else task,
                "answer": None if s.get("target") is None else str(s["target"]),
                "correct": label, "metric": metric,
                "score": float(s[metric]) if isinstance(s[metric], (int, float)) else float(label),
            })
    return Parsed(canonical_frame(rows), rejected)
