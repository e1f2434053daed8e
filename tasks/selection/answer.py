"""Why `select` is sure of its pick or not: whether the prompt lies among the pool's prompts, how often the served
method's probabilities came true on held-out prompts, and the pick's lead over the runner-up."""
from __future__ import annotations

import math

CLOSE = 0.05   # a runner-up within this much probability is a near tie


def wilson(k: float, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """The 95 % Wilson score interval of a share K/N (nan, nan for N = 0)."""
    if n <= 0:
        return float("nan"), float("nan")
    p = k / n
    mid = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, mid - half), min(1.0, mid + half)


def measured(bins: list[dict] | None, p: float) -> dict | None:
    """The held-out reliability bin holding probability P: its range, results, observed accuracy and interval
    (None when the pool was never published or the bin is empty)."""
    for b in bins or []:
        if b["lo"] <= p < b["hi"] or (b["hi"] >= 1.0 and p >= b["lo"]):
            if not b["n"] or b["observed"] is None:
                return None
            lo, hi = wilson(b["observed"] * b["n"], int(b["n"]))
            return {"lo": b["lo"], "hi": b["hi"], "n": int(b["n"]), "observed": b["observed"], "interval": [lo, hi]}
    return None


def assess(block: dict, routers: dict, bins: list[dict] | None, near: dict[str, float], pool: str) -> dict:
    """{sure, reasons, off_domain, inside, measured, nearest_cosine, near_floor, runner_up} for one ranked prompt
    BLOCK (from rank_rows) in POOL, given every pool's ROUTERS, POOL's held-out BINS and NEAR: the prompt's cosine
    to the nearest prompt of each pool (tasks.operators.domain)."""
    inside = sorted(p for p, c in near.items() if (routers.get(p) or {}).get("near_p01") is not None
                    and c >= routers[p]["near_p01"])
    router, near = routers.get(pool), near.get(pool)
    rows = {r["model_id"]: r for r in block["models"]}
    pick = rows.get(block["routed_model"]) or (block["models"][0] if block["models"] else None)
    if pick is None:
        return {"sure": False, "reasons": ["no model left to rank"], "off_domain": None}
    p = pick["p_correct"]
    floor = (router or {}).get("near_p01")
    off = None if near is None or floor is None else bool(near < floor)
    m = measured(bins, p)
    others = [r for r in block["models"] if r["model_id"] != pick["model_id"]]
    runner = max(others, key=lambda r: r["p_correct"]) if others else None
    reasons = []
    if off is None:
        reasons.append("the pool's nearness floor is not known yet (run `taskspace refresh --rebuild`)")
    else:
        reasons.append(f"{'outside' if off else 'inside'} the pool's prompts (cosine {near:.2f} to the nearest one; "
                       f"99 % of the pool's prompts have a neighbour above {floor:.2f})")
        if off and inside:
            reasons.append(f"it lies inside pool(s) {', '.join(inside)}: try --benchmark {inside[0]}")
    if m:
        reasons.append(f"its probability is measured ({m['n']:,} held-out results in its bin)")
    else:
        reasons.append("its probability is not measured on held-out prompts yet (run `taskspace publish`)")
    tie = runner is not None and p - runner["p_correct"] < CLOSE
    if runner is not None:
        reasons.append(f"{'near tie with' if tie else 'ahead of'} {runner['model_id']} "
                       f"({runner['p_correct']:.2f})")
    return {"sure": bool(off is False and m is not None and not tie), "reasons": reasons, "off_domain": off,
            "inside": inside,
            "measured": m, "nearest_cosine": near, "near_floor": floor,
            "runner_up": None if runner is None else runner["model_id"]}
