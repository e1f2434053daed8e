"""Console SQL on the warehouse (see warehouse.console), rendered as an aligned table, CSV or one JSON object."""
from __future__ import annotations

import csv
import io
import json

from warehouse.console import execute


def _cell(v) -> str:
    if v is None:
        return "NULL"
    if isinstance(v, float):
        return f"{v:.6g}"
    return str(v)


def table(columns: list[str], rows: list[tuple], max_rows: int) -> str:
    """An aligned text table with a row count footer."""
    shown = [[_cell(v) for v in r] for r in rows[:max_rows]]
    widths = [max([len(c)] + [len(r[i]) for r in shown]) for i, c in enumerate(columns)]
    widths = [min(w, 80) for w in widths]
    fmt = lambda cells: "  ".join(c[:w].ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    out = [fmt(columns), "  ".join("-" * w for w in widths)] + [fmt(r) for r in shown]
    more = f" (showing {max_rows})" if len(rows) > max_rows else ""
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''}{more})")
    return "\n".join(out) + "\n"


def run_sql(db: str, statement: str, fmt: str = "table", max_rows: int = 200, timeout: float | None = None) -> str:
    """The result of a console statement (read-only, no file access, TIMEOUT s at most) as text in FORMAT."""
    columns, rows = execute(db, statement, timeout)
    if fmt == "json":
        return json.dumps({"columns": columns, "rows": [dict(zip(columns, r)) for r in rows]}, default=str) + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(columns)
        w.writerows(rows)
        return buf.getvalue()
    return table(columns, rows, max_rows)
