"""Fuzz-style: every generated bad input loads as `failed` or `partial` with its reason, raises nothing, and
changes nothing already stored (each case runs on a copy of one warehouse holding good data of every format)."""
from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys

import pytest

import untrusted_cases as u
from conftest import FIXTURES, REPO
from tasks.ingest import expand_sources, ingest_item
from tasks.releases import ingest_releases
from warehouse import connect
from warehouse.loads import record_failure, utcnow

M, L, H, R = "mmlu-pro", "long", "hub-api", "routerbench"
HEAD = "model,benchmark,prompt_id,prompt,correct\n"
ZIP = "model_outputs_Fuzz_5shots.zip"
CASES = [
    # --- MMLU-Pro zips: broken containers and hostile JSON fail alone ------------------------------------------
    u.Case("zip-garbage", M, lambda: {"model_outputs_G_5shots.zip": b"PK\x03\x04 not a zip"}, "failed", "corrupt zip"),
    u.Case("zip-empty-file", M, lambda: {"model_outputs_E_5shots.zip": b""}, "failed", "corrupt zip"),
    u.Case("zip-truncated", M, lambda: {ZIP: u.mmlu("[]")[ZIP][:40]}, "failed", "corrupt zip"),
    u.Case("zip-corrupt-deflate", M, u.corrupt_deflate, "failed", "cannot decompress"),
    u.Case("zip-unsupported-method", M, lambda: u.patched_zip(8, 99), "failed", "cannot decompress"),
    u.Case("zip-encrypted-flag", M, lambda: u.patched_zip(6, 1), "failed", "cannot decompress"),
    u.Case("zip-bomb-200MB", M, u.zip_bomb, "failed", "more than the limit of 128 MiB"),
    u.Case("zip-two-json", M, lambda: {ZIP: u.zip_bytes({"a.json": b"[]", "b.json": b"[]"})},
           "failed", "expected one .json member"),
    u.Case("zip-name-not-mmlu", M, lambda: {"results.zip": u.zip_bytes({"a.json": b"[]"})}, "failed",
           "not an MMLU-Pro result file", source="results.zip"),
    u.Case("json-not-json", M, lambda: u.mmlu("[{'question_id': 1,"), "failed", "is not JSON"),
    u.Case("json-object", M, lambda: u.mmlu('{"a": 1}'), "failed", "expected a JSON list"),
    u.Case("json-bad-utf8", M, lambda: {"model_outputs_Fuzz_5shots.zip": u.zip_bytes(
        {"model_outputs_Fuzz_5shots.json": b'[{"question": "caf\xe9"}]'})}, "failed", "not valid UTF-8"),
    u.Case("json-4400-digit-int", M, lambda: u.mmlu(f"[{u.HUGE_INT}]"), "failed", "digits (limit"),
    u.Case("json-100k-deep", M, lambda: u.mmlu(u.DEEP), "failed", "nested deeper than"),
    u.Case("json-100-deep", M, lambda: u.mmlu("[" * 100 + "]" * 100), "failed", "nested deeper than"),
    # --- MMLU-Pro records: bad values are rejected, the good record loads --------------------------------------
    *[u.Case(f"mmlu-{name}", M, (lambda bad=bad: u.mmlu_records(bad)), "partial", reason) for name, bad, reason in [
        ("category-int", {"category": 3}, "category is int"),
        ("category-list", {"category": ["a"]}, "category is list"),
        ("category-dict", {"category": {"a": 1}}, "category is dict"),
        ("id-nan", {"question_id": float("nan")}, "question_id nan is float"),
        ("id-inf", {"question_id": float("inf")}, "question_id inf is float"),
        ("id-float", {"question_id": 1.5}, "is float"), ("id-bool", {"question_id": True}, "is bool"),
        ("id-list", {"question_id": [1]}, "is list"), ("id-null", {"question_id": None}, "empty question_id"),
        ("question-surrogate", {"question": "bad \ud800 text"}, "not valid UTF-8"),
        ("question-too-long", {"question": "x" * 200_001}, "characters long"),
        ("options-str", {"options": "A,B"}, "options is not a list"), ("question-dict", {"question": {}}, "is dict"),
        ("option-dict", {"options": [{"x": 1}]}, "option 0 is dict"), ("pred-int", {"pred": 3}, "pred is int"),
        ("answer-empty", {"answer": " "}, "empty answer"), ("record-str", "not an object", "not a JSON object"),
        ("record-null", None, "not a JSON object"), ("src-int", {"src": 5}, "src is int")]],
    # --- lm-eval runs --------------------------------------------------------------------------------------
    u.Case("lm-results-not-json", "lm-eval", lambda: u.lm_run(b"{oops"), "failed", "is not JSON"),
    u.Case("lm-results-list", "lm-eval", lambda: u.lm_run([1, 2]), "failed", "not a JSON object"),
    u.Case("lm-configs-list", "lm-eval", lambda: u.lm_run({"model_name": "fuzz/m", "configs": [1]}), "failed",
           "'configs' in the results file is a list"),
    u.Case("lm-no-model-name", "lm-eval", lambda: u.lm_run({"configs": {}}), "failed", "names no model"),
    u.Case("lm-config-list", "lm-eval", lambda: u.lm_run({"config": ["x"]}), "failed", "'config' in the results"),
    u.Case("lm-results-huge-int", "lm-eval", lambda: u.lm_run(f'{{"n": {u.HUGE_INT}}}'.encode()), "failed", "digits"),
    u.Case("lm-results-deep", "lm-eval", lambda: u.lm_run(u.DEEP.encode()), "failed", "nested deeper"),
    u.Case("lm-results-bad-utf8", "lm-eval", lambda: u.lm_run(b'{"model_name": "\xff"}'), "failed", "not valid UTF-8"),
    u.Case("lm-zip-as-run", "lm-eval", lambda: u.mmlu("[]"), "failed", "not an lm-eval run",
           source="model_outputs_Fuzz_5shots.zip"),
    u.Case("lm-zip-named-results", "lm-eval", lambda: {**u.lm_run(), f"run/results_{u.TS}.json": u.zip_bytes(
        {"a.json": b"[]"})}, "failed", f"results_{u.TS}.json"),
    *[u.Case(f"lm-sample-{name}", "lm-eval", (lambda line=line: u.lm_run(lines=[line])), "partial", reason)
      for name, line, reason in [
          ("bad-utf8", b'{"doc_id": 1, "doc": {"input": "caf\xe9"}, "acc_norm": 1.0}', "not valid UTF-8"),
          ("deep", u.DEEP[:2000] + u.DEEP[-2000:], "nested deeper"),
          ("huge-int", f'{{"doc_id": {u.HUGE_INT}}}', "digits"),
          ("doc-id-nan", u.lm_sample(doc_id=float("nan")), "doc_id nan is float"),
          ("doc-id-dict", u.lm_sample(doc_id={"a": 1}), "doc_id {'a': 1} is dict"),
          ("metric-maybe", u.lm_sample(acc_norm="maybe"), "is not 0/1"),
          ("metric-half", u.lm_sample(acc_norm=0.5), "not 0/1"),
          ("metric-nan", u.lm_sample(acc_norm=float("nan")), "not 0/1"),
          ("prompt-surrogate", u.lm_sample(input="x y z \ud800"), "not valid UTF-8"),
          ("prompt-too-long", u.lm_sample(input="y" * 200_001), "characters long"),
          ("not-object", "[1, 2]", "not a sample object"), ("not-json", "{oops", "not JSON")]],
    # --- long tables: JSONL, CSV, Parquet ---------------------------------------------------------------------
    *[u.Case(f"long-jsonl-{name}", L, (lambda bad=bad: u.long_jsonl(bad)), "partial", reason) for name, bad, reason in [
        ("prompt-struct", {"prompt": {"x": 1}}, "prompt is dict"), ("prompt-list", {"prompt": ["a"]}, "prompt is list"),
        ("prompt-surrogate", {"prompt": "a \ud800"}, "not valid UTF-8"),
        ("prompt-long", {"prompt": "p" * 200_001}, "long"),
        ("id-nan", {"prompt_id": float("nan")}, "prompt_id nan is float"), ("id-float", {"prompt_id": 2.5}, "is float"),
        ("id-dict", {"prompt_id": {"a": 1}}, "is dict"), ("id-empty", {"prompt_id": "  "}, "empty prompt_id"),
        ("cost-inf", {"cost_usd": float("inf")}, "not a finite number"),
        ("cost-nan", {"cost_usd": float("nan")}, "finite"),
        ("cost-negative", {"cost_usd": -1}, "is negative"), ("cost-text", {"cost_usd": "abc"}, "is not a number"),
        ("cost-list", {"cost_usd": [1]}, "cost_usd [1] is list"), ("cost-bool", {"cost_usd": True}, "is bool"),
        ("score-negative", {"score": -5}, "outside [0, 1]"), ("score-text", {"score": "x"}, "not a number"),
        ("label-maybe", {"correct": "maybe"}, "is not 0/1"), ("label-two", {"correct": 2}, "is not 0/1"),
        ("label-null", {"correct": None}, "is not 0/1"), ("category-int", {"category": 1}, "category is int"),
        ("category-list", {"category": [1]}, "category is list"), ("model-empty", {"model": ""}, "empty model"),
        ("model-int", {"model": 5}, "model is int")]],
    u.Case("long-jsonl-bad-utf8-line", L, lambda: u.long_jsonl(raw=b'{"model": "fuzz-m", "benchmark": "fz", '
           b'"prompt_id": "b1", "prompt": "caf\xe9", "correct": 1}'), "partial", "not valid UTF-8"),  # b1 is stored
    u.Case("long-jsonl-deep-line", L, lambda: u.long_jsonl(raw=u.DEEP.encode()), "partial", "nested deeper"),
    u.Case("long-jsonl-huge-int", L, lambda: u.long_jsonl(raw=f'{{"a": {u.HUGE_INT}}}'.encode()), "partial", "digits"),
    u.Case("long-jsonl-empty", L, lambda: {"t.jsonl": b"\n\n"}, "failed", "empty JSONL"),
    u.Case("long-jsonl-garbage", L, lambda: {"t.jsonl": b"nope\n"}, "failed", "missing required column"),
    u.Case("long-csv-truncated-row", L, lambda: u.long_csv(HEAD + "fuzz-m,fz,c1,Q?,1\nfuzz-m,fz,c2,Q2"), "partial",
           "truncated"),
    u.Case("long-csv-open-quote", L, lambda: u.long_csv(HEAD + 'fuzz-m,fz,c1,Q?,1\nfuzz-m,fz,c2,"Q2 cut'), "partial",
           "truncated"),
    u.Case("long-csv-bad-utf8", L, lambda: {"t.csv": b"model,benchmark,prompt_id,prompt,correct\nm,b,1,caf\xe9,1\n"},
           "failed", "not valid UTF-8"),
    u.Case("long-csv-missing-column", L, lambda: u.long_csv("model,benchmark,prompt,correct\nm,b,Q?,1\n"), "failed",
           "missing required column(s) prompt_id"),
    u.Case("long-csv-repeated-column", L, lambda: u.long_csv("model,model,benchmark,prompt_id,prompt,correct\n"),
           "failed", "repeated column"),
    u.Case("long-csv-empty", L, lambda: u.long_csv(""), "failed", "empty CSV"),
    u.Case("long-csv-cost-inf", L, lambda: u.long_csv(HEAD.replace("correct", "correct,cost_usd") +
                                                     "fuzz-m,fz,c1,Q?,1,0.1\nfuzz-m,fz,c2,Q2,0,inf\n"), "partial",
           "finite"),
    u.Case("long-parquet-cost-list", L, lambda: u.long_parquet(cost_usd=[[0.1], [0.2]]), "partial", "cost_usd"),
    u.Case("long-parquet-prompt-struct", L, lambda: u.long_parquet(prompt=[{"x": 1}, {"x": 2}]), "partial",
           "prompt is dict"),
    u.Case("long-parquet-id-nan", L, lambda: u.long_parquet(prompt_id=[1.0, float("nan")]), "partial", "is float"),
    u.Case("long-parquet-corrupt", L, lambda: {"t.parquet": b"PAR1 garbage PAR1"}, "failed", "cannot read long table"),
    u.Case("long-unknown-extension", L, lambda: {"t.txt": b"x"}, "failed", "unknown long-table extension",
           source="t.txt"),
    # --- RouterBench: CSV rows and pickles ------------------------------------------------------------------
    u.Case("rb-truncated-row", R, lambda: u.rb_csv("b.1,['Cut prompt'],fz,1.0"), "partial", "truncated"),
    u.Case("rb-cost-text", R, lambda: u.rb_csv("b.1,['P'],fz,1.0,cheap\n"), "partial", "is not a number"),
    u.Case("rb-cost-negative", R, lambda: u.rb_csv("b.1,['P'],fz,1.0,-1\n"), "partial", "negative"),
    u.Case("rb-cost-inf", R, lambda: u.rb_csv("b.1,['P'],fz,1.0,inf\n"), "partial", "finite"),
    u.Case("rb-score-maybe", R, lambda: u.rb_csv("b.1,['P'],fz,maybe,0.1\n"), "partial", "not a number"),
    u.Case("rb-score-high", R, lambda: u.rb_csv("b.1,['P'],fz,1.5,0.1\n"), "partial", "outside [0, 1]"),
    u.Case("rb-score-yes", R, lambda: u.rb_csv("b.1,['P'],fz,yes,0.1\n"), "ok"),
    u.Case("rb-empty-prompt", R, lambda: u.rb_csv("b.1,,fz,1.0,0.1\n"), "partial", "empty prompt"),
    u.Case("rb-deep-literal", R, lambda: u.rb_csv("b.1," + "[" * 5000 + "]" * 5000 + ",fz,1,0\n"), "ok"),
    u.Case("rb-missing-column", R, lambda: {"rb.csv": b"sample_id,prompt\n1,x\n"}, "failed", "eval_name"),
    u.Case("rb-no-models", R, lambda: {"rb.csv": b"sample_id,prompt,eval_name\n1,x,y\n"}, "failed",
           "no model score columns"),
    u.Case("pkl-os-system", R, lambda: u.evil_pickle(os.system, f"touch {u.MARKER}"), "failed",
           "unsafe pickle not loaded"),
    u.Case("pkl-eval", R, lambda: u.evil_pickle(eval, f"open('{u.MARKER}', 'w')"), "failed", "builtins.eval"),
    u.Case("pkl-popen", R, lambda: u.evil_pickle(subprocess.Popen, ["touch", str(u.MARKER)]), "failed",
           "subprocess.Popen"),
    u.Case("pkl-dotted-name", R, lambda: {"rb.pkl": u.dotted_global()}, "failed", "unsafe pickle"),
    u.Case("pkl-bytearray-bomb", R, lambda: {"rb.pkl": b"cbuiltins\nbytearray\n(L10000000000000L\ntR."},
           "failed", "bytearray(int)"),
    u.Case("pkl-not-dataframe", R, lambda: {"rb.pkl": pickle.dumps({"a": [1, 2]})}, "failed", "holds a dict"),
    u.Case("pkl-garbage", R, lambda: {"rb.pkl": b"\x80\x04garbage"}, "failed", "not a readable pandas pickle"),
    # --- Hub listings ------------------------------------------------------------------------------------------
    *[u.Case(f"hub-{name}", H, (lambda e=e: u.hub([u.hub_entry(**e)])), "partial", reason) for name, e, reason in [
        ("downloads-1e20-int", {"downloads": 10**20}, "outside 0..2^63-1"),
        ("downloads-1e20-float", {"downloads": 1e20}, "expected an integer"),
        ("likes-negative", {"likes": -3}, "outside"), ("created-9999", {"createdAt": "9999-12-31T00:00:00Z"}, "future"),
        ("modified-future", {"lastModified": "3000-01-01T00:00:00Z"}, "in the future"),
        ("created-garbage", {"createdAt": "yesterday"}, "model entry 1"),
        ("created-int", {"createdAt": 5}, "timestamp"),
        ("id-surrogate", {"id": "fuzz/\ud800"}, "not valid UTF-8"), ("tags-dict", {"tags": {"a": 1}}, "tags")]],
    u.Case("hub-not-json", H, lambda: {"listing.json": b"[{"}, "failed", "not JSON"),
    u.Case("hub-deep", H, lambda: {"listing.json": u.DEEP.encode()}, "failed", "nested deeper"),
    u.Case("hub-huge-int", H, lambda: {"listing.json": f'[{{"downloads": {u.HUGE_INT}}}]'.encode()}, "failed",
           "digits"),
    u.Case("hub-bad-utf8", H, lambda: {"listing.json": b'[{"id": "\xff"}]'}, "failed", "not valid UTF-8"),
    u.Case("hub-object", H, lambda: {"listing.json": b'{"a": 1}'}, "failed", "expected a JSON list"),
]
TABLES = ("models", "prompts", "prompt_versions", "results", "result_changes", "model_releases",
          "model_release_history")


