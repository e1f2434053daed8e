"""Publishing the selection tables: materialise every prompt x model prediction, evaluate routing on held-out
prompts, then write each table as Parquet and CSV with a Markdown summary, an HTML report with PNG plots and a
manifest of checksums (no timestamps in any file: equal data => identical files)."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pyarrow as pa

from tasks.evaluation import heldout as routing_eval
from tasks.selection import select as sel
from warehouse.db import using

# (published name, export query suffix: sql/queries/selection_export_<suffix>.sql)
TABLES = [("selection_by_task", "by_task"), ("selection_by_prompt", "by_prompt"), ("cost_frontier", "cost_frontier"),
          ("selection_cheapest", "cheapest"), ("model_similarity", "model_similarity"),
          ("selection_strengths", "strengths"), ("selection_disagreement", "disagreement"),
          ("selection_routing", "routing"), ("selection_heldout", "heldout"), ("selection_models", "models"),
          ("selection_calibration", "calibration"), ("selection_new_releases", "new_releases")]
SIG_DIGITS = 6
PREFERRED_METHOD = "default"


def resolve(configs: list[dict], encoder: str | None = None, method: str | None = None) -> dict:
    """The (encoder, method) to serve from warehouse.selection.operator_configs rows: the one asked for, else the
    'default' method of the encoder with the most models; ValueError when there are no such operators."""
    rows = [c for c in configs
            if (encoder is None or c["encoder"] == encoder) and (method is None or c["method"] == method)]
    if not rows:
        if not configs:
            raise ValueError("the warehouse has no operators yet: run `taskspace refresh` (after `taskspace ingest "
                             "results -f FORMAT PATH` if it has no results)")
        have = ", ".join(f"{c['encoder']}/{c['method']}" for c in configs)
        asked = " ".join(f"--{k} {v}" for k, v in (("encoder", encoder), ("method", method)) if v)
        raise ValueError(f"no operators for {asked} (the warehouse has {have}); leave the option out or run "
                         f"`taskspace refresh` for that encoder")
    return min(rows, key=lambda c: (c["method"] != PREFERRED_METHOD, -c["n_models"], c["encoder"], c["method"]))


def load_serving(con, cfg: dict, confidence: bool = True) -> sel.Serving:
    """The Serving of CFG's operators, with eigenpairs for confidence where statistics match."""
    from warehouse.operators import read_routers
    from warehouse.selection import read_grams, read_operators

    sv = sel.serving(read_operators(con, cfg["encoder"], cfg["method"]), cfg["encoder"], cfg["method"],
                     read_routers(con, cfg["encoder"], cfg["method"]))
    return sel.attach_eigs(sv, read_grams(con, cfg["encoder"], sv.models)) if confidence else sv


def pool_predictions(sv: sel.Serving, pool: str, prompts: list[str], benches: list[str], X: np.ndarray
                     ) -> tuple[pa.Table, dict]:
    """(every prediction of each (model, POOL) for the prompts of the pool, with the pool router's pick marked as
    `select` serves it; {'model@pool': prompts predicted})."""
    cols = np.array([j for j, p in enumerate(sv.pool_of) if p == pool], dtype=int)
    rows = np.flatnonzero(np.asarray(benches, dtype=object) == pool)
    S, P = sel.predict(sv, X[rows], cols)
    sup, out = sel.support(sv, X[rows], cols)
    pick, _ = sel.routed(sv, P, cols, pool)
    parts, counts = [], {}
    for k, j in enumerate(cols):
        m = sv.models[j]
        counts[f"{m}@{pool}"] = len(rows)
        parts.append(pa.table({"model_id": pa.array([m] * len(rows), pa.string()),
                               "prompt_id": pa.array([prompts[i] for i in rows], pa.string()),
                               "operator_version": pa.array(np.full(len(rows), sv.versions[j]), pa.int64()),
                               "score": S[:, k], "p_correct": P[:, k],
                               "support": pa.array(sup[:, k], from_pandas=True),
                               "outside": pa.array(out[:, k], from_pandas=True),
                               "routed": pa.array(pick == k, pa.bool_())}))
    return pa.concat_tables(parts), counts


