"""Which models of a pool are cold-start (results on a small part of its prompts) and their estimated accuracy,
overall and per category, from the pool's other models (p-IRT averaged with the model-space ridge,
tasks/coldstart/estimate.py)."""
from __future__ import annotations

import numpy as np

from tasks.coldstart import estimate as blend, irt

COLDSTART_SHARE = 0.25   # a model whose results cover fewer than this share of the pool's prompts is cold-start


def cold_models(counts: dict[str, int], n_prompts: int, share: float = COLDSTART_SHARE) -> set[str]:
    """The models of a pool (COUNTS: results per model) covering fewer than SHARE of its N_PROMPTS prompts; none
    when no model covers more (a pool of only small models has no one to learn from)."""
    cold = {m for m, n in counts.items() if n < share * n_prompts}
    return cold if len(cold) < len(counts) else set()


def estimates(pool: dict, cold: set[str], watermark: int) -> list[dict]:
    """coldstart_estimates rows ('*' = the whole benchmark, then each category) of the COLD models of POOL
    ({models, prompts, category, L} of warehouse.coldstart.pool_labels), items fitted on the other models."""
    if not cold:
        return []
    known = [j for j, m in enumerate(pool["models"]) if m not in cold]
    items = irt.fit_items(pool["L"][:, known])   # 2PL with >= irt.MIN_MODELS_2PL known models, else 1PL
    F = blend.features(pool["L"][:, known])
    cats = np.asarray(pool["category"], dtype=object)
    everything = np.arange(len(pool["prompts"]))
    groups = [("*", everything)] + [(c, np.flatnonzero(cats == c)) for c in sorted(set(cats.tolist()))]
    out = []
    for m in sorted(cold):
        col = pool["L"][:, pool["models"].index(m)]
        rows = np.flatnonzero(~np.isnan(col))
        y = col[rows]
        for name, among in groups:
            est, lo, hi = blend.estimate(items, F, rows, y, among)
            mine = np.isin(rows, among)
            out.append({"model_id": m, "category": str(name), "n_evaluations": int(mine.sum()),
                        "n_prompts": int(len(among)), "estimate": est, "lo": lo, "hi": hi,
                        "observed": float(y[mine].mean()) if mine.any() else None,
                        "estimator": f"{blend.ESTIMATOR}-irt{2 if items.two else 1}", "n_known_models": len(known),
                        "watermark": int(watermark)})
    return out