@pytest.fixture(scope="module")
def stocked(tmp_path_factory):
    """A warehouse holding good data of every format (the base each case's copy starts from)."""
    base = tmp_path_factory.mktemp("stocked")
    for fmt, files in ((M, u.mmlu_records({}, "Stock")), (L, u.long_jsonl()), (R, u.rb_csv())):
        for name, data in files.items():
            (base / fmt / name).parent.mkdir(parents=True, exist_ok=True)
            (base / fmt / name).write_bytes(data)
    db = base / "w.duckdb"
    with connect(db) as con:
        for fmt, src in ((M, base / M), (L, base / L), (R, base / R),
                         ("lm-eval", FIXTURES / "lm_eval")):
            items, missing = expand_sources(fmt, [str(src)])
            assert not missing and all(ingest_item(con, fmt, it).status == "ok" for it in items)
        assert ingest_releases(con, H, str(FIXTURES / "hub" / "models_listing.json"))["failed"] == 0
    return db


def snapshot(con) -> dict[str, set[str]]:
    return {t: {repr(r) for r in con.execute(f"SELECT * FROM {t}").fetchall()} for t in TABLES}


def run_case(case: u.Case, db, folder) -> list[dict]:
    """Write the case's files, ingest them like the CLI does; the loads' summaries."""
    for name, data in case.files().items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    source = str(folder / case.source) if case.source else str(folder)
    with connect(db) as con:
        if case.fmt == H:
            return [ingest_releases(con, H, source)["loads"][0]]
        items, missing = expand_sources(case.fmt, [source])
        return [ingest_item(con, case.fmt, it).as_dict() for it in items] + [
            record_failure(con, source=case.fmt, uri=m.uri, sha256=None, error=m.error, started_at=utcnow()).as_dict()
            for m in missing]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_gets_its_status_and_changes_nothing_stored(case, stocked, tmp_path):
    db, folder = tmp_path / "w.duckdb", tmp_path / "in"
    shutil.copy(stocked, db)
    folder.mkdir()
    with connect(db) as con:
        before = snapshot(con)
    loads = run_case(case, db, folder)            # no exception escapes: that is the "no traceback" half
    assert [s["status"] for s in loads] == [case.status], loads
    with connect(db) as con:
        after = snapshot(con)
        reasons = [r[0] for r in con.execute("SELECT reason FROM rejected_records WHERE load_id = ?",
                                             [loads[0]["load_id"]]).fetchall()]
    if case.status == "failed":
        assert case.reason in loads[0]["error"] and str(folder) in loads[0]["error"], loads[0]["error"]
        assert after == before
    if case.status == "partial":
        assert any(case.reason in r for r in reasons), reasons
    for table in TABLES:
        assert before[table] <= after[table], f"{table}: a stored row changed"
    assert not u.MARKER.exists(), "an evil pickle ran"



@pytest.mark.parametrize("fmt", [M, L, "lm-eval", R, H])
def test_a_cli_batch_of_every_bad_input_of_a_format_has_no_traceback(fmt, tmp_path):
    """All cases of a format in one folder, one `taskspace ingest` process: exit 1, counts per status, no traceback."""
    cases = [c for c in CASES if c.fmt == fmt and not c.source]
    for c in cases:
        for name, data in c.files().items():
            (tmp_path / "batch" / c.id / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / "batch" / c.id / name).write_bytes(data)
    kind = "releases" if fmt == H else "results"
    proc = subprocess.run([sys.executable, "-c", "from flows.cli import app; app()", "--db", str(tmp_path / "w.duckdb"),
                           "ingest", kind, "--format", fmt, str(tmp_path / "batch"), "--json"],
                          capture_output=True, text=True, cwd=REPO, timeout=300)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr[-3000:]
    out = json.loads(proc.stdout)
    statuses = sorted(s["status"] for s in out["loads"])
    assert statuses == sorted(c.status for c in cases)
    assert not u.MARKER.exists()