def materialise(con, cfg: dict) -> dict:
    """Bring prompt_predictions up to date for CFG's current operators, rewriting only the pools whose operator
    versions or prompts changed; returns {rows, models, skipped, pools_changed}."""
    from warehouse.selection import prediction_sets, prompt_vectors, replace_predictions

    with using(con) as c:
        sv = load_serving(c, cfg)
        pools = sorted(set(sv.pool_of))
        prompts, benches, X = prompt_vectors(c, cfg["encoder"], cfg["fields"], pools)
        have = prediction_sets(c, cfg["encoder"], cfg["method"])
    bench_n = {b: benches.count(b) for b in pools}
    want = {f"{m}@{p}": (int(v), bench_n.get(p, 0)) for m, p, v in zip(sv.models, sv.pool_of, sv.versions)}
    changed = [p for p in pools if {k: v for k, v in want.items() if k.endswith("@" + p)} !=
               {k: v for k, v in have.items() if k.endswith("@" + p)}]
    gone = {k.rsplit("@", 1)[1] for k in have} - set(pools)
    if not changed and not gone:
        return {"rows": sum(n for _, n in want.values()), "models": len(want), "skipped": True, "pools_changed": []}
    batches = {}
    for pool in changed:   # computed with no connection held
        table, counts = pool_predictions(sv, pool, prompts, benches, X)
        cols = [j for j, p in enumerate(sv.pool_of) if p == pool]
        batches[pool] = (table, pa.table({
            "model_id": [sv.models[j] for j in cols], "pool": [pool] * len(cols),
            "operator_version": [int(sv.versions[j]) for j in cols],
            "n_prompts": [counts[f"{sv.models[j]}@{pool}"] for j in cols],
            "watermark": [int(sv.specs[j]["watermark"]) for j in cols]}))
    with using(con, write=True) as c:
        n = replace_predictions(c, cfg["encoder"], cfg["method"], batches, pools)
    return {"rows": n, "models": len(sv.models), "skipped": False, "pools_changed": changed}


def evaluate(con, cfg: dict, pools: list[str] | None = None) -> dict:
    """Held-out routing policies, per-task accuracy and calibration for the pools with two or more models: POOLS
    (those whose operators changed; None: every pool), and any pool never evaluated; returns {pool: policies}."""
    from warehouse.selection import benchmark_labels, data_watermark, evaluated_pools, replace_evaluation

    with using(con) as c:
        sv = load_serving(c, cfg, confidence=False)
        wm, out, labels = data_watermark(c), {}, {}
        todo = set(sv.pool_of) if pools is None else \
            set(pools) | (set(sv.pool_of) - evaluated_pools(c, cfg["encoder"], cfg["method"]))
        for bench in sorted(todo & set(sv.pool_of)):
            cols = [j for j, p in enumerate(sv.pool_of) if p == bench]
            if len(cols) >= 2:
                labels[bench] = (cols, benchmark_labels(c, bench, cfg["encoder"], cfg["fields"]))
    for bench, (cols, lab) in labels.items():   # fitted with no connection held
        data = routing_eval.bench(lab, [sv.models[j] for j in cols])
        policies, heldout, calib = routing_eval.evaluate_policies(data, cfg["method"], [sv.specs[j] for j in cols])
        with using(con, write=True) as c:
            replace_evaluation(c, bench, cfg["encoder"], cfg["method"], wm, _table(policies, POLICY_COLUMNS),
                               _table(heldout, HELDOUT_COLUMNS), _table(calib, CALIBRATION_COLUMNS))
        out[bench] = policies
    return out


POLICY_COLUMNS = {"policy": pa.string(), "margin": pa.float64(), "split": pa.string(), "n_train": pa.int64(),
                  "n_test": pa.int64(), "expected_accuracy": pa.float64(), "observed_accuracy": pa.float64(),
                  "expected_cost_usd": pa.float64(), "mean_cost_usd": pa.float64(), "top_model": pa.string(),
                  "top_model_share": pa.float64()}
CALIBRATION_COLUMNS = {"bin": pa.int32(), "lo": pa.float64(), "hi": pa.float64(), "n": pa.int64(),
                       "mean_p": pa.float64(), "observed": pa.float64()}
HELDOUT_COLUMNS = {"category": pa.string(), "model_id": pa.string(), "n_test": pa.int64(),
                   "predicted_accuracy": pa.float64(), "observed_accuracy": pa.float64()}


def _table(rows: list[dict], schema: dict) -> pa.Table:
    """An Arrow table of ROWS with the given column types (also when empty)."""
    return pa.table({c: pa.array([r[c] for r in rows], t) for c, t in schema.items()})


def rounded(t: pa.Table, digits: int = SIG_DIGITS) -> pa.Table:
    """T with every floating column rounded to DIGITS significant digits (fixed formatting in CSV and Parquet)."""
    cols = []
    for name, col in zip(t.column_names, t.columns):
        if pa.types.is_floating(col.type):
            a = col.to_numpy(zero_copy_only=False).astype(np.float64)
            ok = np.isfinite(a) & (a != 0)
            scale = 10.0 ** (digits - 1 - np.floor(np.log10(np.abs(np.where(ok, a, 1.0)))))
            a = np.where(ok, np.round(a * scale) / scale, a)
            col = pa.array(a, pa.float64(), mask=col.is_null().to_numpy(zero_copy_only=False))
        cols.append(col)
    return pa.table(dict(zip(t.column_names, cols)))


