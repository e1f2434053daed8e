"""Open LLM Leaderboard details: the mirror loads with the harness's accuracy, the loopback Hub serves the same
files (listed through huggingface_hub), a second run downloads nothing, faults behave as every live source."""
from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

import pytest

from http_fixtures import Loopback, git_blob_sha
from tasks.ingest import expand_sources, ingest_item
from tasks.sources import hub_datasets, list_items, oll_details
from tasks.sources.base import InputError

FMT = oll_details.FORMAT
FIXTURE = Path(__file__).parent / "fixtures" / "open_llm_leaderboard_details"
MIRROR = FIXTURE / "open-llm-leaderboard"
LISTING = FIXTURE / "hub_api" / "datasets_author_open-llm-leaderboard.json"
LEADERBOARD = Path(__file__).parent / "fixtures" / "open_llm_leaderboard" / "leaderboard_excerpt.csv"
PYTHIA = "open-llm-leaderboard/EleutherAI__pythia-1b-details"
IFEVAL = "EleutherAI__pythia-1b/samples_leaderboard_ifeval_2025-01-27T10-10-36.877664.jsonl"
LABELS = ("SELECT m.display_name, p.benchmark, p.item_id, p.text, r.correct, r.metric FROM results r "
          "JOIN models m USING (model_id) JOIN prompts p USING (prompt_id) ORDER BY ALL")
ROWS = LABELS.replace("r.metric FROM", "r.metric, r.source FROM")


def load(con, source: str) -> list:
    return [ingest_item(con, FMT, it) for it in list_items(FMT, source)]


def harness_accuracy() -> dict[tuple[str, str], float]:
    """{(model, task): the '<metric>,<filter>' number each results_<ts>.json reports}."""
    out = {}
    for res in MIRROR.rglob("results_*.json"):
        doc = json.loads(res.read_text())
        for task, vals in doc["results"].items():
            metric = doc["configs"][task]["metric_list"][0]["metric"]
            (value,) = [v for k, v in vals.items() if k.startswith(f"{metric},") and "stderr" not in k]
            out[(doc["model_name"].lower(), task)] = value          # '<metric>,<filter>': none, get-answer
    return out


def test_mirror_loads_with_the_accuracy_the_harness_reported(con):
    out = load(con, str(FIXTURE))
    assert [(s.status, s.rows_new, s.rows_rejected) for s in out] == [("ok", 5, 0)] * 4 + [("ok", 4, 0)]
    got = dict(((m, b), acc) for m, b, acc in con.execute(
        "SELECT m.model_id, p.benchmark, avg(r.correct::DOUBLE) FROM results r JOIN models m USING (model_id) "
        "JOIN prompts p USING (prompt_id) GROUP BY ALL").fetchall())
    want = harness_accuracy()
    assert set(got) == set(want) and all(abs(got[k] - want[k]) < 1e-9 for k in want)
    assert sorted(r[0] for r in con.execute("SELECT display_name FROM models").fetchall()) == [
        "EleutherAI/pythia-1b", "gpt-4o", "meta-llama/Meta-Llama-3-8B"]   # the <org>__<model> folder's hub id
    assert [s.status for s in load(con, str(FIXTURE))] == ["skipped"] * 5


def test_models_link_to_their_leaderboard_rows(con):
    from tasks.releases import ingest_releases
    load(con, str(MIRROR / "meta-llama__Meta-Llama-3-8B-details"))
    ingest_releases(con, "open-llm-leaderboard", str(LEADERBOARD))
    assert con.execute("SELECT display_name, hub_id FROM models").fetchall() == [
        ("meta-llama/Meta-Llama-3-8B", "meta-llama/Meta-Llama-3-8B")]


