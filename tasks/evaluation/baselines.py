"""Trained and nearest-neighbour baselines the operators are measured against (seeded, evaluation only)."""
from __future__ import annotations

import numpy as np

from tasks.evaluation.data import EvalData, Fold, train_rows
from tasks.evaluation.metrics import auc

K_GRID = (11, 21, 41, 81, 131, 201, 301)


def base_rate(data: EvalData, fold: Fold, **_) -> dict:
    """Each model's training accuracy as its success probability on every prompt."""
    train, test = fold.train, fold.test
    p = np.nanmean(data.Y[train] > 0, axis=0, where=~np.isnan(data.Y[train]))
    return {"score": np.tile(p, (len(test), 1)), "threshold": 0.5}


def _knn_curves(data: EvalData, train: np.ndarray, rows: np.ndarray, ks: tuple[int, ...]) -> np.ndarray:
    """(len(ks) x rows x models): mean correctness of each model on the k training prompts most cosine-similar to
    each row's prompt (+0.5 / +1 smoothing), for every k in KS at once."""
    Xtr, Xte = data.X(train), data.X(rows)
    known = ~np.isnan(data.Y[train])
    correct = np.where(known, data.Y[train] > 0, 0.0)
    kmax = min(max(ks), len(train))
    out = np.empty((len(ks), len(rows), len(data.models)))
    for s in range(0, len(rows), 1024):
        sim = Xte[s:s + 1024] @ Xtr.T
        nn = np.argpartition(-sim, kmax - 1, axis=1)[:, :kmax]
        nn = np.take_along_axis(nn, np.argsort(-np.take_along_axis(sim, nn, 1), axis=1, kind="stable"), 1)
        c, n = correct[nn].cumsum(1), known[nn].cumsum(1)
        for i, k in enumerate(ks):
            out[i, s:s + 1024] = (c[:, min(k, kmax) - 1] + 0.5) / (n[:, min(k, kmax) - 1] + 1.0)
    return out


def knn(data: EvalData, fold: Fold, ks: tuple[int, ...] = K_GRID, **_) -> dict:
    """Mean correctness of each model on the k training prompts nearest the prompt, k tuned on validation AUC."""
    k = ks[0]
    if len(ks) > 1 and len(fold.val):
        known = ~np.isnan(data.Y[fold.val])
        lab = data.Y[fold.val][known] > 0
        val = [auc(p[known], lab) for p in _knn_curves(data, fold.train, fold.val, ks)]
        k = ks[int(np.nanargmax(val))]
    return {"score": _knn_curves(data, fold.train, fold.test, (k,))[0], "threshold": 0.5, "params": {"k": k}}


def logistic(data: EvalData, fold: Fold, C: float = 1.0, **_) -> dict:
    """Per-model L2 logistic regression on the prompt embedding (scikit-learn, lbfgs)."""
    train, test = fold.train, fold.test
    from sklearn.linear_model import LogisticRegression

    Xte = data.X(test)
    out = np.empty((len(test), len(data.models)))
    for j in range(len(data.models)):
        X, y = train_rows(data, train, j)
        clf = LogisticRegression(C=C, max_iter=2000).fit(X, y > 0)
        out[:, j] = clf.predict_proba(Xte)[:, 1]
    return {"score": out, "threshold": 0.5, "params": {"C": C}}


def matrix_factorisation(data: EvalData, fold: Fold, dim: int = 64, epochs: int = 10, seed: int = 0, **_) -> dict:
    """EmbedLLM-style: sigmoid(w . (model_embedding * (W x)) + bias), trained with Adam on the training results."""
    train, test = fold.train, fold.test
    import torch

    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    r, c = np.nonzero(~np.isnan(data.Y[train]))
    X = torch.tensor(data.V[data.KEY[train[r], c]], dtype=torch.float32)
    m = torch.tensor(c, dtype=torch.long)
    y = torch.tensor(data.Y[train[r], c] > 0, dtype=torch.float32)
    n_models, d = len(data.models), data.V.shape[1]
    proj = torch.nn.Linear(d, dim)
    emb = torch.nn.Embedding(n_models, dim)
    head = torch.nn.Linear(dim, 1)
    bias = torch.nn.Embedding(n_models, 1)
    torch.nn.init.zeros_(bias.weight)
    params = [*proj.parameters(), *emb.parameters(), *head.parameters(), *bias.parameters()]
    opt = torch.optim.Adam(params, lr=1e-3, weight_decay=1e-5)
    loss_fn = torch.nn.BCEWithLogitsLoss()

    def logits(xb, mb):
        return head(torch.nn.functional.dropout(proj(xb), 0.2, proj.training) * emb(mb)).squeeze(1) + bias(mb).squeeze(1)

    for _ in range(epochs):
        proj.train()
        for idx in torch.randperm(len(y), generator=gen).split(2048):
            opt.zero_grad()
            loss_fn(logits(X[idx], m[idx]), y[idx]).backward()
            opt.step()
    proj.eval()
    with torch.no_grad():
        Xte = torch.tensor(data.X(test), dtype=torch.float32)
        out = np.stack([torch.sigmoid(logits(Xte, torch.full((len(test),), j, dtype=torch.long))).numpy()
                        for j in range(n_models)], axis=1)
    return {"score": out, "threshold": 0.5, "params": {"dim": dim, "epochs": epochs, "seed": seed}}
