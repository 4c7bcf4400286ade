"""Regional districts (片区): a balanced partition of centres, compared with the declared one.

:func:`propose_districts` groups centres into ``k`` districts of near-equal size by region,
attributes or coordinates, and compares the proposal with the declared districts (adjusted
Rand index, :func:`adjusted_rand_index`).

Examples
--------
>>> adjusted_rand_index([0, 0, 1, 1], [1, 1, 0, 0])
1.0
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp

from .compiled import codes, node_attribute
from .errors import AnalysisError
from .hierarchies import _numeric_column, _parents
from .results import TableResult

if TYPE_CHECKING:  # pragma: no cover
    from .model import Ecosystem

__all__ = ["DistrictProposal", "propose_districts", "adjusted_rand_index"]


# ---------------------------------------------------------------------------- regional partition
def adjusted_rand_index(labels_a: Sequence[Any], labels_b: Sequence[Any]) -> float:
    """Adjusted Rand index of two partitions of the same items (1 = identical, ~0 = chance).

    Examples
    --------
    >>> adjusted_rand_index([0, 0, 1, 1], [1, 1, 0, 0])
    1.0
    >>> round(adjusted_rand_index([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2]), 6)
    0.242424
    """
    if len(labels_a) != len(labels_b):
        raise AnalysisError(f"adjusted_rand_index: {len(labels_a)} labels against {len(labels_b)}")
    a, _ = codes(list(labels_a))
    b, _ = codes(list(labels_b))
    n = len(a)
    if n < 2:
        return 1.0
    table = sp.coo_array((np.ones(n), (a, b))).tocsr()
    table.sum_duplicates()

    def pairs(x: np.ndarray) -> float:
        return float((x * (x - 1) / 2).sum())

    index = pairs(table.data)
    rows = pairs(np.asarray(table.sum(axis=1)).ravel())
    cols = pairs(np.asarray(table.sum(axis=0)).ravel())
    expected = rows * cols / (n * (n - 1) / 2)
    maximum = (rows + cols) / 2
    if maximum == expected:  # both partitions trivial (one cluster each, or all singletons)
        return 1.0
    return float((index - expected) / (maximum - expected))


@dataclass(frozen=True)
class DistrictProposal(TableResult):
    """A proposed partition of centres into districts, compared with the declared one.

    Attributes
    ----------
    centres : list of str
    labels : numpy.ndarray
        Proposed district number (0 … k−1) per centre.
    declared : list
        Declared district per centre (its ``part_of`` parent; ``None`` when it has none).
    sizes : list of int
        Centres per proposed district.
    ari : float
        Adjusted Rand index against the declared districts (``nan`` when none is declared).
    confusion : list of dict
        Declared district × proposed district counts.
    regions : list of dict
        Per proposed district: its size and its regions, largest first.
    """

    key = "centre"

    centres: list[str]
    labels: np.ndarray
    declared: list[Any]
    sizes: list[int]
    ari: float
    confusion: list[dict[str, Any]]
    regions: list[dict[str, Any]]

    def assignment(self) -> dict[str, int]:
        return dict(zip(self.centres, self.labels.tolist()))

    def rows(self) -> list[dict[str, Any]]:
        """One row per centre: ``centre``, ``proposed`` district, ``declared`` district."""
        return [{"centre": c, "proposed": int(p), "declared": d} for c, p, d in zip(self.centres, self.labels, self.declared)]

    def to_dict(self) -> dict[str, Any]:
        return {"sizes": self.sizes, "ari": self.ari, "confusion": self.confusion, "regions": self.regions,
                "assignment": self.assignment()}


#: Approximate latitude and longitude of each provincial capital: "地理位置相近" for
#: :func:`propose_districts` when centres carry a province or region name.
PROVINCE_COORDINATES: dict[str, tuple[float, float]] = {
    "北京": (39.9, 116.4), "天津": (39.1, 117.2), "河北": (38.0, 114.5), "山西": (37.9, 112.5),
    "内蒙古": (40.8, 111.7), "辽宁": (41.8, 123.4), "吉林": (43.9, 125.3), "黑龙江": (45.8, 126.6),
    "上海": (31.2, 121.5), "江苏": (32.1, 118.8), "浙江": (30.3, 120.2), "安徽": (31.8, 117.3),
    "福建": (26.1, 119.3), "江西": (28.7, 115.9), "山东": (36.7, 117.0), "河南": (34.8, 113.7),
    "湖北": (30.6, 114.3), "湖南": (28.2, 113.0), "广东": (23.1, 113.3), "广西": (22.8, 108.3),
    "海南": (20.0, 110.3), "重庆": (29.6, 106.5), "四川": (30.7, 104.1), "贵州": (26.6, 106.7),
    "云南": (25.0, 102.7), "西藏": (29.7, 91.1), "陕西": (34.3, 108.9), "甘肃": (36.1, 103.8),
    "青海": (36.6, 101.8), "宁夏": (38.5, 106.3), "新疆": (43.8, 87.6),
}


def _location(eco: Ecosystem, centres: list[str], region: str, coordinates: Mapping[str, tuple[float, float]],
              weight: float) -> np.ndarray:
    """Standardised (lat, lon) of each centre's region, scaled by ``weight`` (unknown: the mean)."""
    values = node_attribute(eco, centres, region)
    known = np.array([v in coordinates for v in values])
    xy = np.array([coordinates.get(v, (np.nan, np.nan)) for v in values], dtype=np.float64).reshape(-1, 2)
    if not known.any():
        return np.zeros((len(centres), 0))
    mean = xy[known].mean(axis=0)
    xy[~known] = mean
    spread = xy[known].std(axis=0).mean() or 1.0  # one scale for both axes keeps distances isotropic
    return (xy - mean) / spread * weight