def write_table(t: pa.Table, folder: Path, name: str) -> list[Path]:
    """NAME.parquet and NAME.csv in FOLDER (deterministic bytes for equal tables)."""
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    pq_path, csv_path = folder / f"{name}.parquet", folder / f"{name}.csv"
    pq.write_table(t, pq_path, compression="zstd", row_group_size=1 << 20, write_statistics=True)
    pcsv.write_csv(t, csv_path, pcsv.WriteOptions(include_header=True, quoting_style="needed"))
    return [pq_path, csv_path]


def sha256(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def correlation(rows: list[dict], x: str = "predicted_accuracy", y: str = "observed_accuracy") -> float | None:
    """Pearson correlation of two columns over the rows where both are known (None under 3 rows)."""
    pts = np.array([(r[x], r[y]) for r in rows if r.get(x) is not None and r.get(y) is not None], dtype=np.float64)
    if len(pts) < 3 or np.std(pts[:, 0]) == 0 or np.std(pts[:, 1]) == 0:
        return None
    return float(np.corrcoef(pts[:, 0], pts[:, 1])[0, 1])


def manifest(meta: dict, files: dict[str, str]) -> bytes:
    """The manifest JSON (sorted keys, no timestamps) of a publication."""
    return (json.dumps({**meta, "files": dict(sorted(files.items()))}, indent=2, sort_keys=True) + "\n").encode()


def export_tables(con, cfg: dict) -> dict[str, pa.Table]:
    """Every published table of CFG, rounded, in its fixed order."""
    from warehouse.selection import export

    return {name: rounded(export(con, q, cfg["encoder"], cfg["method"])) for name, q in TABLES}


def summary_numbers(tables: dict[str, pa.Table]) -> dict:
    """Correlation of predicted and observed accuracy per category (all prompts and held-out prompts) and each
    benchmark's cost-aware policy against the best single model, from the published tables."""
    by_task = [r for r in tables["selection_by_task"].to_pylist() if r["category"]]
    held = [r for r in tables["selection_heldout"].to_pylist() if r["category"]]
    out = {"correlation_by_category": correlation(by_task), "correlation_by_category_heldout": correlation(held),
           "correlation_by_benchmark": {}, "routing": {}}
    for bench in sorted({r["benchmark"] for r in by_task}):
        out["correlation_by_benchmark"][bench] = {
            "all": correlation([r for r in by_task if r["benchmark"] == bench]),
            "heldout": correlation([r for r in held if r["benchmark"] == bench])}
    out["ece_heldout"] = {}
    for r in tables["selection_calibration"].to_pylist():
        out["ece_heldout"][r["benchmark"]] = out["ece_heldout"].get(r["benchmark"], 0.0) + (r["ece_part"] or 0.0)
    for r in tables["selection_routing"].to_pylist():
        out["routing"].setdefault(r["benchmark"], {})[r["policy"]] = {
            k: r[k] for k in ("observed_accuracy", "expected_accuracy", "mean_cost_usd", "expected_cost_usd", "n_test")}
    return out


def write_publication(con, out: str | Path, cfg: dict) -> dict:
    """Write tables, plots, summary.md, report.html and manifest.json under OUT and log the publication; returns
    {out, watermark, fingerprint, files, numbers, rows}."""
    from tasks.selection.report import write_report
    from warehouse.selection import data_watermark, prediction_sets, record_publication

    out = Path(out)
    with using(con) as c:
        tables = export_tables(c, cfg)
        versions = {m: v for m, (v, _) in prediction_sets(c, cfg["encoder"], cfg["method"]).items()}
        watermark = data_watermark(c)
    files: list[Path] = []
    for name, t in tables.items():
        files += write_table(t, out / "tables", name)
    meta = {"encoder": cfg["encoder"], "method": cfg["method"], "watermark": watermark,
            "operator_versions": versions, "numbers": summary_numbers(tables),
            "rows": {name: t.num_rows for name, t in tables.items()}}
    files += write_report(out, meta, tables)   # plots, summary.md, report.html
    checksums = {str(p.relative_to(out)): sha256(p) for p in files}
    body = manifest(meta, checksums)
    (out / "manifest.json").write_bytes(body)
    fingerprint = hashlib.sha256(body).hexdigest()
    with using(con, write=True) as c:
        pid = record_publication(c, str(out.resolve()), cfg["encoder"], cfg["method"], meta["watermark"], versions,
                                 fingerprint, checksums)
    return {"publication_id": pid, "out": str(out), "fingerprint": fingerprint, "files": checksums, **meta}


def publish(con, out: str | Path, encoder: str | None = None, method: str | None = None) -> dict:
    """Materialise, evaluate and write one publication (the whole job without Prefect)."""
    from warehouse.selection import operator_configs

    with using(con) as c:
        cfg = resolve(operator_configs(c), encoder, method)
    mat = materialise(con, cfg)
    evaluate(con, cfg, mat["pools_changed"])
    return {"materialised": mat, **write_publication(con, out, cfg)}
