"""Embeddings: every precision (auto, bf16, fp32) stays within cosine 0.999 of fp32 on real prompts; auto picks fp32
without native bf16; streaming embeds each text once and records the precision it used."""
from __future__ import annotations

import numpy as np
import pytest

from tasks.embedding.embed import EncoderConfig, compose, embed_missing, embed_texts, load_model


@pytest.fixture
def real_texts(shared_data) -> list[str]:
    """200 real MMLU-Pro questions: the 40 longest (truncated at 256 tokens) and 160 drawn at random (seed 0)."""
    from tasks.sources import mmlu_pro
    z = shared_data / "mmlu_pro" / "eval_results" / "model_outputs_Meta-Llama-3-8B_5shots.zip"
    texts = sorted(set(mmlu_pro.parse({z.name: z.read_bytes()}, str(z)).records["text"].to_list()))
    longest = sorted(texts, key=len)[-40:]
    rest = [t for t in texts if t not in set(longest)]
    pick = np.random.default_rng(0).choice(len(rest), 160, replace=False)
    return longest + [rest[i] for i in pick]


@pytest.mark.shared_data
@pytest.mark.parametrize("precision", ["auto", "bf16", "fp32"])
def test_every_precision_matches_fp32_on_real_prompts(real_texts, precision):
    fast = embed_texts(real_texts, EncoderConfig(precision=precision))
    # the reference: sentence-transformers as shipped (fp32, padded batches of 32)
    ref = load_model(EncoderConfig().path, "fp32").encode(real_texts, show_progress_bar=False)
    cos = (fast * ref).sum(1) / np.linalg.norm(fast, axis=1) / np.linalg.norm(ref, axis=1)
    assert fast.shape == (200, 384) and fast.dtype == np.float32
    assert cos.min() >= 0.999, f"worst cosine {cos.min():.5f}"
    np.testing.assert_allclose(np.linalg.norm(fast, axis=1), 1.0, atol=1e-5)
    # order-independent: a text's vector does not depend on what else is in the batch
    alone = embed_texts(real_texts[100:103], EncoderConfig(precision=precision))
    assert ((alone * fast[100:103]).sum(1) >= 0.999).all()


def test_auto_picks_fp32_without_native_bf16_and_probes_with_it(tmp_path, monkeypatch):
    from tasks.embedding.precision import choose, cpu_info, native_bf16
    monkeypatch.setenv("TASKSPACE_CACHE", str(tmp_path))
    path = EncoderConfig().path
    plain = {"model": "AVX2-only CPU", "cores": 2, "torch_capability": "AVX2", "flags": ["avx2"]}
    c = choose(path, cpu=plain)
    assert (c.precision, c.probe) == ("fp32", None) and "avx512_bf16" in c.reason
    here = cpu_info()
    c = choose(path)
    if not native_bf16(here):
        assert c.precision == "fp32" and c.probe is None
        return
    # native bf16: a measured probe decides, bf16 only when faster and within cosine 0.999; the choice is cached
    assert set(c.probe) == {"fp32", "bf16", "min_cosine"} and c.probe["min_cosine"] > 0.99
    faster = "bf16" if c.probe["bf16"] > c.probe["fp32"] and c.probe["min_cosine"] >= 0.999 else "fp32"
    assert c.precision == faster and not c.cached
    again = choose(path)
    assert again.cached and again.precision == c.precision and (tmp_path / "embed_precision.json").exists()


def _load(con, rows: list[dict]) -> None:
    from tasks.sources.base import canonical_frame
    from warehouse.loads import utcnow, write_load
    write_load(con, source="long", uri=f"test:{len(rows)}:{rows[0]['model']}", sha256=str(len(rows)),
               records=canonical_frame(rows), rejected=[], started_at=utcnow())


def _row(model: str, item: int, text: str, correct: bool, options=("a", "b")) -> dict:
    return {"model": model, "benchmark": "t", "item_id": str(item), "text": text, "options": list(options),
            "answer": "A", "category": "c", "correct": correct}


