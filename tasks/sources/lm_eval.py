"""Parser for lm-evaluation-harness runs (--log_samples) of every version: one canonical row per (task, document).

The rules (README, "lm-eval"): benchmark = the task of the samples file (a group's subtask, so per-task
accuracy is the harness's own); label = the task config's first listed metric present in the sample, else
the first metric its results report, else the sample's own `metrics`, else METRIC_PREFERENCE; of several
filters per document (gsm8k: strict-match, flexible-extract) the one the results report first for that
metric, so our accuracy is the number the harness printed for it. Files without a `filter` field
(before 0.4.5) list the filters one after the other: the first row of each document is kept.
Prompt identity: `<doc_id>-<16 hex of doc_hash>`, the hash computed as the harness does where absent.
"""
from __future__ import annotations

import hashlib
import json
import re

from tasks.sources import limits, values
from tasks.sources.base import InputError, Parsed, Rejected, canonical_frame
from tasks.sources.labels import to_label
from tasks.sources.lm_eval_run import (OLD_RESULTS, RESULTS_RE, SAMPLES_RE, is_results, json_object, lfs_pointer,
                                       run_member, sample_records, split_run)

METRIC_PREFERENCE = ("acc_norm", "acc", "exact_match", "prompt_level_strict_acc", "em", "pass@1", "correct")
MIN_TEXT_WORDS, MAX_LABEL_CHARS = 3, 20   # a doc field shorter in both is a label ("effect"), not the question
ITEM_ID_RE = re.compile(r"^(\d+)-[0-9a-f]{16}$")   # item_id(): <doc_id>-<16 hex of the doc hash>
TEXT_FIELDS = ("question", "Question", "problem", "prompt", "input", "query", "goal", "sentence", "ctx", "text")
_HEX64 = re.compile(r"[0-9a-f]{64}")
__all__ = ["OLD_RESULTS", "RESULTS_RE", "SAMPLES_RE", "is_results", "run_member", "parse", "doc_key", "item_id",
           "doc_id_of"]


def model_name(results: dict, uri: str) -> str:
    """The evaluated model: model_name, else pretrained=/model= of config.model_args (text or object), else
    model_name_sanitized; InputError if none."""
    if isinstance(results.get("model_name"), str) and results["model_name"].strip():
        return values.text(results["model_name"], "model_name", 512).strip()
    args = json_object(results, "config", uri).get("model_args") or ""
    if isinstance(args, dict):
        found = next((args[k] for k in ("pretrained", "model") if isinstance(args.get(k), str)), None)
    else:
        m = re.search(r"(?:^|,)\s*(?:pretrained|model)=([^,]+)", args if isinstance(args, str) else "")
        found = m.group(1) if m else None
    found = found or results.get("model_name_sanitized")
    if isinstance(found, str) and found.strip():
        return values.text(found, "model_name", 512).strip()
    raise InputError(f"{uri}: the results file names no model (no model_name, no pretrained= in "
                     f"config.model_args)")


def _task_config(task: str, results: dict) -> dict:
    cfg = (results.get("configs") or {}).get(task)
    return cfg if isinstance(cfg, dict) else {}


def _reported(task: str, results: dict) -> list[tuple[str, str]]:
    """(metric, filter) of each value the results file reports for TASK, in its order (stderr left out)."""
    entry = (results.get("results") or {}).get(task)
    keys = [k for k in entry if isinstance(k, str)] if isinstance(entry, dict) else []
    pairs = [tuple(k.split(",", 1)) for k in keys if "," in k]
    return [(m, f) for m, f in pairs if not m.endswith("_stderr")]


def choose_metric(task: str, results: dict, sample: dict) -> str | None:
    """The per-sample metric used as the label (see the module rules)."""
    listed = _task_config(task, results).get("metric_list")
    listed = [m.get("metric") for m in listed if isinstance(m, dict)] if isinstance(listed, list) else []
    own = sample.get("metrics") if isinstance(sample.get("metrics"), list) else []
    for m in [*listed, *(m for m, _ in _reported(task, results)), *own, *METRIC_PREFERENCE]:
        if isinstance(m, str) and m in sample:
            return m
    return None


def choose_filter(task: str, results: dict, metric: str | None, sample: dict) -> str | None:
    """The filter whose rows are kept: the first the results report for METRIC, else the config's first, else
    this sample's; None when samples carry no `filter` field (then the first row of each document is kept)."""
    if not isinstance(sample.get("filter"), str):
        return None
    for m, f in _reported(task, results):
        if m == metric:
            return f
    listed = _task_config(task, results).get("filter_list")
    first = listed[0] if isinstance(listed, list) and listed else None
    return first["name"] if isinstance(first, dict) and isinstance(first.get("name"), str) else sample["filter"]


def doc_key(sample: dict) -> str:
    """The document's sha256: its doc_hash (lm-eval >= 0.4.5), else computed as the harness computes it."""
    h = sample.get("doc_hash")
    if isinstance(h, str) and _HEX64.fullmatch(h):
        return h
    return hashlib.sha256(json.dumps(sample.get("doc"), indent=2, ensure_ascii=False).encode()).hexdigest()


