"""Pure helpers of the main job: step outcomes, offline hints, what changed and what must run next."""
from __future__ import annotations

from tasks.config import SourceConfig
from tasks.sources.redact import redact, redact_text


def offline_hint(src: SourceConfig, error: str) -> str:
    """The error of a failed live source, with the URL and how to use a local mirror instead."""
    if not src.is_url:
        return redact_text(error)
    return (f"source {src.name!r}: cannot read {redact(src.location)} ({redact_text(error)}). If this machine is "
            f"offline, mirror it locally and set `location` of [[sources]] name = {src.name!r} in the config to "
            f"the local path.")


def step_outcome(src: SourceConfig, state) -> dict:
    """Counts of one ingest subflow run, from its final Prefect state (failed runs keep their counts)."""
    out = subflow_outcome(state)
    if out["status"] == "failed":
        out["error"] = offline_hint(src, "; ".join(out.get("errors") or []) or out["error"])
    out["kind"], out["format"], out["location"] = src.kind, src.format, redact(src.location)
    return out


def changed_rows(steps: dict[str, dict], kind: str = "results") -> tuple[int, int]:
    """(new, updated) rows over the ingest steps of one kind (results: rows; releases: entries)."""
    new = upd = 0
    for s in steps.values():
        if s.get("kind") != kind:
            continue
        new += int(s.get("rows_new", s.get("new", 0)) or 0)
        upd += int(s.get("rows_updated", s.get("updated", 0)) or 0)
    return new, upd


EVAL_KEYS = ("run_id", "benchmark", "split", "n_prompts", "n_models", "success_accuracy", "auc", "routing_accuracy",
             "best_single_accuracy", "oracle_accuracy")


def subflow_outcome(state, keep: tuple[str, ...] | None = None) -> dict:
    """Status and counts (only KEEP keys when given) of a non-ingest subflow run, from its final state."""
    data = state.result(raise_on_failure=False)
    if isinstance(data, dict):
        out = {k: v for k, v in data.items() if keep is None or k in keep}
    else:
        out = {"error": str(data) if isinstance(data, BaseException) else str(state.message)}
    out["status"] = "failed" if state.is_failed() or state.is_crashed() else "completed"
    if out["status"] == "failed":
        out.setdefault("error", str(state.message))
    return out


def run_markdown(summary: dict) -> str:
    """A Markdown table of one pipeline run's steps, for the Prefect artifact."""
    lines = [f"# taskspace pipeline run {summary['run_id']}", "",
             f"new rows **{summary['rows_new']}**, updated **{summary['rows_updated']}**, embedded "
             f"**{summary['embedded']}**, operators refit **{summary['operators_refit']}**, evaluated "
             f"**{summary['evaluated']}**, published **{summary['published']}**", "",
             "| step | status | counts / error |", "|---|---|---|"]
    for name, s in summary["steps"].items():
        counts = ", ".join(f"{k} {v}" for k, v in s.items()
                           if isinstance(v, (int, float)) and not isinstance(v, bool))
        lines.append(f"| {name} | {s.get('status', '')} | {(s.get('error') or counts).replace('|', '/')} |")
    return "\n".join(lines) + "\n"
