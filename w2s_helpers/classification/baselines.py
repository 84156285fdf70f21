"""Weak-label improvement on the strong model's features (EleutherAI's w2s baselines).

A probe fitted on the strong model's frozen features against the weak labels either
*relabels* (its predictions replace the weak labels) or *filters* (the `contamination`
share of examples it disagrees with most are dropped). Probes: kNN (the mean weak label of
the k nearest neighbours, L2, the point itself included, as the peer), logistic regression
(L-BFGS, L2 penalty 1e-3, fitted on the training half, no cross-fitting), and the
topological filter (TopoFilter: one kNN graph over all points, as EleutherAI's; the largest
strongly connected component of each class's edges in it, so a point whose neighbours are
of the other class drops out; then the points whose label disagrees most with their
neighbours, of both classes, among those kept).
Validation labels are changed the same way, with the probe fitted on the training part;
the test set is never touched.
"""

from __future__ import annotations

import numpy as np
import torch

LOGREG_L2 = 1e-3  # EleutherAI's default penalty


def knn_predict(train_x: torch.Tensor, train_y: torch.Tensor, x: torch.Tensor, k: int) -> torch.Tensor:
    """The mean class-1 weak label of each query's k nearest training points (L2)."""
    k = min(k, train_x.shape[0])
    idx = torch.cdist(x.float(), train_x.float()).topk(k, largest=False).indices
    return train_y[idx].mean(1)


def logreg_predict(
    train_x: torch.Tensor, train_y: torch.Tensor, x: torch.Tensor, l2: float = LOGREG_L2
) -> torch.Tensor:
    """P(class 1) of a logistic regression fitted to the soft labels (BCE + l2 |w|^2)."""
    w = torch.zeros(train_x.shape[1], requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    X = train_x.float()
    opt = torch.optim.LBFGS([w, b], line_search_fn="strong_wolfe", max_iter=1000)

    def closure():
        opt.zero_grad()
        loss = (
            torch.nn.functional.binary_cross_entropy_with_logits(X @ w + b, train_y.float())
            + l2 * (w * w).sum()
        )
        loss.backward()
        return loss

    opt.step(closure)
    with torch.no_grad():
        return torch.sigmoid(x.float() @ w + b)


def _neighbours(x: torch.Tensor, k: int) -> torch.Tensor:
    """Each point's k nearest other points (L2), over all the points given."""
    d = torch.cdist(x.float(), x.float())
    d.fill_diagonal_(float("inf"))
    return d.topk(min(k, len(x) - 1), largest=False).indices


def _largest_component(nn: np.ndarray, members: np.ndarray) -> np.ndarray:
    """Indices of the largest strongly connected component among `members` in the kNN graph
    `nn` (built over all points), keeping only its edges between members: a member whose
    nearest neighbours are of the other class has no edge left and stands alone."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    if len(members) <= 1:
        return members
    inside = np.zeros(len(nn), dtype=bool)
    inside[members] = True
    rows = np.repeat(np.arange(len(nn)), nn.shape[1])
    cols = nn.ravel()
    edge = inside[rows] & inside[cols]
    graph = csr_matrix((np.ones(edge.sum()), (rows[edge], cols[edge])), shape=(len(nn), len(nn)))
    _, labels = connected_components(graph, directed=True, connection="strong")
    return members[labels[members] == np.bincount(labels[members]).argmax()]


def topo_keep(x: torch.Tensor, y: torch.Tensor, contamination: float, k: int) -> np.ndarray:
    """TopoFilter: one kNN graph over all points (as EleutherAI's w2s); keep each class's
    largest strongly connected component of that graph's same-class edges, then drop the
    points whose label is farthest from their neighbours' (of both classes) within the kept
    points, to the budget."""
    hard = (y > 0.5).numpy()
    if len(y) < 2:
        return np.arange(len(y))
    nn = _neighbours(x, k).numpy()
    core = np.concatenate([_largest_component(nn, np.flatnonzero(hard == c)) for c in (0, 1)])
    core.sort()
    budget = max(round(len(y) * contamination) - (len(y) - len(core)), 0)
    if budget == 0 or len(core) < 2:
        return core
    nn = _neighbours(x[core], k)
    disagreement = (y[core] - y[core][nn].mean(1)).abs()
    drop = set(disagreement.topk(budget).indices.tolist())
    return np.array([c for i, c in enumerate(core) if i not in drop])


def probe_predict(name: str, train_x, train_y, x, k: int) -> torch.Tensor:
    if name == "knn":
        return knn_predict(train_x, train_y, x, k)
    if name == "logreg":
        return logreg_predict(train_x, train_y, x)
    if name == "topo":  # topolabel: the kNN mean label over the training core
        core = topo_keep(train_x, train_y, 0.0, k)
        return knn_predict(train_x[core], train_y[core], x, k)
    raise ValueError(f"unknown probe {name!r}: expected knn, logreg or topo")


def improve(
    how: str, probe: str, train_x, train_y, val_x, val_y, contamination: float, k: int
) -> tuple[np.ndarray, torch.Tensor, np.ndarray, torch.Tensor, dict]:
    """Relabel or filter the weak class-1 labels of the training and validation parts.
    Returns (kept train indices, train labels, kept val indices, val labels, stats)."""
    keep_t, keep_v = np.arange(len(train_y)), np.arange(len(val_y))
    if how == "relabel":
        new_t = probe_predict(probe, train_x, train_y, train_x, k)
        new_v = probe_predict(probe, train_x, train_y, val_x, k)
        return (
            keep_t,
            new_t,
            keep_v,
            new_v,
            {"relabel": probe, "changed_hard_labels": int(((new_t > 0.5) != (train_y > 0.5)).sum())},
        )
    if probe == "topo":
        keep_t = topo_keep(train_x, train_y, contamination, k)
        keep_v = topo_keep(val_x, val_y, contamination, k)
    else:
        for part, (x, y) in (("t", (train_x, train_y)), ("v", (val_x, val_y))):
            p = probe_predict(probe, train_x, train_y, x, k)
            order = (p - y).abs().argsort(descending=True).numpy()
            keep = np.sort(order[int(contamination * len(y)) :])
            keep_t, keep_v = (keep, keep_v) if part == "t" else (keep_t, keep)
    stats = {
        "filter": probe,
        "train_kept": int(len(keep_t)),
        "train_dropped": int(len(train_y) - len(keep_t)),
    }
    return keep_t, train_y[keep_t], keep_v, val_y[keep_v], stats