def _features(eco: Ecosystem, centres: list[str], weights: Mapping[str, float]) -> np.ndarray:
    """One-hot blocks per categorical attribute, scaled by its weight; numeric attributes
    standardised and scaled (missing values at the mean)."""
    blocks = []
    for attr, weight in weights.items():
        values = node_attribute(eco, centres, attr)
        numeric = _numeric_column(values)
        if numeric is not None:
            x = np.asarray(numeric, dtype=np.float64)
            present = np.array([v is not None for v in values])
            mean = x[present].mean()
            x[~present] = mean
            spread = x.std() or 1.0
            blocks.append(((x - mean) / spread * weight)[:, None])
        else:
            code, cats = codes(["(none)" if v is None else v for v in values])
            onehot = np.zeros((len(centres), len(cats)))
            onehot[np.arange(len(centres)), code] = weight
            blocks.append(onehot)
    return np.hstack(blocks) if blocks else np.zeros((len(centres), 1))


def _balanced_assign(distance: np.ndarray, capacity: int, floor: int = 0) -> np.ndarray:
    """Assign points to clusters nearest first, at least ``floor`` and at most ``capacity`` each.

    Each round every free point bids for its nearest cluster that still has room; each cluster
    keeps its nearest bidders up to its room (rounds <= clusters). Then every cluster below
    ``floor`` takes the points nearest to it from clusters that can spare them.
    """
    n, k = distance.shape
    label = np.full(n, -1, dtype=np.int64)
    room = np.full(k, capacity, dtype=np.int64)
    free = np.arange(n)
    while len(free):
        open_ = room > 0
        masked = np.where(open_[None, :], distance[free], np.inf)
        choice = np.argmin(masked, axis=1)
        for c in np.unique(choice).tolist():  # at most k clusters per round
            bidders = free[choice == c]
            take = bidders[np.argsort(distance[bidders, c], kind="stable")[: room[c]]]
            label[take] = c
            room[c] -= len(take)
        free = free[label[free] < 0]
    sizes = np.bincount(label, minlength=k)
    for c in np.argsort(sizes, kind="stable").tolist():  # smallest first; at most k repairs
        short = floor - sizes[c]
        if short <= 0:
            continue
        donors = np.flatnonzero((sizes[label] > floor) & (label != c))
        # nearest to c first, taking from each donor only what it can spare
        donors = donors[np.argsort(distance[donors, c], kind="stable")]
        spare = sizes - floor
        taken = []
        for p in donors.tolist():  # stops after ``short`` points
            if spare[label[p]] > 0:
                spare[label[p]] -= 1
                taken.append(p)
                if len(taken) == short:
                    break
        for p in taken:
            sizes[label[p]] -= 1
        label[taken] = c
        sizes[c] += len(taken)
    return label


def _balanced_kmeans(
    x: np.ndarray, k: int, capacity: int, floor: int, rng: np.random.Generator, max_iter: int
) -> tuple[np.ndarray, float]:
    """One run of capacity-limited k-means from a k-means++ start: labels and total squared distance."""
    n = len(x)
    centroids = [x[rng.integers(n)]]
    for _ in range(1, k):
        d2 = np.min([((x - c) ** 2).sum(axis=1) for c in centroids], axis=0)
        total = d2.sum()
        centroids.append(x[rng.choice(n, p=d2 / total)] if total > 0 else x[rng.integers(n)])
    center = np.array(centroids)
    label = np.full(n, -1)
    for _ in range(max_iter):
        distance = ((x[:, None, :] - center[None, :, :]) ** 2).sum(axis=2)
        new = _balanced_assign(distance, capacity, floor)
        if np.array_equal(new, label):
            break
        label = new
        counts = np.bincount(label, minlength=k)
        sums = np.zeros_like(center)
        np.add.at(sums, label, x)
        center = np.where(counts[:, None] > 0, sums / np.maximum(counts, 1)[:, None], center)
    cost = float(((x - center[label]) ** 2).sum())
    return label, cost


