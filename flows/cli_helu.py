"""`taskspace helu bench|summary`: run the HeLU training benchmark and show its published table (torch and
Prefect are imported inside the commands, so `taskspace sql` stays fast)."""
from __future__ import annotations

import time
from typing import Optional

import typer

from flows.cli_app import State, app, emit, guarded

helu_app = typer.Typer(help="HeLU (hysteresis ReLU) training benchmarks.", no_args_is_help=True)
app.add_typer(helu_app, name="helu")


def _table(rows: list[dict]) -> str:
    """The published rows as aligned text lines."""
    out = [f"{'workload':22} {'activation':16} {'n':>2} {'score':>15} {'d vs relu':>16} {'t p':>6} "
           f"{'dead end':>8} {'collapse':>8} {'s/epoch':>8}"]
    f = lambda v, d=3: "-" if v is None else f"{v:.{d}f}"  # noqa: E731
    for r in rows:
        score = f"{f(r['score_mean'])}±{f(r['score_std'])}"
        diff = "" if r.get("diff_mean") is None else f"{f(r['diff_mean'])}±{f(r.get('diff_std'))}"
        out.append(f"{r['workload']:22} {r['label']:16} {r['n_seeds']:>2} {score:>15} {diff:>16} "
                   f"{f(r.get('t_p'), 2):>6} {f(r['dead_end_mean']):>8} {f(r['collapse_rate'], 2):>8} "
                   f"{f(r['epoch_s_mean'], 4):>8}")
    return "\n".join(out)


@helu_app.command("bench")
def bench_cmd(
    quick: bool = typer.Option(False, "--quick", help="CPU/CI profile: 3 seeds, few epochs (< 5 min, 2 cores)."),
    runner: str = typer.Option("local", "--runner", help="local (threads here) | dask (a Dask cluster)."),
    dask_address: Optional[str] = typer.Option(None, "--dask-address",
        help="Scheduler address (default: LocalCluster)."),
    workers: int = typer.Option(2, "--workers", min=1, help="Threads (local) or LocalCluster worker processes (dask)."),
    device: str = typer.Option("cpu", "--device", help="cpu | cuda"),
    seeds: Optional[int] = typer.Option(None, "--seeds", min=1,
        help="Seeds per workload/activation (3 quick, 5 full)."),
    workload: Optional[list[str]] = typer.Option(None, "--workload", "-w", help="Workloads (repeat); default: suite."),
    activation: Optional[list[str]] = typer.Option(None, "--activation", "-a",
        help="Activations (repeat); default: all."),
    alpha: Optional[list[float]] = typer.Option(None, "--alpha",
        help="HeLU alphas (repeat); default 0.001 .01 .05 .1."),
    out: str = typer.Option("reports/helu", "--out", help="Folder for the published markdown, JSON and PNG."),
    encoder: Optional[str] = typer.Option(None, "--encoder", help="Embedding encoder for the routing workload."),
    settings: Optional[list[str]] = typer.Option(None, "--set", help="Override a setting: WORKLOAD.KEY=JSON (repeat)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object with the suite's summary."),
):
    """Train every workload x activation x seed, store the runs in the warehouse and publish the comparison."""
    if runner not in ("local", "dask"):
        raise typer.BadParameter("choose local or dask", param_hint="--runner")
    if device not in ("cpu", "cuda"):
        raise typer.BadParameter("choose cpu or cuda", param_hint="--device")
    import torch
    if device == "cuda" and not torch.cuda.is_available():
        raise typer.BadParameter("CUDA is not available on this machine", param_hint="--device")
    from flows.helu_benchmark import helu_benchmark
    from tasks.helu.suite import WORKLOADS, parse_settings, workload_params
    bad = [w for w in workload or [] if w not in WORKLOADS]
    if bad:
        raise typer.BadParameter(f"unknown {bad}; choose from {', '.join(WORKLOADS)}", param_hint="--workload")
    try:
        overrides = parse_settings(settings or [])
        for w, kv in overrides.items():
            workload_params(w, quick, kv)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--set")

    from tasks.prefect_server import prefect_api
    from tasks.stopping import raise_if_stopped

    t0 = time.perf_counter()
    with guarded(), prefect_api():
        state = helu_benchmark(db=State.db, quick=quick, n_seeds=seeds, workloads=workload or None,
                               activations=activation or None, alphas=alpha or None, runner=runner,
                               dask_address=dask_address, n_workers=workers, device=device, out_dir=out,
                               encoder=encoder, overrides=overrides or None, return_state=True)
        raise_if_stopped()   # a signal a task reported as an ordinary failure still stops the command
    result = state.result(raise_on_failure=False)
    if not isinstance(result, dict):
        typer.echo(f"error: helu_benchmark {state.name}: {state.message or result}", err=True)
        raise typer.Exit(1)
    result["wall_s"] = round(time.perf_counter() - t0, 1)
    skipped = "".join(f"\nskipped {w}: {why}" for w, why in result["skipped"].items())
    human = (f"{result['suite_id']}: {result['status']}, {result['runs_ok']} runs ok, {result['runs_failed']} failed, "
             f"{result['wall_s']} s{skipped}\n{_table(result['summary'])}\n"
             + "\n".join(f"{k}: {v}" for k, v in result["paths"].items()))
    emit(result, as_json, human)
    if result["runs_failed"]:
        raise typer.Exit(1)


@helu_app.command("summary")
def summary_cmd(
    suite: Optional[str] = typer.Option(None, "--suite", help="Suite id; default the latest finished one."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object {suite_id, rows}."),
):
    """Show the published comparison of a suite (mean ± std over seeds, difference from ReLU)."""
    from warehouse import connect, query
    with connect(State.db) as con:
        if suite is None:
            latest = query(con, "helu_latest_suite", finished=True).fetchall()
            if not latest:
                typer.echo("error: no finished HeLU benchmark suite in the warehouse: run `taskspace helu bench --quick` "
                           "first", err=True)
                raise typer.Exit(1)
            suite = latest[0][0]
        cur = query(con, "helu_published_suite", suite=suite)
        cols = [d[0] for d in cur.description]
        rows = [dict(zip(cols, r)) for r in cur.fetchall()]
    if not rows:
        typer.echo(f"error: nothing published for suite {suite}", err=True)
        raise typer.Exit(1)
    emit({"suite_id": suite, "rows": rows}, as_json, f"{suite}\n{_table(rows)}")
