"""The taskspace command line's base: the Typer apps, global options, output and signal handling that every
sub-command module imports (flows/cli.py assembles them; no module imports flows.cli)."""
from __future__ import annotations

import json
import os
import sys
from contextlib import contextmanager

import typer

from warehouse.db import default_db_path

app = typer.Typer(help="taskspace: LLM leaderboard results in DuckDB, LLMs as operators in prompt space.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
ingest_app = typer.Typer(help="Load leaderboard results or model releases.", no_args_is_help=True)
app.add_typer(ingest_app, name="ingest")


class State:
    db: str = default_db_path()
    db_given: bool = False        # --db / TASKSPACE_DB given (else `run` uses the config's db)


def _version(show: bool) -> None:
    """Print the installed version and stop."""
    if show:
        from importlib.metadata import PackageNotFoundError, version
        try:
            typer.echo(f"taskspace {version('taskspace')}")
        except PackageNotFoundError:
            typer.echo("taskspace (not installed)")
        raise typer.Exit()


def hoist_globals(argv: list[str]) -> list[str]:
    """ARGV with the global --db option moved before the subcommand wherever it was given
    (`taskspace sql --db W "…"` works like `taskspace --db W sql "…"`)."""
    out, moved, i = [], [], 0
    while i < len(argv):
        a = argv[i]
        if a == "--":
            out += argv[i:]
            break
        if a == "--db" and i + 1 < len(argv):
            moved += argv[i:i + 2]
            i += 2
            continue
        if a.startswith("--db="):
            moved.append(a)
        else:
            out.append(a)
        i += 1
    return moved + out


def run() -> None:
    """The console script: global options accepted before or after the subcommand."""
    import sys
    app(args=hoist_globals(sys.argv[1:]), prog_name="taskspace")


@app.callback()
def main(db: str = typer.Option(None, "--db", envvar="TASKSPACE_DB", help="DuckDB warehouse file "
                                "(env TASKSPACE_DB, default ./taskspace.duckdb); before or after the subcommand."),
         version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                      help="Print the version and exit.")):
    """Global options. Example: taskspace --db taskspace.duckdb refresh --json."""
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
    from tasks.stopping import caught, stop_on_signals, stop_reason
    with stop_on_signals() if signals else nullcontext():
        try:
            yield
        except BaseException as exc:
            status, message, signum = stop_reason(exc)   # any error after a signal (the Prefect server it also
            if status != "cancelled":                     # stopped is gone) is that signal
                if isinstance(exc, (Busy, PrefectUnavailable)):
                    typer.echo(f"error: {exc}", err=True)
                    raise typer.Exit(1)
                raise
            caught()
            typer.echo(f"taskspace: {message}", err=True)
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(128 + signum)   # all is closed; skip the interpreter's teardown (it reports leaks of the
                                     # DuckDB objects the interrupted step still held)


def cell(v, spec: str) -> str:
    """V formatted with SPEC for a printed table, '-' when it is missing (None or NaN)."""
    return "-" if v is None or (isinstance(v, float) and v != v) else format(v, spec)


def emit(obj: dict, as_json: bool, human: str) -> None:
    """Print one JSON object (with --json) or the human summary."""
    if as_json:
        typer.echo(json.dumps(obj, default=str))
    else:
        typer.echo(human)
