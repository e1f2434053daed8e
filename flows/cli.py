"""The taskspace command line: ingest, sql and the pipeline commands (heavy imports stay lazy)."""
from __future__ import annotations

import json
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Optional

import typer

from warehouse.db import default_db_path

app = typer.Typer(help="taskspace: LLM leaderboard results in DuckDB, LLMs as operators in prompt space.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
ingest_app = typer.Typer(help="Load leaderboard results or model releases.", no_args_is_help=True)
app.add_typer(ingest_app, name="ingest")


class State:
    db: str = default_db_path()
    db_given: bool = False        # --db / TASKSPACE_DB given (else `run` uses the config's db)


@app.callback()
def main(db: str = typer.Option(None, "--db", envvar="TASKSPACE_DB", help="DuckDB warehouse file "
                                "(env TASKSPACE_DB, default ./taskspace.duckdb).")):
    """Global options."""
    from tasks.prefect_server import quiet
    quiet()   # before Prefect is imported: its own noise stays out of the output
    State.db = db or default_db_path()
    State.db_given = db is not None


@contextmanager
def guarded(signals: bool = True):
    """For commands that run flows: Ctrl-C or SIGTERM stops them within seconds (exit 128 + signal; SIGNALS False
    leaves them to an asyncio loop's own handling), a busy warehouse or an unreachable Prefect API is a one-line
    error (exit 1)."""
    from contextlib import nullcontext

    from tasks.locks import Busy
    from tasks.prefect_server import PrefectUnavailable
    from tasks.stopping import stop_on_signals, stop_reason
    with stop_on_signals() if signals else nullcontext():
        try:
            yield
        except (Busy, PrefectUnavailable) as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1)
        except BaseException as exc:
            status, message, signum = stop_reason(exc)
            if status != "cancelled":
                raise
            typer.echo(f"taskspace: {message}", err=True)
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(128 + signum)   # all is closed; skip the interpreter's teardown (it reports leaks of the
                                     # DuckDB objects the interrupted step still held)


def emit(obj: dict, as_json: bool, human: str) -> None:
    """Print one JSON object (with --json) or the human summary."""
    if as_json:
        typer.echo(json.dumps(obj, default=str))
    else:
        typer.echo(human)


@ingest_app.command("results")
def ingest_results_cmd(
    sources: list[str] = typer.Argument(..., help="Files, directories or http(s) URLs."),
    fmt: str = typer.Option(..., "--format", "-f", help="mmlu-pro | lm-eval | routerbench | long"),
    force: bool = typer.Option(False, help="Re-read inputs even when their checksum is unchanged."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object with the counts."),
):
    """Ingest per-question results; unchanged inputs are skipped, bad ones fail alone."""
    from tasks.ingest import expand_sources, ingest_item, totals
    from tasks.sources import parser_for
    from warehouse import connect
    from warehouse.loads import record_failure, utcnow

    try:
        parser_for(fmt)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--format")
    with connect(State.db) as con:
        items, missing = expand_sources(fmt, sources)
        summaries = [record_failure(con, source=fmt, uri=m.uri, sha256=None, error=m.error, started_at=utcnow())
                     for m in missing]
        summaries += [ingest_item(con, fmt, it, force=force) for it in items]
        out = totals(summaries)
        out["warehouse"] = dict(zip(("models", "prompts", "results"), con.execute(
            "SELECT (SELECT count(*) FROM models), (SELECT count(*) FROM prompts), (SELECT count(*) FROM results)"
        ).fetchall()[0]))
    lines = [f"{s['status']:8} new={s['rows_new']:<7} upd={s['rows_updated']:<6} same={s['rows_skipped']:<7} "
             f"rej={s['rows_rejected']:<4} {s['uri']}" + (f"\n         {s['error']}" if s["status"] == "failed" else "")
             for s in out["loads"]]
    lines.append(f"{out['loaded']} loaded, {out['skipped']} skipped, {out['failed']} failed; "
                 f"{out['rows_new']} new rows, {out['rows_updated']} updated, {out['rows_rejected']} rejected; "
                 f"warehouse: {out['warehouse']['models']} models, {out['warehouse']['prompts']} prompts, "
                 f"{out['warehouse']['results']} results")
    emit(out, as_json, "\n".join(lines))
    if out["failed"]:
        raise typer.Exit(1)


@app.command("sql")
def sql_cmd(
    statement: str = typer.Argument(..., help="SQL to run, or @FILE to read it from a file."),
    csv_out: bool = typer.Option(False, "--csv", help="Print CSV."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object {columns, rows}."),
    max_rows: int = typer.Option(200, help="Rows shown in table output (all rows with --csv/--json)."),
    timeout: Optional[float] = typer.Option(None, min=0.1, help="Cancel the statement after this many seconds "
                                            "(env TASKSPACE_SQL_TIMEOUT, default 60)."),
):
    """Query the warehouse, read-only, and print a table, CSV or JSON.

    Only queries of the warehouse's tables and views run (SELECT, SHOW, DESCRIBE, SUMMARIZE, EXPLAIN): no file
    reads or writes (COPY, EXPORT, read_csv, glob, ...), no ATTACH, no INSTALL/LOAD, no SET/PRAGMA (settings are
    locked), and each statement is cancelled after --timeout seconds. For anything else open the file with the
    duckdb CLI yourself.
    """
    from warehouse.render import run_sql

    if statement.startswith("@"):
        statement = Path(statement[1:]).read_text()
    try:
        text = run_sql(State.db, statement, "json" if as_json else "csv" if csv_out else "table", max_rows, timeout)
    except Exception as exc:  # duckdb errors name the problem; show it without a traceback
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2)
    sys.stdout.write(text)


# Sub-command modules register themselves on `app` / `ingest_app` when imported (one line each):
# --- sub-command modules ---
from flows import cli_operators  # noqa: E402,F401
from flows import cli_selection  # noqa: E402,F401
from flows import cli_pipeline  # noqa: E402,F401
from flows import cli_helu  # noqa: E402,F401
from flows import cli_releases  # noqa: E402,F401
from flows import cli_warehouse  # noqa: E402,F401

if __name__ == "__main__":
    app()
