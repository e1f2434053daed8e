"""Readers are never locked out of a long ingest: while `taskspace ingest results` writes many inputs in another
process, a reader opening the warehouse read-only every 0.1 s always gets in (the writer holds the file only for
each short batch) and sees the committed results grow batch by batch."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import polars as pl

from reader_probe import read_count, watch

REPO = Path(__file__).resolve().parent.parent


def test_a_reader_gets_in_between_the_batches_of_an_ingest(tmp_path):
    prompts = pl.DataFrame({"benchmark": "b", "prompt_id": [str(i) for i in range(4000)],
                            "prompt": [f"Question {i}: " + "words " * 40 for i in range(4000)]})
    data = tmp_path / "details"
    data.mkdir()
    for m in range(100):
        prompts.with_columns(pl.lit(f"org/model-{m}").alias("model"),
                             (pl.int_range(0, 4000) % (m + 2) == 0).alias("correct")).write_parquet(data / f"{m:03d}.parquet")
    db = str(tmp_path / "w.duckdb")
    env = {**os.environ, "PYTHONPATH": str(REPO), "TASKSPACE_INGEST_BATCH_ROWS": "12000"}
    proc = subprocess.Popen([sys.executable, "-c", "from flows.cli import app; app()", "--db", db, "ingest",
                             "results", "--format", "long", str(data), "--json"], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen, waits, failures, out, err = watch(proc, db, "results", 0.1)
    assert proc.returncode == 0, err[-2000:]
    assert failures == 0 and max(waits) < 5.0, (failures, max(waits))
    assert read_count(db, "results")[0] == 400_000
    assert len({n for n in seen if 0 < n < 400_000}) >= 3, seen   # committed batch by batch
    assert seen == sorted(seen)
