"""The publication's Markdown summary and static HTML report (a table of contents, per-pool sections, tables cut
to MAX_ROWS rows with the full table named, PNG plots; no scripts, no timestamps)."""
from __future__ import annotations

import html

from tasks.selection.report_recommend import fmt
from tasks.selection.report_sections import Section

MAX_ROWS = 15
CSS = """body{font-family:DejaVu Sans,Arial,sans-serif;margin:1.5em auto;max-width:1320px;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:.4em 0 1em;font-size:12px;max-width:100%}
th,td{border:1px solid #ccc;padding:2px 6px;vertical-align:top}td{overflow-wrap:anywhere}
th{background:#f0f0f0;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
img{max-width:100%;height:auto;border:1px solid #eee;margin:.3em 0}code{background:#f6f6f6;padding:0 3px}
.row{display:flex;flex-wrap:wrap;gap:6px 14px;align-items:flex-start}.row>*{flex:0 0 auto;max-width:100%}
.row>img.wide{flex-basis:100%}nav{background:#fafafa;border:1px solid #ddd;padding:.3em 1em;font-size:13px}
nav ul{margin:.2em 0;padding-left:1.2em}nav li{margin:.1em 0}nav li li{display:inline;margin-right:1em}
ul.recommend li{margin:.25em 0}p.more{font-size:12px;color:#555;margin-top:-.6em}
h2{border-top:2px solid #ccc;padding-top:.4em;margin-top:1.4em}h3{margin:1em 0 .3em}"""
WIDE_PLOTS = ("cost_frontier",)   # plot files shown at full width


def headline(meta: dict) -> list[str]:
    """Key numbers as sentences (accuracy: held-out prompts only)."""
    n = meta["numbers"]
    lines = [f"Data watermark {meta['watermark']} (highest results load), encoder {meta['encoder']}, method "
             f"{meta['method']}, {len(meta['operator_versions'])} operators.",
             f"Predicted vs observed accuracy per category on held-out prompts (operators fitted without them): "
             f"Pearson r = {fmt(n['correlation_by_category_heldout'])}."]
    for bench, pol in sorted(n["routing"].items()):
        best, cheap = pol.get("best_single"), pol.get("within_0.95") or pol.get("max_predicted")
        if best and cheap:
            name = "cheapest within 95 %" if "within_0.95" in pol else "most probable model"
            cost = "" if cheap["mean_cost_usd"] is None else (
                f", mean cost {fmt(cheap['mean_cost_usd'])} vs {fmt(best['mean_cost_usd'])} USD per prompt")
            lines.append(f"{bench} held-out ({cheap['n_test']} prompts): routing ({name}) observed accuracy "
                         f"{fmt(cheap['observed_accuracy'])} (expected {fmt(cheap['expected_accuracy'])}) vs best "
                         f"single model {fmt(best['observed_accuracy'])}{cost}.")
    return lines


def _html_table(rows: list[dict]) -> str:
    """An HTML table of ROWS (numbers right-aligned)."""
    if not rows:
        return ""
    cols = list(rows[0])
    head = "".join(f"<th>{html.escape(c).replace('_', '_<wbr>')}</th>" for c in cols)
    body = "\n".join("<tr>" + "".join(
        f"<td class=\"n\">{fmt(r.get(c))}</td>" if isinstance(r.get(c), (int, float)) and not isinstance(r.get(c), bool)
        else f"<td>{html.escape(fmt(r.get(c)))}</td>" for c in cols) + "</tr>" for r in rows)
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"


def more_rows(sec: Section, shown: int) -> str:
    """The note under a cut table: how many rows are shown and where the rest are ('' when all are)."""
    if len(sec.rows) <= shown:
        return ""
    return f"First {shown} of {len(sec.rows)} rows; every row: tables/{sec.source}.csv"


def _img(path: str, title: str) -> str:
    """An img tag of a plot file (full width for WIDE_PLOTS, else half)."""
    wide = " class=\"wide\"" if any(w in path for w in WIDE_PLOTS) else ""
    return f"<img src=\"{path}\" alt=\"{html.escape(title)}\"{wide}>"


def toc(secs: list[Section]) -> str:
    """The table of contents: every level-2 section, its level-3 sections nested."""
    out, open_sub = ["<nav id=\"contents\"><strong>Contents</strong><ul>"], False
    for s in secs:
        link = f"<a href=\"#{s.anchor}\">{html.escape(s.title)}</a>"
        if s.level == 2:
            out.append(("</ul></li>" if open_sub else "") + f"<li>{link}")
            open_sub = False
        else:
            out.append(("" if open_sub else "<ul>") + f"<li>{link}</li>")
            open_sub = True
    out.append(("</ul></li>" if open_sub else "") + "</ul></nav>")
    return "\n".join(out)


def render_html(meta: dict, secs: list[Section]) -> str:
    """The static HTML report of SECS."""
    parts = ["<!DOCTYPE html>", "<html lang=\"en\"><head><meta charset=\"utf-8\">",
             "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
             "<title>taskspace selection report</title>", f"<style>{CSS}</style></head><body>",
             "<h1>Which model for this prompt, this task, this budget</h1>"]
    parts += [f"<p>{html.escape(line)}</p>" for line in headline(meta)]
    parts.append(toc(secs))
    for s in secs:
        parts.append(f"<h{s.level} id=\"{s.anchor}\">{html.escape(s.title)}</h{s.level}>")
        if s.text:
            parts.append(f"<p>{html.escape(s.text)}</p>")
        if s.items:
            parts.append("<ul class=\"recommend\">" + "".join(
                f"<li data-task=\"{html.escape(i['task'])}\">{html.escape(i['sentence'])}</li>" for i in s.items)
                + "</ul>")
        more = more_rows(s, MAX_ROWS)
        table = _html_table(s.rows[:MAX_ROWS]) + (f"\n<p class=\"more\">{html.escape(more)}</p>" if more else "")
        if s.plots or table:   # plots and table side by side where they fit
            parts.append("<div class=\"row\">" + "".join(_img(p, s.title) for p in s.plots)
                         + (f"<div>{table}</div>" if table else "") + "</div>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def render_markdown(meta: dict, secs: list[Section], max_rows: int = MAX_ROWS) -> str:
    """The Markdown summary (the same sections, at most MAX_ROWS rows each)."""
    out = ["# Selection summary", ""] + [f"- {line}" for line in headline(meta)] + [""]
    for s in secs:
        out += ["#" * s.level + f" {s.title}", ""] + ([s.text, ""] if s.text else [])
        if s.items:
            out += [f"- {i['sentence']}" for i in s.items] + [""]
        out += [f"![{s.title}]({p})" for p in s.plots] + ([""] if s.plots else [])
        if s.rows:
            cols = list(s.rows[0])
            out += ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
            out += ["| " + " | ".join(fmt(r.get(c)).replace("|", "\\|").replace("\n", " ") for c in cols) + " |"
                    for r in s.rows[:max_rows]]
            if more := more_rows(s, max_rows):
                out.append(f"\n{more}")
            out.append("")
    return "\n".join(out)
