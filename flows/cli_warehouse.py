"""`taskspace storage`: the warehouse file's DuckDB storage format, and rewriting it in one the duckdb CLI reads."""
from __future__ import annotations

import typer

from flows.cli_app import State, app, emit


@app.command("storage")
def storage_cmd(
    convert: bool = typer.Option(False, "--convert", help="Rewrite the warehouse in the format new warehouses are "
                                 "written in (readable by DuckDB >= 1.4 and the duckdb CLI); keeps a .bak copy."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
):
    """Show the warehouse's storage format and whether the duckdb CLI (1.4 / 1.5) opens it; --convert rewrites it."""
    from warehouse.storage import convert as rewrite
    from warehouse.storage import file_version, readable_by_cli, storage_version

    try:
        version = file_version(State.db)
        out = {"path": State.db, "storage_version": version, "duckdb_cli_reads": readable_by_cli(version)}
        if convert and not out["duckdb_cli_reads"]:
            out["converted"] = rewrite(State.db)
            out["storage_version"] = out["converted"]["to"]
            out["duckdb_cli_reads"] = readable_by_cli(out["storage_version"])
    except Exception as exc:  # a missing or locked file: one line
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2)
    human = (f"{State.db}: DuckDB storage {out['storage_version']}, "
             + ("opens in the duckdb CLI (DuckDB >= 1.4)" if out["duckdb_cli_reads"] else
                f"readable by DuckDB >= 2.0 only; `taskspace storage --convert` rewrites it in {storage_version()}"))
    if "converted" in out:
        human += f"\nconverted from {out['converted']['from']}; the original is kept as {out['converted']['backup']}"
    emit(out, as_json, human)
