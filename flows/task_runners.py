"""Where a flow's tasks run: threads in this process, or a Dask cluster (HeLU runs, ingest reads)."""
from __future__ import annotations

from prefect.task_runners import ThreadPoolTaskRunner


def make_task_runner(runner: str, dask_address: str | None, n_workers: int, api_url: str | None = None):
    """Threads in this process (local), or a Dask cluster: the given address or a LocalCluster of n_workers
    whose worker processes report to this flow's Prefect API (api_url; a remote cluster must be configured)."""
    if runner == "local":
        return ThreadPoolTaskRunner(max_workers=n_workers)
    if runner != "dask":
        raise ValueError(f"runner must be local or dask, got {runner!r}")
    from prefect_dask import DaskTaskRunner
    if dask_address:
        return DaskTaskRunner(address=dask_address)
    return DaskTaskRunner(cluster_class="distributed.LocalCluster",
                          cluster_kwargs={"n_workers": n_workers, "threads_per_worker": 1, "processes": True,
                                          "dashboard_address": None,
                                          "env": {"PREFECT_API_URL": api_url} if api_url else {}})
