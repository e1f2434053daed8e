"""Which K prompts a new model should answer first: random, stratified by category, or informative (where the known
models' predicted probabilities disagree, spread over categories; or anchors of clusters of the known predictions)."""
from __future__ import annotations

import numpy as np

STRATEGIES = ("random", "stratified", "disagreement", "anchor", "difficulty")


def allocate(counts: np.ndarray, k: int) -> np.ndarray:
    """K draws split over groups of sizes COUNTS in proportion (largest remainder), never more than a group holds."""
    counts = np.asarray(counts, dtype=np.int64)
    k = min(int(k), int(counts.sum()))
    quota = k * counts / max(counts.sum(), 1)
    out = np.minimum(np.floor(quota).astype(np.int64), counts)
    for g in np.argsort(-(quota - out), kind="stable"):
        if out.sum() >= k:
            break
        if out[g] < counts[g]:
            out[g] += 1
    while out.sum() < k:   # groups full: the rest from any group with room
        out[np.flatnonzero(out < counts)[0]] += 1
    return out


def _weighted(rng: np.random.Generator, rows: np.ndarray, k: int, w: np.ndarray | None) -> np.ndarray:
    """K of ROWS drawn without replacement, with probability in proportion to W (None: uniform)."""
    if k <= 0:
        return rows[:0]
    if w is not None:
        w = np.maximum(np.asarray(w, dtype=np.float64), 1e-12)
        w = w / w.sum()
        if (w > 0).sum() < k:
            w = None
    return rng.choice(rows, size=k, replace=False, p=w)


def stratified(rows: np.ndarray, category: np.ndarray, k: int, rng: np.random.Generator,
               weight: np.ndarray | None = None) -> np.ndarray:
    """K of ROWS allotted to categories in proportion to their size, drawn within each (in proportion to WEIGHT)."""
    cats = np.unique(category[rows])
    groups = [rows[category[rows] == c] for c in cats]
    n = allocate(np.array([len(g) for g in groups]), k)
    pick = [_weighted(rng, g, int(m), None if weight is None else weight[g]) for g, m in zip(groups, n)]
    return np.sort(np.concatenate(pick))


def disagreement(P: np.ndarray) -> np.ndarray:
    """How much the known models disagree on each prompt: the spread of their predicted probabilities."""
    return np.std(P, axis=1) + 1e-3


def anchors(F: np.ndarray, rows: np.ndarray, k: int, rng: np.random.Generator, iters: int = 15) -> np.ndarray:
    """K anchor prompts (tinyBenchmarks' idea): k-means of the rows' features F, the prompt nearest each centre."""
    Z = np.asarray(F[rows], dtype=np.float64)
    k = min(k, len(rows))
    C = Z[rng.choice(len(Z), k, replace=False)]
    z2 = (Z ** 2).sum(1)
    for _ in range(iters):
        lab = np.argmin(z2[:, None] - 2 * Z @ C.T + (C ** 2).sum(1)[None, :], axis=1)
        for c in range(k):
            m = lab == c
            if m.any():
                C[c] = Z[m].mean(0)
    D = z2[:, None] - 2 * Z @ C.T + (C ** 2).sum(1)[None, :]
    chosen: list[int] = []
    taken = np.zeros(len(Z), dtype=bool)
    for c in range(k):   # the nearest prompt not yet taken
        order = np.argsort(D[:, c])
        i = int(order[np.flatnonzero(~taken[order])[0]])
        taken[i] = True
        chosen.append(i)
    return np.sort(rows[np.array(chosen)])


def plan(strategy: str, rows: np.ndarray, k: int, seed: int = 0, category: np.ndarray | None = None,
         P: np.ndarray | None = None, F: np.ndarray | None = None) -> np.ndarray:
    """K prompt rows (of ROWS, sorted) chosen by STRATEGY, seeded; P: the known models' probabilities (prompts x
    models), needed by the informative strategies; F: features to cluster for 'anchor' (default P; e.g. the known
    models' own results); CATEGORY: each prompt's category (None: one category)."""
    rows = np.asarray(rows)
    rng = np.random.default_rng(seed)
    cat = np.zeros(int(rows.max()) + 1 if len(rows) else 0, dtype=object) if category is None else category
    if strategy == "random":
        return np.sort(rng.choice(rows, size=min(k, len(rows)), replace=False))
    if strategy == "stratified":
        return stratified(rows, cat, k, rng)
    if P is None:
        raise ValueError(f"strategy {strategy!r} needs the known models' probabilities P")
    if strategy == "disagreement":
        return stratified(rows, cat, k, rng, disagreement(P))
    if strategy == "anchor":
        return anchors(P if F is None else F, rows, k, rng)
    if strategy == "difficulty":   # strata: category x quartile of the known models' mean success
        d = (P if F is None else F).mean(1)
        q = np.searchsorted(np.quantile(d[rows], [0.25, 0.5, 0.75]), d)
        return stratified(rows, np.array([f"{c}|{b}" for c, b in zip(cat, q)], dtype=object), k, rng)
    raise ValueError(f"unknown strategy {strategy!r} ({' | '.join(STRATEGIES)})")
