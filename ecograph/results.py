"""Result containers: per-node values over a numpy array.

Examples
--------
>>> import numpy as np
>>> from ecograph.results import NodeValues
>>> v = NodeValues(["a", "b", "c"], np.array([0.2, 0.5, 0.3]), name="pagerank")
>>> v["b"], v.top(2)
(0.5, [('b', 0.5), ('c', 0.3)])
>>> v.to_dict()
{'a': 0.2, 'b': 0.5, 'c': 0.3}
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from .compiled import LazyIndex
from .errors import AnalysisError, NodeNotFoundError

__all__ = ["NodeValues", "TableResult", "rows_to_pandas", "competition_ranks"]


class NodeValues(Mapping[Any, Any]):
    """A read-only ``Mapping[node, value]`` backed by a numpy array.

    Parameters
    ----------
    nodes : sequence
        Node ids, in array order.
    array : numpy.ndarray
        One value per node (made read-only).
    name : str, optional
        What the values are (used as column name by :meth:`to_pandas`).
    index : dict, optional
        Precomputed node -> position map (shared with a compiled graph to avoid rebuilding it).

    Notes
    -----
    Iteration follows array order. Values come back as Python ``float``/``int`` so that
    ``to_dict()`` equals what networkx returns.

    Examples
    --------
    >>> import numpy as np
    >>> v = NodeValues(["a", "b"], np.array([0.25, 0.75]), name="share")
    >>> v["b"], list(v), v.top(1)
    (0.75, ['a', 'b'], [('b', 0.75)])
    """

    __slots__ = ("_nodes", "_array", "_index", "name")

    def __init__(
        self,
        nodes: Sequence[Any],
        array: np.ndarray,
        name: str = "value",
        index: Mapping[Any, int] | None = None,
    ) -> None:
        array = np.asarray(array)
        if array.ndim != 1 or len(array) != len(nodes):
            raise AnalysisError(f"NodeValues: {len(nodes)} nodes but array of shape {array.shape}", field="array")
        array = array.view()  # a read-only view; the caller's buffer stays its own
        array.flags.writeable = False
        self._nodes = nodes if isinstance(nodes, (list, tuple)) else list(nodes)
        self._array = array
        self._index = index if index is not None else LazyIndex(self._nodes)
        self.name = name

    @property
    def array(self) -> np.ndarray:
        """The values as a read-only numpy array, in :attr:`nodes` order."""
        return self._array

    @property
    def nodes(self) -> list[Any]:
        """The node ids, in array order."""
        return list(self._nodes)

    def _position(self, node: Any) -> int:
        try:
            return self._index[node]
        except (KeyError, TypeError):
            raise NodeNotFoundError(f"{self.name}: no value for node {node!r}", id=node) from None

    def __getitem__(self, node: Any) -> Any:
        return self._array[self._position(node)].item()

    def __contains__(self, node: object) -> bool:
        try:
            self._position(node)
        except NodeNotFoundError:
            return False
        return True

    def __iter__(self) -> Iterator[Any]:
        return iter(self._nodes)

    def __len__(self) -> int:
        return len(self._nodes)

    def top(self, k: int = 10) -> list[tuple[Any, Any]]:
        """The ``k`` largest values as ``(node, value)``, ties broken by array order."""
        if k <= 0 or len(self) == 0:
            return []
        order = np.argsort(-self._array, kind="stable")[:k]
        return [(self._nodes[i], self._array[i].item()) for i in order]

    def to_dict(self) -> dict[Any, Any]:
        """A plain ``dict`` (what networkx would return)."""
        return dict(zip(self._nodes, self._array.tolist()))

    def to_pandas(self) -> Any:
        """A :class:`pandas.Series` indexed by node (needs pandas)."""
        try:
            import pandas as pd
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError("to_pandas() needs pandas: pip install 'ecograph[pandas]'") from exc
        return pd.Series(self._array, index=pd.Index(self._nodes, name="node"), name=self.name)

    def __repr__(self) -> str:
        head = ", ".join(f"{n!r}: {v:.6g}" if isinstance(v, float) else f"{n!r}: {v!r}" for n, v in self.top(3))
        more = ", ..." if len(self) > 3 else ""
        return f"NodeValues({self.name}, {len(self)} nodes; top {{{head}{more}}})"


class TableResult(ABC):
    """Base of table-like results: a subclass gives :meth:`rows` (and its ``columns``, and the
    ``key`` column that names a row: the index of :meth:`to_pandas`).

    Examples
    --------
    >>> class Sizes(TableResult):
    ...     columns = ("ring", "size")
    ...     def rows(self):
    ...         return [{"ring": "core", "size": 1}]
    >>> Sizes().to_dict(), Sizes().to_pandas().shape
    ({'rows': [{'ring': 'core', 'size': 1}]}, (1, 2))
    """

    columns: tuple[str, ...] = ()
    key: str | None = None

    @abstractmethod
    def rows(self) -> list[dict[str, Any]]:
        """One dict per row, keys in :attr:`columns` order."""

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON-ready apart from dates and Decimals)."""
        return {"rows": self.rows()}

    def to_pandas(self) -> Any:
        """A :class:`pandas.DataFrame` of :meth:`rows` (needs pandas)."""
        try:
            import pandas as pd
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError("to_pandas() needs pandas: pip install 'ecograph[pandas]'") from exc
        return rows_to_pandas(self.rows(), index=self.key, columns=list(self.columns) or None)


def rows_to_pandas(rows: Sequence[Mapping[str, Any]], index: str | None = None,
                   columns: list[str] | None = None) -> Any:
    """A :class:`pandas.DataFrame` from row dicts (the ``to_pandas()`` of table-like results).

    ``columns`` fixes the columns when ``rows`` may be empty; ``index`` names the index column.

    Examples
    --------
    >>> rows_to_pandas([{"ring": "core", "size": 1}], index="ring").to_dict()
    {'size': {'core': 1}}
    """
    try:
        import pandas as pd
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("to_pandas() needs pandas: pip install 'ecograph[pandas]'") from exc
    frame = pd.DataFrame(list(rows), columns=columns)
    return frame.set_index(index) if index is not None and index in frame.columns else frame


def competition_ranks(values: Sequence[float] | np.ndarray, decimals: int = 12) -> tuple[np.ndarray, np.ndarray]:
    """Ranks from the highest value down with ties sharing a rank ("1, 2, 2, 4"), and the size
    of each value's tie group.

    Values equal after rounding to ``decimals`` decimals tie (so floating-point noise does not
    order equal scores arbitrarily).

    Parameters
    ----------
    values : sequence of float
    decimals : int

    Returns
    -------
    ranks : numpy.ndarray of int
        1 for the highest value; a tie group shares the rank of its first member.
    tied : numpy.ndarray of int
        How many values share each value's rank (1 = no tie).

    Examples
    --------
    >>> ranks, tied = competition_ranks([0.5, 0.2, 0.2, 0.1])
    >>> ranks.tolist(), tied.tolist()
    ([1, 2, 2, 4], [1, 2, 2, 1])
    """
    keys = -np.round(np.asarray(values, dtype=np.float64), decimals)
    order = np.sort(keys)
    ranks = np.searchsorted(order, keys, side="left") + 1
    tied = np.searchsorted(order, keys, side="right") - ranks + 1
    return ranks.astype(np.int64), tied.astype(np.int64)