def item_id(doc_id: str, key: str) -> str:
    """A sample's item_id: its doc_id and 16 hex of its doc hash (the same question from two runs is one prompt)."""
    return f"{doc_id}-{key[:16]}"


def doc_id_of(item: str) -> int | None:
    """The lm-eval doc_id an item_id() names (None: not one, e.g. a non-integer doc_id)."""
    m = ITEM_ID_RE.match(item)
    return int(m.group(1)) if m else None


def _label_like(text: str) -> bool:
    """A doc field that names a label rather than asks a question: under MIN_TEXT_WORDS words and MAX_LABEL_CHARS."""
    return len(text.split()) < MIN_TEXT_WORDS and len(text) <= MAX_LABEL_CHARS


def prompt_text(sample: dict) -> str | None:
    """The question a sample asked: a known doc field that is not label-like (MuSR adds its narrative; COPA's
    `question` is only 'cause' or 'effect'), else the first request context."""
    doc = sample.get("doc") if isinstance(sample.get("doc"), dict) else {}
    for f in TEXT_FIELDS:
        if isinstance(doc.get(f), str) and doc[f].strip() and not _label_like(doc[f]):
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


def _category(task: str, results: dict, doc: dict) -> str | None:
    """The doc's own category, else the task config's group, else the group listing TASK, else TASK."""
    if isinstance(doc.get("category"), str):
        return values.optional_text(doc["category"], "category")
    group = _task_config(task, results).get("group")
    group = group[0] if isinstance(group, list) and group else group
    if isinstance(group, str):
        return group
    parents = results.get("group_subtasks") if isinstance(results.get("group_subtasks"), dict) else {}
    return next((g for g, subs in parents.items() if isinstance(subs, list) and task in subs), task)


FALLBACK = "[invalid]"   # what lm-eval's regex filters answer where they find no answer (their default fallback)


def _fallbacks(task: str, results: dict) -> set[str]:
    """The answers TASK's filters give where they extract none: FALLBACK and any fallback its config sets."""
    out = {FALLBACK}
    for entry in _task_config(task, results).get("filter_list") or []:
        steps = entry.get("filter") if isinstance(entry, dict) else None
        out |= {f["fallback"] for f in steps or [] if isinstance(f, dict) and isinstance(f.get("fallback"), str)}
    return out


def answered(s: dict, fallbacks: set[str], correct: bool) -> bool | None:
    """Whether a generative sample's filtered answer is one (not a filter's fallback: no answer extracted); None
    for a log-likelihood sample (its filtered_resps are scores, not text) or a fallback graded correct."""
    got = s.get("filtered_resps")
    got = got[0] if isinstance(got, list) and len(got) == 1 else got
    if not isinstance(got, str):
        return None
    extracted = got.strip() not in fallbacks
    return None if correct and not extracted else extracted


def _row(task: str, s, results: dict, model: str, metric: str | None, fallbacks: set[str]) -> dict:
    """The canonical row of one sample (BadValue saying why it is bad); FALLBACKS: _fallbacks of TASK."""
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
    return {
        "model": model, "benchmark": task,
        "item_id": item_id(values.item_id(s['doc_id'], 'doc_id'), doc_key(s)),
        "text": values.text(text, "prompt"), "category": _category(task, results, doc),
        "answer": None if s.get("target") is None else values.unicode_text(str(s["target"]), "target"),
        "correct": label, "metric": metric, "score": float(label),
        "answered": answered(s, fallbacks, label),
    }


def parse(blobs: dict[str, bytes], uri: str) -> Parsed:
    """Canonical rows for every kept sample of every task in one lm-eval run; positions count records across
    tasks. A samples file that is a Git LFS pointer is one rejected record naming the file."""
    results, samples = split_run(blobs, uri)
    model = model_name(results, uri)
    rows, rejected, pos = [], [], 0
    for task in sorted(samples):
        name, blob = samples[task]
        pointer = lfs_pointer(blob)
        if pointer:
            rejected.append(Rejected(pos, f"{task}: {name} is {pointer}", blob[:2000].decode("utf-8", "replace")))
            pos += 1
            continue
        metric = kept = None
        seen: set = set()
        fallbacks = _fallbacks(task, results)
        for s, raw in sample_records(blob, uri, name):
            here, pos = pos, pos + 1
            limits.check_records(pos, uri)
            if isinstance(s, dict) and "doc_id" in s:
                if metric is None:
                    metric = choose_metric(task, results, s)
                    kept = choose_filter(task, results, metric, s)
                if kept is not None and s.get("filter") != kept:
                    continue                      # the same document under another filter
                doc_id = repr(s["doc_id"])
                if doc_id in seen and kept is None:
                    continue                      # before 0.4.5: the next filter's row of this document
                if doc_id in seen:
                    rejected.append(Rejected(here, f"{task}: doc_id {s['doc_id']!r:.40} repeated", raw))
                    continue
                seen.add(doc_id)
            try:
                rows.append(_row(task, s, results, model, metric, fallbacks))
            except values.BadValue as exc:
                rejected.append(Rejected(here, f"{task}: {exc}", raw))
    return Parsed(canonical_frame(rows), rejected)
