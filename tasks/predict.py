"""Predictions from the current operators for new prompt texts: success probabilities and the gated routing choice."""
from __future__ import annotations

import numpy as np

from tasks import operators as ops
from tasks.embed import EncoderConfig, embed_texts

DEFAULT_MARGIN = 0.05   # used until an evaluation has tuned one


def probabilities(cur: dict, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(calibrated success probabilities, raw scores), rows of X x current operators (load_current_operators)."""
    S = np.asarray(X, dtype=np.float64) @ cur["E"].T + cur["intercept"]
    a, c = cur["calib"][:, 0], cur["calib"][:, 1]
    P = np.where(np.isnan(a), np.clip((1 + S) / 2, 0, 1), ops.sigmoid(np.nan_to_num(a) * S + np.nan_to_num(c)))
    return P, S


def predict(con, texts: list[str], cfg: EncoderConfig | None = None, method: str = "default",
            margin: float | None = None) -> dict:
    """{model_ids, probability, score (texts x models), best_single, margin, choice (model id per text)}: the router
    stays with the model of highest base rate unless another one's probability beats it by more than MARGIN
    (default: the margin tuned by the latest `taskspace evaluate --split id`)."""
    from warehouse.operators import load_current_operators, router_margin

    cfg = cfg or EncoderConfig()
    cur = load_current_operators(con, cfg.name, method)
    if not cur["model_ids"]:
        raise ValueError(f"no {method!r} operators for encoder {cfg.name!r} (run `taskspace refresh` first)")
    P, S = probabilities(cur, embed_texts(list(texts), cfg))
    best = int(np.argmax(cur["base_rate"]))
    if margin is None:
        margin = router_margin(con, cfg.name, "id", method)
        margin = DEFAULT_MARGIN if margin is None else margin
    choice = ops.route(P, best, margin)
    return {"model_ids": cur["model_ids"], "probability": P, "score": S, "best_single": cur["model_ids"][best],
            "margin": margin, "choice": [cur["model_ids"][j] for j in choice]}
