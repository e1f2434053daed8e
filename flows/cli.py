"""The taskspace command line: ingest and sql here; the other commands register from their modules (heavy imports
stay lazy). The Typer apps and shared helpers live in flows/cli_app.py."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from flows.cli_app import State, app, emit, ingest_app, run  # noqa: F401  (run: the console script)


@ingest_app.command("results")
def ingest_results_cmd(
    sources: list[str] = typer.Argument(..., help="Files, directories or http(s) URLs."),
    fmt: str = typer.Option(..., "--format", "-f",
                            help="mmlu-pro | lm-eval | open-llm-leaderboard-details | routerbench | long | "
                                 "score-matrix"),
    force: bool = typer.Option(False, help="Re-read inputs even when their checksum is unchanged."),
    threshold: Optional[float] = typer.Option(None, "--threshold", min=1e-9, max=1.0,
                                              help="Graded formats (routerbench, score-matrix): a score counts as "
                                              "correct when >= this (default 0.5; taskspace.toml [ingest] "
                                              "correct_threshold for `taskspace run`)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object with the counts."),
):
    """Ingest per-question results; unchanged inputs are skipped, bad ones fail alone."""
    from tasks.ingest import expand_sources, ingest_items, known_revisions, link_new_models, record_missing, \
        remember_revisions, totals
    from tasks.sources import parser_for
    from warehouse import connect
    from warehouse.db import query, using

    try:
        parser_for(fmt)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--format")
    held = connect(State.db) if State.db == ":memory:" else None   # an in-memory warehouse lives in one connection
    target = held or State.db
    try:
        items, missing = expand_sources(fmt, sources, known_revisions(target, fmt, force))
        summaries = record_missing(target, fmt, missing)
        # inputs fetched and parsed on worker threads with no connection held, written in short batched transactions
        summaries += ingest_items(target, fmt, items, force=force, threshold=threshold)
        remember_revisions(target, fmt, items, summaries)
        links = link_new_models(target, summaries)
        with using(target) as con:
            out = totals(summaries) | ({"links": links} if links else {})
            out["warehouse"] = dict(zip(("models", "prompts", "results"),
                                        query(con, "warehouse_counts").fetchall()[0]))
    finally:
        if held is not None:
            held.close()
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
        hint = ("\nthe tables and views: taskspace sql \"SHOW TABLES\"; a table's columns: taskspace sql "
                "\"DESCRIBE results\", or README.md (Tables)"
                if "does not exist" in str(exc) or "not found" in str(exc) else "")
        typer.echo(f"error: {exc}{hint}", err=True)
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
from flows import cli_coldstart  # noqa: E402,F401
# --- end of sub-command modules ---
from flows.cli_examples import add_help_extras  # noqa: E402

add_help_extras(app)   # every command registered: examples and plain flags in each --help

if __name__ == "__main__":
    run()