def test_a_git_lfs_pointer_is_refused_naming_the_file(tmp_path, con):
    run = tmp_path / "Org__m"
    run.mkdir()
    src = next((MIRROR / "EleutherAI__pythia-1b-details" / "EleutherAI__pythia-1b").glob("results_*.json"))
    (run / src.name).write_bytes(src.read_bytes())
    (run / IFEVAL.split("/")[1]).write_text("version https://git-lfs.github.com/spec/v1\noid sha256:ab\nsize 9\n")
    (s,) = load(con, str(tmp_path))
    assert s.status == "failed" and "samples_leaderboard_ifeval" in s.error and "Git LFS pointer" in s.error


def parquet_conversion(root: Path) -> None:
    """The mirror's runs as the Hub's Parquet converter lays them out: <org>__<model>__<task>/<split>/0000.parquet
    (split = run timestamp with '_'), plus `latest` (a copy) and the aggregated `results` config, both skipped."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    for samples in MIRROR.rglob("samples_*"):
        m = oll_details.SAMPLES_RE.search(samples.name)
        text = samples.read_text()
        rows = json.loads(text) if samples.suffix == ".json" else [json.loads(x) for x in text.splitlines()]
        config = f"{samples.parent.name}__{m.group('task')}"
        for split in (m.group("ts").replace("-", "_"), "latest"):
            (root / config / split).mkdir(parents=True, exist_ok=True)
            pq.write_table(pa.Table.from_pylist(rows), root / config / split / "0000.parquet")
    for split in ("2025_01_27T10_10_36.877664", "latest"):
        (root / "EleutherAI__pythia-1b__results" / split).mkdir(parents=True)
        pq.write_table(pa.table({"results": ["{}"]}), root / "EleutherAI__pythia-1b__results" / split / "0000.parquet")


def test_the_parquet_conversion_gives_the_same_labels(tmp_path, con):
    parquet_conversion(tmp_path / "refs-convert-parquet")
    out = load(con, str(tmp_path))
    assert len(out) == 8 and all(s.status == "ok" and s.rows_rejected == 0 for s in out)   # one per task and run
    from warehouse import connect
    mirror = connect(str(tmp_path / "mirror.duckdb"))
    load(mirror, str(FIXTURE))
    assert con.execute(LABELS).fetchall() == mirror.execute(LABELS).fetchall()


# --- the live Hub, on loopback -----------------------------------------------------------------------------
def tree_entry(path: str, data: bytes) -> dict:
    """A /api/datasets/{repo}/tree/main entry as the Hub answers it (samples files are stored in LFS)."""
    e = {"type": "file", "oid": git_blob_sha(data), "size": len(data), "path": path}
    if "samples_" in path:
        e["lfs"] = {"oid": hashlib.sha256(data).hexdigest(), "size": len(data), "pointerSize": 134}
    return e


def serve_repo(srv: Loopback, repo: str, files: dict[str, bytes]) -> None:
    """The tree listing and the resolve/main URL of every file of one dataset repository."""
    folders = sorted({p.split("/")[0] for p in files if "/" in p})
    tree = [{"type": "directory", "oid": "0" * 40, "size": 0, "path": f} for f in folders]
    tree += [tree_entry(p, b) for p, b in sorted(files.items())]
    srv.add_file(f"/api/datasets/{repo}/tree/main", json.dumps(tree).encode(), "application/json")
    for p, b in files.items():
        srv.add_file(f"/datasets/{repo}/resolve/main/{p}", b)


def repo_files(repo: str) -> dict[str, bytes]:
    root = MIRROR / repo.split("/")[1]
    files = {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}
    return files | {".gitattributes": b"*.jsonl filter=lfs diff=lfs merge=lfs -text\n"}


@pytest.fixture
def hub(monkeypatch):
    import huggingface_hub.constants
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)   # conftest sets it for the suite
    monkeypatch.setattr(hub_datasets, "FETCH_KW", {"backoff": 0.01})
    monkeypatch.setenv("HF_TOKEN", "hf_secretsecretsecret")
    with Loopback() as srv:
        srv.add_hub_listing(json.loads(LISTING.read_bytes()), path="/api/datasets")
        for d in json.loads(LISTING.read_bytes()):
            if d["id"].endswith("-details"):
                serve_repo(srv, d["id"], repo_files(d["id"]))
        yield srv


def downloads(srv: Loopback) -> int:
    return sum(1 for r in srv.requests if "/resolve/main/" in r.path)


def test_loopback_hub_gives_the_mirrors_rows_and_a_second_run_downloads_nothing(hub, con, tmp_path):
    from warehouse import connect
    live = load(con, f"{hub.url}/datasets/open-llm-leaderboard")
    assert [(s.status, s.rows_new) for s in live] == [("ok", 5)] * 4 + [("ok", 4)]
    assert live[0].uri == f"{hub.url}/datasets/{PYTHIA}/resolve/main/EleutherAI__pythia-1b/" \
                          "results_2025-01-27T10-10-36.877664.json"
    mirror = connect(str(tmp_path / "mirror.duckdb"))
    load(mirror, str(FIXTURE))
    assert con.execute(ROWS).fetchall() == mirror.execute(ROWS).fetchall()
    assert downloads(hub) == 13                   # 5 results + 8 samples files; README/.gitattributes never
    assert {r.path: {k.lower(): v for k, v in r.headers.items()}.get("authorization") for r in hub.requests} == {
        r.path: "Bearer hf_secretsecretsecret" for r in hub.requests}

    again = load(con, f"{hub.url}/datasets/open-llm-leaderboard")
    assert [s.status for s in again] == ["skipped"] * 5 and downloads(hub) == 13


def test_only_the_run_whose_file_changed_is_downloaded_again(hub, con):
    load(con, f"{hub.url}/datasets/open-llm-leaderboard")
    files = repo_files(PYTHIA)
    rows = [json.loads(line) for line in files[IFEVAL].decode().splitlines()]
    rows[0] |= {"prompt_level_strict_acc": True, "inst_level_strict_acc": [True, True, True]}   # re-graded
    serve_repo(hub, PYTHIA, files | {IFEVAL: "".join(json.dumps(r) + "\n" for r in rows).encode()})
    before = downloads(hub)
    out = load(con, f"{hub.url}/datasets/open-llm-leaderboard")
    assert [(s.status, s.rows_updated) for s in out] == [("ok", 1)] + [("skipped", 0)] * 4
    assert downloads(hub) - before == 4            # pythia's run only: results + 3 samples files


def test_a_pipeline_config_keeps_a_hub_location(tmp_path):
    from tasks.config import load_config
    (tmp_path / "taskspace.toml").write_text('[[sources]]\nname = "oll"\nkind = "results"\n'
                                             f'format = "{FMT}"\nlocation = "hub://open-llm-leaderboard"\n')
    (src,) = load_config(tmp_path / "taskspace.toml").sources
    assert src.location == "hub://open-llm-leaderboard" and src.is_url


def test_one_repository_by_hub_scheme(hub, con, monkeypatch):
    monkeypatch.setenv("TASKSPACE_HUB_URL", hub.url)
    (s,) = load(con, f"hub://{PYTHIA}")
    assert s.status == "ok" and s.rows_new == 5 and hub.hits("/api/datasets") == 0


def test_an_lfs_redirect_to_another_origin_gets_no_token(hub, con):
    with Loopback() as cdn:
        cdn.add_file("/blob/ifeval", repo_files(PYTHIA)[IFEVAL])
        hub.redirect(f"/datasets/{PYTHIA}/resolve/main/{IFEVAL}", cdn.url + "/blob/ifeval")
        (s,) = load(con, f"{hub.url}/datasets/{PYTHIA}")
    assert s.status == "ok" and cdn.hits("/blob/ifeval") == 1
    assert not any(k.lower() == "authorization" for r in cdn.requests for k in r.headers)


def test_a_huggingface_hub_cache_snapshot_loads_like_the_mirror(tmp_path, con):
    """datasets--open-llm-leaderboard--X-details/snapshots/<commit>/<folder>/<file> -> ../../../blobs/<etag>."""
    repo = tmp_path / "datasets--open-llm-leaderboard--EleutherAI__pythia-1b-details"
    snap = repo / "snapshots" / ("ab" * 20) / "EleutherAI__pythia-1b"
    (repo / "blobs").mkdir(parents=True)
    snap.mkdir(parents=True)
    for path, data in repo_files(PYTHIA).items():
        if "/" in path:
            blob = repo / "blobs" / tree_entry(path, data)["oid"]
            blob.write_bytes(data)
            (snap / path.split("/")[1]).symlink_to(Path("../../../blobs") / blob.name)
    (s,) = load(con, str(tmp_path))
    assert (s.status, s.rows_new, s.rows_rejected) == ("ok", 5, 0)


def test_429_5xx_and_truncated_bodies_are_retried(hub, con):
    res = f"/datasets/{PYTHIA}/resolve/main/EleutherAI__pythia-1b/results_2025-01-27T10-10-36.877664.json"
    hub.fail(res, 429, headers={"Retry-After": "0"})
    hub.fail(f"/datasets/{PYTHIA}/resolve/main/{IFEVAL}", 503)
    hub.truncate(f"/datasets/{PYTHIA}/resolve/main/{IFEVAL}")
    hub.fail(f"/api/datasets/{PYTHIA}/tree/main", 502)           # huggingface_hub's own backoff retries listings
    out = load(con, f"{hub.url}/datasets/open-llm-leaderboard")
    assert [s.status for s in out] == ["ok"] * 5
    assert hub.hits(res) == 2 and hub.hits(f"/datasets/{PYTHIA}/resolve/main/{IFEVAL}") == 3


def test_a_file_that_keeps_failing_fails_its_run_alone_naming_the_file(hub, con, caplog):
    hub.fail(f"/datasets/{PYTHIA}/resolve/main/{IFEVAL}", 503, times=10)
    with caplog.at_level(logging.WARNING):
        out = load(con, f"{hub.url}/datasets/open-llm-leaderboard")
    assert [s.status for s in out] == ["failed"] + ["ok"] * 4
    assert f"{hub.url}/datasets/{PYTHIA}/resolve/main/{IFEVAL}" in out[0].error and "HTTP 503" in out[0].error
    assert "hf_secretsecretsecret" not in caplog.text + out[0].error


def test_a_file_changed_after_listing_is_refused(hub, con):
    items = list_items(FMT, f"{hub.url}/datasets/{PYTHIA}")
    hub.add_file(f"/datasets/{PYTHIA}/resolve/main/{IFEVAL}", b'{"doc_id": 0}\n')
    (s,) = [ingest_item(con, FMT, it) for it in items]
    assert s.status == "failed" and "do not match the listed sha256" in s.error and IFEVAL in s.error


def test_a_missing_repository_is_a_failed_source_naming_url_and_status(hub):
    items, missing = expand_sources(FMT, [f"{hub.url}/datasets/open-llm-leaderboard/nobody__nothing-details"])
    assert items == [] and "HTTP 404" in missing[0].error
    assert "/api/datasets/open-llm-leaderboard/nobody__nothing-details/tree/main" in missing[0].error
    with pytest.raises(InputError, match="not a Hub datasets URL"):
        oll_details.list_items(f"{hub.url}/models/x")


def load_recorded(con, source: str) -> list:
    """One ingest as the CLI and the flow run it: unchanged repositories left unlisted, revisions recorded after."""
    from tasks.ingest import known_revisions, remember_revisions
    items, skipped = expand_sources(FMT, [source], known_revisions(con, FMT))
    out = skipped + [ingest_item(con, FMT, it) for it in items]
    remember_revisions(con, FMT, items, out)
    return out


def trees(srv: Loopback) -> list[str]:
    return [r.path for r in srv.requests if r.path.endswith("/tree/main")]   # in request order


def test_a_repository_whose_revision_is_unchanged_is_not_listed_again(hub, con):
    src = f"{hub.url}/datasets/open-llm-leaderboard"
    listing = json.loads(LISTING.read_bytes())
    sha = {d["id"]: d["sha"] for d in listing}
    assert [s.status for s in load_recorded(con, src)] == ["ok"] * 5 and len(trees(hub)) == 3
    (listed,) = [r for r in hub.requests if r.path == "/api/datasets"]
    assert listed.query.get("expand") == ["sha"]   # the Hub lists a dataset's sha only when asked
    recorded = con.execute("SELECT repo, revision, n_inputs FROM source_revisions ORDER BY repo").fetchall()
    assert [(r.rsplit("/", 2)[-2] + "/" + r.rsplit("/", 1)[-1], rev, n) for r, rev, n in recorded] == sorted(
        (i, sha[i], {"open-llm-leaderboard/gpt-4o-details": 3}.get(i, 1)) for i in sha if i.endswith("-details"))

    before = (len(trees(hub)), downloads(hub))
    again = load_recorded(con, src)   # one listing request, no file tree, no download
    assert [s.status for s in again] == ["skipped"] * 3 and (len(trees(hub)), downloads(hub)) == before
    assert {s.uri for s in again} == {r for r, _, _ in recorded}

    listing[[d["id"] for d in listing].index(PYTHIA)]["sha"] = "0" * 40   # a new commit in pythia's repository
    hub.add_hub_listing(listing, path="/api/datasets")
    third = load_recorded(con, src)
    assert trees(hub)[before[0]:] == [f"/api/datasets/{PYTHIA}/tree/main"] and downloads(hub) == before[1]
    assert sorted(s.status for s in third) == ["skipped"] * 3   # its run's files kept their etags: not downloaded
    assert con.execute("SELECT revision FROM source_revisions WHERE repo LIKE '%pythia%'").fetchall() == [("0" * 40,)]


def test_a_repository_with_a_failed_run_is_listed_again(hub, con):
    src = f"{hub.url}/datasets/open-llm-leaderboard"
    hub.fail(f"/datasets/{PYTHIA}/resolve/main/{IFEVAL}", 404)   # gone while listed: not retried
    first = load_recorded(con, src)
    assert sorted(s.status for s in first) == ["failed"] + ["ok"] * 4
    assert not con.execute("SELECT count(*) FROM source_revisions WHERE repo LIKE '%pythia%'").fetchall()[0][0]
    second = load_recorded(con, src)   # pythia is listed and its run fetched again; the others are left alone
    assert sorted(s.status for s in second) == ["ok", "skipped", "skipped"]
    assert trees(hub).count(f"/api/datasets/{PYTHIA}/tree/main") == 2 and len(trees(hub)) == 4


def test_the_cli_and_the_flow_leave_an_unchanged_repository_unlisted(hub, tmp_path, prefect_harness):
    from flows.ingest_results import ingest_results
    from selection_warehouse import invoke
    db, src = str(tmp_path / "w.duckdb"), f"{hub.url}/datasets/open-llm-leaderboard"
    first = invoke("--db", db, "ingest", "results", "--format", FMT, src, "--json")
    assert (first["loaded"], first["failed"]) == (5, 0) and len(trees(hub)) == 3
    again = invoke("--db", db, "ingest", "results", "--format", FMT, src, "--json")
    assert (again["loaded"], again["skipped"], again["failed"]) == (0, 3, 0) and len(trees(hub)) == 3
    flow = ingest_results(format=FMT, sources=[src], db=db)
    assert (flow["loaded"], flow["skipped"], flow["failed"]) == (0, 3, 0) and len(trees(hub)) == 3
    forced = invoke("--db", db, "ingest", "results", "--format", FMT, src, "--force", "--json")
    assert forced["loaded"] == 5 and len(trees(hub)) == 6   # --force lists and reads everything again