def propose_districts(
    eco: Ecosystem,
    k: int | None = None,
    *,
    centres: Iterable[str] | None = None,
    region: str | None = None,
    weights: Mapping[str, float] | None = None,
    coordinates: Mapping[str, tuple[float, float]] | None = None,
    location_weight: float = 2.0,
    tolerance: float = 0.1,
    seed: int = 0,
    n_init: int = 10,
    max_iter: int = 100,
) -> DistrictProposal:
    """Propose ``k`` balanced districts for a set of centres from region and industry similarity.

    Balanced k-means: centres are points in a feature space (one-hot blocks for categorical
    attributes such as ``region`` and ``industry``, standardised numeric attributes such as
    coordinates, each block scaled by its weight); k-means++ seeding with ``seed``, then
    alternate a size-limited assignment (at most ⌈n/k · (1 + tolerance)⌉ and at least
    ⌊n/k · (1 − tolerance)⌋ centres per district, nearest first) and centroid updates until
    the assignment is stable; the
    tightest of ``n_init`` restarts wins. The result is deterministic given ``seed``; it is compared with the declared districts (each centre's
    ``part_of`` parent) by the adjusted Rand index.

    Parameters
    ----------
    eco : Ecosystem
    k : int, optional
        Number of districts (default: the number of declared districts, else 10).
    centres : iterable of str, optional
        Default: every ``productivity_center``.
    region : str, optional
        The attribute naming each centre's region (default: ``region`` if centres have it,
        else ``province``).
    weights : mapping, optional
        attribute -> weight; default ``{region: 1.0, "industry": 0.5}``.
    coordinates : mapping, optional
        region value -> (latitude, longitude), so that neighbouring regions group together;
        default :data:`PROVINCE_COORDINATES` (Chinese provinces); an empty mapping disables it.
    location_weight : float
        Weight of the standardised coordinates.
    tolerance : float
        Allowed relative deviation from the mean district size, both ways.
    seed : int
    n_init : int
        Restarts from different k-means++ seeds.
    max_iter : int

    Returns
    -------
    DistrictProposal

    Raises
    ------
    AnalysisError
        ``k`` < 1 or larger than the number of centres.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem()
    >>> for i, region in enumerate(["辽宁", "辽宁", "吉林", "广东", "广东", "广西"]):
    ...     eco.add_org(f"c{i}", kind="productivity_center", region=region, industry="机械" if i < 3 else "电子")
    >>> p = propose_districts(eco, 2, tolerance=0.0)
    >>> p.sizes, p.labels.tolist() in ([0, 0, 0, 1, 1, 1], [1, 1, 1, 0, 0, 0])
    ([3, 3], True)
    """
    picks = eco.nodes("productivity_center") if centres is None else list(centres)
    n = len(picks)
    parents = _parents(eco)
    declared = [parents.get(c) for c in picks]
    if k is None:
        k = len({d for d in declared if d is not None}) or 10
    if not 1 <= k <= max(n, 1) or n == 0:
        raise AnalysisError(f"propose_districts: cannot make {k} districts from {n} centres", field="k", value=k)
    if region is None:
        region = next((a for a in ("region", "province") if any(v is not None for v in node_attribute(eco, picks, a))),
                      "region")
    x = _features(eco, picks, {region: 1.0, "industry": 0.5} if weights is None else weights)
    places = PROVINCE_COORDINATES if coordinates is None else coordinates
    if places:
        x = np.hstack([x, _location(eco, picks, region, places, location_weight)])
    capacity = int(np.ceil(n / k * (1 + tolerance)))
    floor = int(np.floor(n / k * max(1 - tolerance, 0)))
    rng = np.random.default_rng(seed)
    best: tuple[float, np.ndarray] | None = None
    for _ in range(n_init):  # restarts: keep the tightest partition
        label, cost = _balanced_kmeans(x, k, capacity, floor, rng, max_iter)
        if best is None or cost < best[0] - 1e-12:
            best = (cost, label)
    label = best[1]
    has_declared = [d is not None for d in declared]
    ari = (adjusted_rand_index([d for d, h in zip(declared, has_declared) if h], label[has_declared])
           if any(has_declared) else float("nan"))
    confusion: dict[Any, list[int]] = {}
    for d, p in zip(declared, label.tolist()):
        confusion.setdefault(d, [0] * k)[p] += 1
    regions_of = node_attribute(eco, picks, region, "(none)")
    regions = []
    for c in range(k):
        members = [regions_of[i] for i in np.flatnonzero(label == c)]
        regions.append({"district": c, "size": len(members), "regions": _top_counts(members)})
    return DistrictProposal(
        picks, label, declared, np.bincount(label, minlength=k).tolist(), ari,
        [{"declared": d, **{f"proposed_{c}": v for c, v in enumerate(row)}} for d, row in confusion.items()],
        regions,
    )


def _top_counts(values: list[Any], limit: int = 6) -> str:
    table: dict[Any, int] = {}
    for v in values:
        table[v] = table.get(v, 0) + 1
    top = sorted(table.items(), key=lambda kv: (-kv[1], str(kv[0])))
    return ", ".join(f"{v} {c}" for v, c in top[:limit]) + (" …" if len(top) > limit else "")