def test_embed_missing_streams_pages_and_embeds_each_text_once(con):
    texts = [f"Question {i}: what is {i} plus {i * 3}?" for i in range(40)]
    rows = [_row("m1", i, t, i % 2 == 0) for i, t in enumerate(texts)]
    rows += [_row("m1", 100 + i, "  " + texts[i] + " ", True) for i in range(5)]  # same text (after normalising)
    _load(con, rows)
    cfg = EncoderConfig(precision="fp32")
    seen = []
    out = embed_missing(con, cfg, page=16, progress=False, on_page=seen.append)
    assert out["embedded"] == 40 and out["prompts"] == 45 and seen == [16, 32, 40]
    assert out["precision"] == "fp32" and out["why"] == "asked for"
    assert embed_missing(con, cfg, progress=False)["embedded"] == 0
    stored = con.execute("SELECT text_hash, vector FROM embeddings ORDER BY text_hash").fetchall()
    assert len(stored) == 40 and {len(v) for _, v in stored} == {384}
    hashes = [r[0] for r in con.execute("SELECT DISTINCT text_hash FROM prompts ORDER BY 1").fetchall()]
    assert [h for h, _ in stored] == hashes
    # the stored vectors are those of a one-shot encode of the same texts
    by_hash = dict(con.execute("SELECT text_hash, min(text) FROM prompt_versions GROUP BY 1").fetchall())
    direct = embed_texts([by_hash[h] for h, _ in stored], cfg)
    assert ((np.array([v for _, v in stored]) * direct).sum(1) > 0.9999).all()
    _load(con, [_row("m2", 200, "A brand new question about the moon?", True)])
    assert embed_missing(con, EncoderConfig(precision="bf16"), progress=False)["embedded"] == 1
    # encoders records the precision actually used last; each vector keeps its own
    assert con.execute("SELECT precision FROM encoders").fetchall() == [("bf16",)]
    assert con.execute("SELECT precision, count(*) FROM embeddings GROUP BY 1 ORDER BY 1").fetchall() == [
        ("bf16", 1), ("fp32", 40)]


def test_options_encoder_embeds_each_prompt_version(con):
    rows = [_row("m1", 1, "Pick the prime.", True, ("4", "6", "7")),
            _row("m2", 1, "Pick the prime.", False, ("4", "6", "9"))]  # same text, other options: a second version
    _load(con, rows[:1])
    _load(con, rows[1:])
    cfg = EncoderConfig.named(fields="text+options", precision="bf16")
    assert cfg.name == "all-MiniLM-L6-v2+options"
    assert embed_missing(con, cfg, progress=False)["embedded"] == 2
    assert embed_missing(con, EncoderConfig(precision="fp32"), progress=False)["embedded"] == 1
    keys = {r[0] for r in con.execute("SELECT text_hash FROM embeddings WHERE encoder = ?", [cfg.name]).fetchall()}
    assert keys == {r[0] for r in con.execute("SELECT version_id FROM prompt_versions").fetchall()}
    assert compose("Q?", ["x", "y"], "text+options") == "Q?\n(A) x\n(B) y"
    assert con.execute("SELECT fields, dim, precision FROM encoders WHERE encoder = ?", [cfg.name]).fetchall() == [
        ("text+options", 384, "bf16")]


def test_progress_logs_done_total_rate_and_eta_without_a_terminal(caplog):
    from tasks.embedding.embed import Progress
    caplog.set_level("INFO", logger="taskspace")
    bar = Progress(100, enabled=False, desc="embedding", every=0.0)
    bar.update(40)
    bar.close()
    lines = [r.getMessage() for r in caplog.records]
    assert lines[0].startswith("embedding: 40/100 (40 %), ") and "/s, ETA" in lines[0]
    assert lines[-1].startswith("embedding: 40/100") and lines[-1].endswith("(done)")
