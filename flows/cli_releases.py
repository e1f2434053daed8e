"""`taskspace ingest releases`: Hugging Face Hub model listings and the Open LLM Leaderboard table."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Optional

import typer

from flows.cli_app import State, emit, ingest_app


def parse_since(value: str | None) -> datetime | None:
    """--since as a naive UTC datetime (YYYY-MM-DD or an ISO timestamp); BadParameter otherwise."""
    if not value:
        return None
    try:
        t = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date (YYYY-MM-DD or ISO timestamp)", param_hint="--since")
    return t.astimezone(timezone.utc).replace(tzinfo=None) if t.tzinfo else t


def _human(out: dict) -> str:
    lines = [f"{s['status']:9} new={s['rows_new']:<6} upd={s['rows_updated']:<5} same={s['rows_skipped']:<6} "
             f"rej={s['rows_rejected']:<4} {s['uri']}" + (f" (pages {s['pages']}, stop: {s['stop']})" if s.get("pages")
                                                          else "") + (f"\n          {s['error']}" if s["error"] else "")
             for s in out["loads"]]
    links = out["links"]
    lines.append(f"{out['new']} new, {out['updated']} updated, {out['unchanged']} unchanged, {out['rejected']} rejected"
                 f"; links: {links['linked']} set, {len(links['unmatched'])} unmatched, {len(links['ambiguous'])} "
                 f"ambiguous; warehouse: {out['warehouse']['model_releases']} releases, "
                 f"{out['warehouse']['leaderboard_models']} leaderboard entries")
    if links["unmatched"]:
        lines.append("unmatched model names: " + ", ".join(links["unmatched"]))
    lines += [f"ambiguous: {name} -> {', '.join(c)}" for name, c in links["ambiguous"].items()]
    return "\n".join(lines)


@ingest_app.command("releases")
def ingest_releases_cmd(
    source: Optional[str] = typer.Argument(None, help="File, directory or http(s) URL; hub-api without it reads "
                                                      "the Hub at $TASKSPACE_HUB_URL (default huggingface.co)."),
    fmt: str = typer.Option(..., "--format", "-f", help="hub-api | open-llm-leaderboard"),
    since: Optional[str] = typer.Option(None, help="Only models created on/after DATE (paging stops there)."),
    page_size: int = typer.Option(100, min=1, max=1000, help="Models per Hub listing page."),
    max_pages: int = typer.Option(1000, min=1, help="Stop a live Hub listing after this many pages."),
    token_secret: Optional[str] = typer.Option(None, help="Prefect Secret block holding the Hub token (else "
                                                          "$TASKSPACE_HUB_TOKEN / $HF_TOKEN)."),
    force: bool = typer.Option(False, help="Re-read inputs even when their checksum is unchanged."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object with the counts."),
):
    """Ingest model releases; unchanged inputs are skipped, results' model names are linked to hub ids."""
    from tasks.releases import RELEASE_FORMATS, ingest_releases
    from tasks.sources.hub_api import hub_token
    from warehouse import connect

    if fmt not in RELEASE_FORMATS:
        raise typer.BadParameter(f"unknown releases format {fmt!r}; known: {', '.join(RELEASE_FORMATS)}",
                                 param_hint="--format")
    if source is None and fmt != "hub-api":
        raise typer.BadParameter("a SOURCE is needed for this format", param_hint="SOURCE")
    when = parse_since(since)
    token = hub_token(token_secret) if source is None or source.startswith(("http://", "https://")) else None
    with connect(State.db) as con:
        out = ingest_releases(con, fmt, source, since=when, page_size=page_size, max_pages=max_pages,
                              token=token, force=force)
    emit(out, as_json, _human(out))
    if out["failed"]:
        raise typer.Exit(1)
