"""The one exception hierarchy of ecograph.

Every error ecograph raises on purpose derives from :class:`EcographError`, so a caller can
catch them all with one ``except``. Validation errors also derive from :class:`ValueError`
and lookup errors from :class:`KeyError`, so generic handlers keep working.

Messages always name the offending id, field, file, row or line, and say what was expected.

Examples
--------
>>> from ecograph import Ecosystem
>>> from ecograph.errors import EcographError, UnknownKindError
>>> eco = Ecosystem()
>>> try:
...     eco.add_org("a", kind="spaceship")
... except UnknownKindError as exc:
...     print(exc.field)
kind
>>> issubclass(UnknownKindError, EcographError)
True
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "EcographError",
    "ValidationError",
    "UnknownKindError",
    "UnknownSectorError",
    "UnknownRelationError",
    "DanglingEndpointError",
    "DuplicateIdError",
    "DuplicateRelationError",
    "InvalidRingError",
    "InvalidStageError",
    "HierarchyCycleError",
    "AttributeTypeError",
    "EndpointKindError",
    "TimeIntervalError",
    "ReadOnlyError",
    "NodeNotFoundError",
    "LoadError",
    "RequestError",
    "DatasetError",
    "AnalysisError",
    "ConvergenceError",
    "UnservableRequestError",
    "EvaluationError",
    "AllocationError",
    "PersistenceError",
    "SparkJobError",
]


class EcographError(Exception):
    """Base class of every error raised by ecograph.

    Parameters
    ----------
    message : str
        What went wrong and what was expected.
    **context
        Structured details (``id``, ``field``, ``path``, ``line`` ...), kept as attributes so
        that programs can react without parsing the message.
    """

    def __init__(self, message: str, **context: Any) -> None:
        super().__init__(message)
        self.message = message
        self.context = context
        for key, value in context.items():
            setattr(self, key, value)

    def __str__(self) -> str:
        return self.message

    def __reduce__(self):  # keep context through pickling (multiprocessing, caches)
        return (_rebuild, (type(self), self.message, self.context))


def _rebuild(cls: type[EcographError], message: str, context: dict[str, Any]) -> EcographError:
    return cls(message, **context)


class ValidationError(EcographError, ValueError):
    """The ecosystem (or a value given to it) breaks the data model."""


class UnknownKindError(ValidationError):
    """A node kind that is not in the ecosystem's vocabulary."""


class UnknownSectorError(ValidationError):
    """A sector that is not in the ecosystem's vocabulary."""


class UnknownRelationError(ValidationError):
    """A relation type that is not in the ecosystem's vocabulary."""


class DanglingEndpointError(ValidationError):
    """A relation whose source or target is not an organisation of the ecosystem."""


class DuplicateIdError(ValidationError):
    """Two organisations with the same id."""


class DuplicateRelationError(ValidationError):
    """A relation with the same (source, target, key) exists already."""


class InvalidRingError(ValidationError):
    """An ``in_ring`` relation whose ring is not one of the four circle layers."""


class InvalidStageError(ValidationError):
    """A chain stage that the alliance does not declare."""


class HierarchyCycleError(ValidationError):
    """``part_of`` relations that form a cycle."""


class AttributeTypeError(ValidationError):
    """An attribute value of a type the data model does not allow here."""


class EndpointKindError(ValidationError):
    """A relation whose endpoint has the wrong kind (e.g. ``in_ring`` into a non-platform)."""


class TimeIntervalError(ValidationError):
    """A ``since``/``until`` that is not a year or a date, ``since`` not before ``until``, or a
    relation whose interval is not inside both endpoints' intervals."""


class ReadOnlyError(EcographError, TypeError):
    """A change asked of a read-only ecosystem (a snapshot from ``eco.at(t)``)."""


class NodeNotFoundError(EcographError, KeyError):
    """An id that the ecosystem or graph does not contain."""

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return self.message


class LoadError(EcographError, ValueError):
    """A file that cannot be read into an ecosystem.

    Carries ``path`` and, where known, ``line`` (1-based line or CSV row) and ``field``.
    """


class RequestError(EcographError, ValueError):
    """An allocate/evaluate/grade request (CLI file or HTTP body) that does not fit its schema.

    Carries ``field`` (a dotted path such as ``scores.m01``) and ``loc`` (the same as a list).
    """


class DatasetError(EcographError, KeyError):
    """An unknown built-in dataset or an invalid dataset parameter."""

    def __str__(self) -> str:
        return self.message


class AnalysisError(EcographError, ValueError):
    """An analysis asked of a graph that cannot answer it (bad parameters, empty input)."""


class ConvergenceError(AnalysisError):
    """An iterative algorithm did not converge within ``max_iter`` iterations.

    networkx raises ``PowerIterationFailedConvergence`` in the same situation.
    """


class UnservableRequestError(AnalysisError):
    """A client request to a chain alliance names a stage that no member can serve.

    Carries ``alliance`` and ``stages`` (the stages that cannot be served).
    """


class EvaluationError(EcographError, ValueError):
    """An evaluation (indicators, weights, grades, eligibility) that cannot be computed."""


class AllocationError(EcographError, ValueError):
    """An allocation request that is infeasible or malformed."""


class PersistenceError(EcographError):
    """Reading from or writing to a database failed; nothing was reported as written."""


class SparkJobError(EcographError):
    """A Spark job failed or Spark could not start (the engine's first message line is kept)."""
