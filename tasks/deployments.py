"""The deployments declared in prefect.yaml, turned into runnable Prefect deployments for `taskspace serve`."""
from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
PREFECT_YAML = REPO / "prefect.yaml"


def declared(path: Path = PREFECT_YAML) -> list[dict[str, Any]]:
    """The `deployments:` entries of prefect.yaml (anchors and merge keys resolved)."""
    doc = yaml.safe_load(path.read_text())
    deps = doc.get("deployments") or []
    names = [d["name"] for d in deps]
    if len(set(names)) != len(names):
        raise ValueError(f"{path}: deployment names repeat: {names}")
    return deps


def load_entrypoint(entrypoint: str):
    """The flow object an entrypoint 'flows/x.py:fn' names (ImportError/AttributeError if it is wrong)."""
    file, _, attr = entrypoint.partition(":")
    module = file.removesuffix(".py").replace("/", ".")
    obj = getattr(importlib.import_module(module), attr)
    if not hasattr(obj, "to_deployment"):
        raise TypeError(f"{entrypoint} is not a Prefect flow")
    return obj


def _triggers(spec: list[dict] | None, db: str | None = None):
    """Deployment event triggers from their YAML form; with DB they match only that warehouse's events."""
    from prefect.events import DeploymentEventTrigger

    from tasks.events import warehouse_path
    out = []
    for t in spec or []:
        t = dict(t)
        if db is not None:
            t["match"] = {**(t.get("match") or {}), "taskspace.warehouse.path": warehouse_path(db)}
        out.append(DeploymentEventTrigger(**t))
    return out


def runner_deployments(overrides: dict[str, Any] | None = None, path: Path = PREFECT_YAML) -> list:
    """One RunnerDeployment per prefect.yaml entry; `overrides` replace parameters (db, config) in all of them that
    take them; triggers listen only to the events of the deployment's db."""
    from prefect.client.schemas.schedules import CronSchedule

    out = []
    for d in declared(path):
        flow = load_entrypoint(d["entrypoint"])
        params = dict(d.get("parameters") or {})
        accepted = set(flow.parameters.properties)
        params.update({k: v for k, v in (overrides or {}).items() if k in accepted})
        schedules = [CronSchedule(cron=s["cron"], timezone=s.get("timezone", "UTC"))
                     for s in d.get("schedules") or [] if s.get("cron")]
        out.append(flow.to_deployment(
            name=d["name"], description=d.get("description"), parameters=params, schedules=schedules or None,
            tags=d.get("tags"), triggers=_triggers(d.get("triggers"), params.get("db")),
            concurrency_limit=d.get("concurrency_limit")))
    return out
