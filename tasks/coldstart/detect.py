"""Which models of a pool are cold-start (results on a small part of its prompts), their cold-start prediction on
every prompt of the pool (tasks/coldstart/estimate.py, items fitted on the pool's other models) and from it their
estimated accuracy, overall and per category."""
from __future__ import annotations

import numpy as np

from tasks.coldstart import answered, estimate as prediction, irt
from tasks.coldstart.prior import Prior, ability_prior, pool_scores, scores_of, usable

COLDSTART_SHARE = 0.25   # a model whose results cover fewer than this share of the pool's prompts is cold-start


def cold_models(counts: dict[str, int], n_prompts: int, share: float = COLDSTART_SHARE) -> set[str]:
    """The models of a pool (COUNTS: results per model) covering fewer than SHARE of its N_PROMPTS prompts; none
    when no model covers more (a pool of only small models has no one to learn from)."""
    cold = {m for m, n in counts.items() if n < share * n_prompts}
    return cold if len(cold) < len(counts) else set()


def prior_changed(stored: dict[tuple[str, str], dict], leaderboard: dict[str, dict[str, dict[str, float]]]
                  ) -> set[tuple[str, str]]:
    """The (model, pool) cold-start units whose ability prior would change: STORED ({(model, pool): estimate row
    with prior_score, prior_models}: warehouse.coldstart.read_estimates) against LEADERBOARD ({pool: its
    leaderboard scores}, warehouse.coldstart.leaderboard_scores); a score that arrived, moved or went, or a changed
    number of known models with one."""
    out = set()
    for pool in {p for _, p in stored}:
        cold = {m for m, p in stored if p == pool}
        scores = pool_scores(pool, leaderboard.get(pool, {}))
        known = np.array([v for m, v in scores.items() if m not in cold], dtype=np.float64)
        for model in cold:
            want = (scores[model], len(known)) if usable(known, scores.get(model)) else (None, None)
            row = stored[(model, pool)]
            if want != (row.get("prior_score"), row.get("prior_models")):
                out.add((model, pool))
    return out


def predict(pool: dict, cold: set[str]) -> dict:
    """{items, F, parts, n_known, models: {model: (rows, y01, p, prior, answered01)}}: the items, answer-rate parts
    (answered.fit_parts; None where the results do not say) and model-space features of POOL's known models
    (warehouse.coldstart.pool_labels) and each COLD model's labelled rows, labels, prediction p on every prompt of
    the pool, ability prior (from its leaderboard score on the pool's benchmark; None: none) and answer flags."""
    known = [j for j, m in enumerate(pool["models"]) if m not in cold]
    items = irt.fit_items(pool["L"][:, known])   # 2PL with >= irt.MIN_MODELS_2PL known models, else 1PL
    flags = pool.get("A", np.full_like(pool["L"], np.nan))
    parts = answered.fit_parts(pool["L"][:, known], flags[:, known])
    F = prediction.features(pool["L"][:, known])
    scores = pool_scores(pool.get("benchmark", ""), pool.get("leaderboard", {}))
    out = {}
    for m in sorted(cold):
        j = pool["models"].index(m)
        rows = np.flatnonzero(~np.isnan(pool["L"][:, j]))
        y, a = pool["L"][rows, j], flags[rows, j]
        out[m] = (rows, y, *predict_one(items, F, [pool["models"][i] for i in known], m, rows, y, scores, parts, a),
                  a)
    return {"items": items, "F": F, "parts": parts, "n_known": len(known), "models": out}


def predict_one(items: irt.Items, F: np.ndarray, known: list[str], model: str, rows: np.ndarray, y01: np.ndarray,
                scores: dict[str, float], parts: answered.Parts | None = None, answered01: np.ndarray | None = None
                ) -> tuple[np.ndarray, Prior | None]:
    """(prediction on every prompt, ability prior) of MODEL, which answered ROWS with Y01 (answer flags
    ANSWERED01), among the KNOWN models (ITEMS, PARTS and F fitted on them, in order) with leaderboard SCORES
    ({model: score}: prior.pool_scores): what refresh serves and `evaluate --split coldstart` scores."""
    prior = ability_prior(items.theta, *scores_of(known, model, scores))
    return prediction.predictions(items, F, rows, y01, prior, parts, answered01), prior


def estimates(pool: dict, cold: set[str], watermark: int, predicted: dict | None = None) -> list[dict]:
    """coldstart_estimates rows ('*' = the whole benchmark, then each category) of the COLD models of POOL, from
    PREDICTED (predict(pool, cold); computed when None)."""
    if not cold:
        return []
    got = predict(pool, cold) if predicted is None else predicted
    cats = np.asarray(pool["category"], dtype=object)
    everything = np.arange(len(pool["prompts"]))
    groups = [("*", everything)] + [(c, np.flatnonzero(cats == c)) for c in sorted(set(cats.tolist()))]
    out = []
    for m, (rows, y, p, prior, flags) in sorted(got["models"].items()):
        how = prediction.name(got["items"], got["F"], rows, y, prior, answered.usable(got.get("parts"), flags))
        for name, among in groups:
            est, lo, hi = prediction.estimate(got["items"], got["F"], rows, y, among, p=p, prior=prior)
            mine = np.isin(rows, among)
            out.append({"model_id": m, "category": str(name), "n_evaluations": int(mine.sum()),
                        "n_prompts": int(len(among)), "estimate": est, "lo": lo, "hi": hi,
                        "observed": float(y[mine].mean()) if mine.any() else None,
                        "estimator": how, "n_known_models": got["n_known"], "watermark": int(watermark),
                        "prior_score": None if prior is None else prior.score,
                        "prior_models": None if prior is None else prior.n_models})
    return out
