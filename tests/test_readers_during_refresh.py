"""Readers are never locked out: while `taskspace refresh` embeds and fits in another process, a reader that
opens the warehouse read-only every 0.25 s always gets in (waiting at most a few seconds for a short write) and
sees the committed vectors grow page by page."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from reader_probe import watch

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.shared_data
@pytest.mark.slow
def test_a_reader_gets_in_throughout_a_refresh(shared_data, tmp_path):
    from tasks.sources import mmlu_pro
    from warehouse import connect
    from warehouse.loads import utcnow, write_load

    z = shared_data / "mmlu_pro" / "eval_results" / "model_outputs_Meta-Llama-3-8B_5shots.zip"
    records = mmlu_pro.parse({z.name: z.read_bytes()}, str(z)).records[:3000]
    db = str(tmp_path / "w.duckdb")
    with connect(db) as con:
        write_load(con, source="mmlu-pro", uri="test:readers", sha256="r", records=records, rejected=[],
                   started_at=utcnow())
    env = {**os.environ, "PYTHONPATH": str(REPO), "TASKSPACE_CACHE": str(tmp_path / "cache")}
    proc = subprocess.Popen([sys.executable, "-c", "from flows.cli import app; app()", "--db", db, "refresh",
                             "--precision", "fp32", "--json"], cwd=REPO, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    seen, waits, failures, out, err = watch(proc, db, "embeddings", 0.25)
    assert proc.returncode == 0, err[-2000:]
    assert failures == 0 and max(waits) < 5.0, (failures, max(waits))
    assert len(seen) >= 10 and len({n for n in seen if 0 < n < len(set(records["text"].to_list()))}) >= 1, seen
    assert seen == sorted(seen)   # the committed state only grows, page by page
