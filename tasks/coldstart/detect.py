"""Which models of a pool are cold-start (results on a small part of its prompts), their cold-start prediction on
every prompt of the pool (tasks/coldstart/estimate.py, items fitted on the pool's other models) and from it their
estimated accuracy, overall and per category."""
from __future__ import annotations

import numpy as np

from tasks.coldstart import estimate as prediction, irt

COLDSTART_SHARE = 0.25   # a model whose results cover fewer than this share of the pool's prompts is cold-start


def cold_models(counts: dict[str, int], n_prompts: int, share: float = COLDSTART_SHARE) -> set[str]:
    """The models of a pool (COUNTS: results per model) covering fewer than SHARE of its N_PROMPTS prompts; none
    when no model covers more (a pool of only small models has no one to learn from)."""
    cold = {m for m, n in counts.items() if n < share * n_prompts}
    return cold if len(cold) < len(counts) else set()


def predict(pool: dict, cold: set[str]) -> dict:
    """{items, F, n_known, models: {model: (rows, y01, p)}}: the items and model-space features of POOL's known
    models ({models, prompts, category, L} of warehouse.coldstart.pool_labels) and each COLD model's labelled rows,
    labels and prediction p on every prompt of the pool."""
    known = [j for j, m in enumerate(pool["models"]) if m not in cold]
    items = irt.fit_items(pool["L"][:, known])   # 2PL with >= irt.MIN_MODELS_2PL known models, else 1PL
    F = prediction.features(pool["L"][:, known])
    out = {}
    for m in sorted(cold):
        col = pool["L"][:, pool["models"].index(m)]
        rows = np.flatnonzero(~np.isnan(col))
        out[m] = (rows, col[rows], prediction.predictions(items, F, rows, col[rows]))
    return {"items": items, "F": F, "n_known": len(known), "models": out}


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
    for m, (rows, y, p) in sorted(got["models"].items()):
        how = prediction.name(got["items"], got["F"], len(rows))
        for name, among in groups:
            est, lo, hi = prediction.estimate(got["items"], got["F"], rows, y, among, p=p)
            mine = np.isin(rows, among)
            out.append({"model_id": m, "category": str(name), "n_evaluations": int(mine.sum()),
                        "n_prompts": int(len(among)), "estimate": est, "lo": lo, "hi": hi,
                        "observed": float(y[mine].mean()) if mine.any() else None,
                        "estimator": how, "n_known_models": got["n_known"], "watermark": int(watermark)})
    return out
