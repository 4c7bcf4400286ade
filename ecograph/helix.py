"""Triple-helix synergy: Leydesdorff's mutual information in three (or more) dimensions.

Leydesdorff measures the synergy among university, industry and government (政产学研) as the
co-information of the three sector dimensions of a set of records (projects, publications,
organisations):

.. math::

    T_{uig} = H_u + H_i + H_g - H_{ui} - H_{ug} - H_{ig} + H_{uig}

in bits (usually reported in millibits). A **negative** :math:`T_{uig}` is a reduction of
uncertainty that no pair of dimensions explains: synergy. A positive value means the
dimensions overlap (redundancy of bilateral relations).

For ``n`` dimensions ecograph uses the same inclusion–exclusion sum with alternating signs,

.. math::

    T_n = \\sum_{\\emptyset \\ne S \\subseteq \\{1..n\\}} (-1)^{|S|+1} H_S ,

which for ``n = 4`` is :math:`\\sum H_i - \\sum H_{ij} + \\sum H_{ijk} - H_{ijkl}` (Leydesdorff's
quadruple-helix formula). This is exactly McGill/Bell *co-information* as computed by
``dit.multivariate.coinformation``. Beware when reading signs: the co-information of
``n``-variable parity (pure synergy) is :math:`(-1)^n` bits, so "negative = synergy" is the
reading for odd ``n`` (3-D); in 4-D pure synergy shows as a positive value.

Two encodings turn an ecosystem into a table of counts:

* ``"presence"`` — each record (a project, grouping the ``collaborates`` relations that carry
  the same ``project`` attribute, or a given group of organisations) becomes one presence bit
  per dimension: does the record involve an organisation of that sector? Records with no
  sector of any dimension (e.g. intermediaries only) fall in the all-absent cell, which is kept
  only when ``include_none=True``; including it changes T, so the choice is explicit.
* ``"categorical"`` — each organisation is a record and each dimension an attribute of it
  (``sector``, ``region``, ``size`` ...), as in Leydesdorff's firm-level studies.

Count tables (a mapping ``cell tuple -> count`` or an ``n``-dimensional numpy array) are used
exactly as given.

Examples
--------
>>> from ecograph.helix import triple_helix
>>> # parity: industry present exactly when one of university/government is -> synergy
>>> table = {(0, 0, 0): 1, (0, 1, 1): 1, (1, 0, 1): 1, (1, 1, 0): 1}
>>> triple_helix(table).T
-1.0
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .compiled import compiled, index_of
from .errors import AnalysisError, NodeNotFoundError
from .results import TableResult
from .model import Ecosystem

__all__ = ["HELIX3", "HELIX4", "HelixResult", "triple_helix", "helix_table", "co_information"]

#: University, industry, government. In the Chinese 政产学研 setting, research institutes are
#: counted with universities (学研) in the three-dimensional model.
HELIX3: dict[str, tuple[str, ...]] = {
    "university": ("academia", "research"),
    "industry": ("industry",),
    "government": ("government",),
}

#: 政产学研 as four separate dimensions.
HELIX4: dict[str, tuple[str, ...]] = {
    "university": ("academia",),
    "industry": ("industry",),
    "government": ("government",),
    "research": ("research",),
}

_ENCODINGS = ("presence", "categorical")

@dataclass(frozen=True)
class HelixResult(TableResult):
    """The outcome of :func:`triple_helix`.

    Attributes
    ----------
    dimensions : tuple of str
        Dimension labels, in table-axis order.
    entropies : dict
        Shannon entropy in bits of every non-empty subset of dimensions (keyed by the tuple of
        labels, e.g. ``("university", "industry")``).
    counts : dict
        The count table: cell (tuple of per-dimension values) -> count, zero cells left out.
    records : int
        Total count (number of records).
    encoding : str
        ``"presence"``, ``"categorical"`` or ``"table"``.
    include_none : bool or None
        Whether the all-absent cell was kept (presence encoding only; ``None`` otherwise).
    skipped : int
        Records left out (all-absent presence records when ``include_none=False``;
        organisations lacking an attribute in the categorical encoding).
    """

    key = "entropy"

    dimensions: tuple[str, ...]
    entropies: dict[tuple[str, ...], float]
    counts: dict[tuple[Any, ...], int]
    records: int
    encoding: str
    include_none: bool | None = None
    skipped: int = 0
    _T: float = field(default=0.0, repr=False)

    @property
    def T(self) -> float:
        """Co-information of all dimensions in bits (negative = synergy in 3-D)."""
        return self._T

    @property
    def millibits(self) -> float:
        """:attr:`T` in millibits (mbits), the unit Leydesdorff reports."""
        return 1000.0 * self._T

    def rows(self) -> list[dict[str, Any]]:
        """Every subset entropy ``H(...)`` and ``T``, in bits."""
        return [{"entropy": f"H({','.join(s)})", "bits": h} for s, h in self.entropies.items()] + [{"entropy": "T", "bits": self._T}]

    def to_dict(self) -> dict[str, Any]:
        """Plain data: T in bits and millibits, each entropy ``H(a,b)``, sizes and options."""
        return {
            "dimensions": list(self.dimensions),
            "T_bits": self._T,
            "T_millibits": self.millibits,
            "entropies": {f"H({','.join(s)})": h for s, h in self.entropies.items()},
            "records": self.records,
            "skipped": self.skipped,
            "encoding": self.encoding,
            "include_none": self.include_none,
            "counts": [{"cell": list(c), "count": n} for c, n in self.counts.items()],
        }


def co_information(counts: np.ndarray | Mapping[tuple[Any, ...], float]) -> float:
    """Co-information (Leydesdorff's T) in bits of an ``n``-dimensional count table.

    Parameters
    ----------
    counts : numpy.ndarray or mapping
        Non-negative counts: an array with one axis per dimension, or ``{cell tuple: count}``.

    Returns
    -------
    float
        :math:`\\sum_{S} (-1)^{|S|+1} H_S` over the non-empty subsets of dimensions, in bits.

    Raises
    ------
    AnalysisError
        Negative counts, fewer than two dimensions or an empty table.

    Examples
    --------
    >>> import numpy as np
    >>> from ecograph.helix import co_information
    >>> co_information(np.array([[1, 0], [0, 1]]))  # two copies of one bit: I = 1 bit
    1.0
    """
    array, _ = _as_array(counts)
    return _co_information(_entropies(array))


def helix_table(
    eco: Ecosystem,
    dimensions: Mapping[str, Iterable[str]] | Sequence[str] | None = None,
    *,
    encoding: str = "presence",
    relations: str | Iterable[str] = "collaborates",
    by: str | None = "project",
    groups: Iterable[Iterable[str]] | None = None,
    include_none: bool = False,
) -> tuple[tuple[str, ...], dict[tuple[Any, ...], int], int]:
    """The count table behind :func:`triple_helix` for an ecosystem.

    Parameters
    ----------
    eco : Ecosystem
    dimensions : mapping or sequence, optional
        Presence encoding: ``{label: sectors}`` (default :data:`HELIX3`) or a sequence of
        sectors, each its own dimension. Categorical encoding: a sequence of node attribute
        names (``"sector"``, ``"kind"``, ``"region"`` ...).
    encoding : {"presence", "categorical"}
    relations : str or iterable of str
        Presence encoding: the relation types whose relations form the records.
    by : str or None
        Presence encoding: relations with the same value of this attribute form one record
        (a project); a relation without it is a record of its own. ``None``: every relation
        is a record.
    groups : iterable of iterables of ids, optional
        Presence encoding: explicit records (e.g. clusters of organisations) instead of
        relations.
    include_none : bool
        Presence encoding: keep records with no sector of any dimension (the all-absent cell).

    Returns
    -------
    (labels, counts, skipped)
        Dimension labels, ``{cell: count}`` and the number of records left out.

    Raises
    ------
    AnalysisError, NodeNotFoundError

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> from ecograph.helix import helix_table
    >>> eco = Ecosystem()
    >>> eco.add_org("u", "清华大学", kind="university"); eco.add_org("f", "电机厂")
    >>> eco.add_relation("u", "f", "collaborates", project="p1")
    >>> helix_table(eco)
    (('university', 'industry', 'government'), {(1, 1, 0): 1}, 0)
    """
    if encoding not in _ENCODINGS:
        raise AnalysisError(f"triple_helix: encoding {encoding!r}; expected one of {_ENCODINGS}", field="encoding")
    if encoding == "categorical":
        return _categorical_table(eco, dimensions)
    return _presence_table(eco, dimensions, relations, by, groups, include_none)


def triple_helix(
    data: Ecosystem | np.ndarray | Mapping[tuple[Any, ...], float],
    dimensions: Mapping[str, Iterable[str]] | Sequence[str] | None = None,
    *,
    encoding: str = "presence",
    relations: str | Iterable[str] = "collaborates",
    by: str | None = "project",
    groups: Iterable[Iterable[str]] | None = None,
    include_none: bool = False,
) -> HelixResult:
    """Leydesdorff's triple-helix (or n-helix) mutual information T.

    Parameters
    ----------
    data : Ecosystem, numpy.ndarray or mapping
        An ecosystem (turned into counts by :func:`helix_table` with the other parameters), an
        ``n``-dimensional array of counts, or ``{cell tuple: count}``. Tables are used as
        given (``encoding``, ``relations``, ``by``, ``groups`` and ``include_none`` apply
        to ecosystems only); for tables ``dimensions`` is an optional sequence of labels.
    dimensions, encoding, relations, by, groups, include_none
        See :func:`helix_table`.

    Returns
    -------
    HelixResult
        ``.T`` in bits (negative = synergy in 3-D), ``.millibits``, every subset entropy.

    Raises
    ------
    AnalysisError
        Fewer than two dimensions, negative counts, or no record at all.

    Examples
    --------
    >>> from ecograph import Ecosystem, triple_helix
    >>> eco = Ecosystem()
    >>> eco.add_org("u", "浙江大学", kind="university")
    >>> eco.add_org("f", "卧龙电驱")
    >>> eco.add_org("g", "科技厅", kind="government")
    >>> eco.add_relation("u", "f", "collaborates", project="电机")
    >>> eco.add_relation("f", "g", "collaborates", project="补贴")
    >>> eco.add_relation("u", "g", "collaborates", project="规划")
    >>> eco.add_org("h", "海尔"); eco.add_relation("f", "h", "collaborates", project="链")
    >>> r = triple_helix(eco)
    >>> round(r.millibits, 1), r.records
    (-188.7, 4)
    """
    if isinstance(data, Ecosystem):
        labels, counts, skipped = helix_table(
            data, dimensions, encoding=encoding, relations=relations, by=by,
            groups=groups, include_none=include_none,
        )
        array, cells = _as_array(counts)
        used_encoding, none_flag = encoding, (include_none if encoding == "presence" else None)
    else:
        array, cells = _as_array(data)
        labels = _table_labels(dimensions, array.ndim)
        skipped, used_encoding, none_flag = 0, "table", None
    subset_h = _entropies(array)
    entropies = {tuple(labels[i] for i in subset): h for subset, h in subset_h.items()}
    return HelixResult(
        dimensions=labels,
        entropies=entropies,
        counts=cells,
        records=int(array.sum()) if np.issubdtype(array.dtype, np.integer) else float(array.sum()),
        encoding=used_encoding,
        include_none=none_flag,
        skipped=skipped,
        _T=_co_information(subset_h),
    )


# ---------------------------------------------------------------------------------- internals
def _entropies(array: np.ndarray) -> dict[tuple[int, ...], float]:
    """Entropy in bits of the marginal of every non-empty subset of axes."""
    total = array.sum()
    out: dict[tuple[int, ...], float] = {}
    axes = range(array.ndim)
    for size in range(1, array.ndim + 1):
        for subset in itertools.combinations(axes, size):
            other = tuple(a for a in axes if a not in subset)
            p = array.sum(axis=other).ravel() / total
            p = p[p > 0]
            out[subset] = float(-(p * np.log2(p)).sum()) + 0.0  # + 0.0 turns -0.0 into 0.0
    return out


def _co_information(entropies: Mapping[tuple[int, ...], float]) -> float:
    value = sum((1.0 if len(s) % 2 else -1.0) * h for s, h in entropies.items())
    return float(round(value, 12)) + 0.0  # drop float dust so that exact cases read exactly


def _as_array(data: Any) -> tuple[np.ndarray, dict[tuple[Any, ...], Any]]:
    """(n-D count array, {cell: count} of non-zero cells) from an array or a mapping."""
    if isinstance(data, Mapping):
        cells = {tuple(k) if isinstance(k, tuple) else (k,): v for k, v in data.items()}
        widths = {len(k) for k in cells}
        if len(widths) > 1:
            raise AnalysisError(f"triple_helix: cells of different lengths {sorted(widths)}", field="counts")
        ndim = widths.pop() if widths else 0
        values = [_category_order({k[i] for k in cells}) for i in range(ndim)]
        position = [index_of(vals) for vals in values]
        array = np.zeros(tuple(len(v) for v in values), dtype=np.result_type(*[type(v) for v in cells.values()] or [int]))
        for cell, count in cells.items():
            array[tuple(position[i][c] for i, c in enumerate(cell))] += count
    else:
        array = np.asarray(data)
        if not (np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)):
            raise AnalysisError(f"triple_helix: counts must be numbers, got dtype {array.dtype}", field="counts")
        cells = {tuple(int(i) for i in idx): array[idx].item() for idx in zip(*np.nonzero(array))}
    if array.ndim < 2:
        raise AnalysisError(f"triple_helix: need at least 2 dimensions, got {array.ndim}", field="dimensions")
    if (array < 0).any():
        raise AnalysisError("triple_helix: counts must be non-negative", field="counts")
    if array.sum() <= 0:
        raise AnalysisError("triple_helix: no record to measure (all counts are zero)", field="counts")
    return array, {c: v for c, v in cells.items() if v}


def _category_order(values: set[Any]) -> list[Any]:
    try:
        return sorted(values)
    except TypeError:  # mixed types: a stable, type-aware order
        return sorted(values, key=lambda v: (type(v).__name__, repr(v)))


def _table_labels(dimensions: Any, ndim: int) -> tuple[str, ...]:
    if dimensions is None:
        return tuple(f"x{i + 1}" for i in range(ndim))
    labels = tuple(dimensions)
    if len(labels) != ndim:
        raise AnalysisError(
            f"triple_helix: {len(labels)} dimension labels for a {ndim}-dimensional table", field="dimensions"
        )
    return labels


def _presence_dimensions(dimensions: Any) -> dict[str, frozenset[str]]:
    if dimensions is None:
        dimensions = HELIX3
    if isinstance(dimensions, Mapping):
        dims = {str(label): frozenset([s] if isinstance(s, str) else s) for label, s in dimensions.items()}
    elif isinstance(dimensions, str):
        raise AnalysisError("triple_helix: dimensions must be a sequence of sectors, not one string", field="dimensions")
    else:
        dims = {str(s): frozenset([s]) for s in dimensions}
    if len(dims) < 2:
        raise AnalysisError(f"triple_helix: need at least 2 dimensions, got {list(dims)}", field="dimensions")
    return dims


def _presence_table(
    eco: Ecosystem,
    dimensions: Any,
    relations: str | Iterable[str],
    by: str | None,
    groups: Iterable[Iterable[str]] | None,
    include_none: bool,
) -> tuple[tuple[str, ...], dict[tuple[Any, ...], int], int]:
    dims = _presence_dimensions(dimensions)
    if groups is None:
        types = [relations] if isinstance(relations, str) else list(relations)
        for relation in types:
            if relation not in eco.vocabulary.relations:
                raise AnalysisError(
                    f"triple_helix: unknown relation type {relation!r}; expected one of {sorted(eco.vocabulary.relations)}",
                    field="relations",
                )
        records: dict[Hashable, set[str]] = {}
        for u, v, key, attrs in eco.relations(types):
            project = attrs.get(by) if by is not None else None
            record = ("project", project) if project is not None else ("relation", u, v, key)
            records.setdefault(record, set()).update((u, v))
        members: Iterable[Iterable[str]] = records.values()
    else:
        members = groups
    view = compiled(eco)
    sectors_of = view.column("sector")
    counts: dict[tuple[Any, ...], int] = {}
    skipped = 0
    for record in members:
        present: set[str] = set()
        for node in record:
            position = view.index.get(node)
            if position is None:
                raise NodeNotFoundError(f"triple_helix: group member {node!r} is not an organisation", id=node)
            present.add(sectors_of[position])
        cell = tuple(int(bool(present & sectors)) for sectors in dims.values())
        if not any(cell) and not include_none:
            skipped += 1
            continue
        counts[cell] = counts.get(cell, 0) + 1
    if not counts:
        raise AnalysisError(
            f"triple_helix: no {relations!r} record involves any of the sectors {sorted(set().union(*dims.values()))}",
            field="relations",
        )
    return tuple(dims), counts, skipped


def _categorical_table(
    eco: Ecosystem, dimensions: Any
) -> tuple[tuple[str, ...], dict[tuple[Any, ...], int], int]:
    if dimensions is None or isinstance(dimensions, (str, Mapping)):
        raise AnalysisError(
            "triple_helix: the categorical encoding needs a sequence of node attribute names, e.g. "
            "('sector', 'region', 'size')",
            field="dimensions",
        )
    attributes = tuple(dimensions)
    if len(attributes) < 2:
        raise AnalysisError(f"triple_helix: need at least 2 attributes, got {list(attributes)}", field="dimensions")
    counts: dict[tuple[Any, ...], int] = {}
    skipped = 0
    for data in compiled(eco).records:
        cell = tuple(data.get(a) for a in attributes)
        if any(v is None for v in cell):
            skipped += 1
            continue
        cell = tuple(tuple(v) if isinstance(v, list) else v for v in cell)
        counts[cell] = counts.get(cell, 0) + 1
    if not counts:
        raise AnalysisError(f"triple_helix: no organisation has all of the attributes {list(attributes)}", field="dimensions")
    return attributes, counts, skipped
