"""Build an ecosystem from file records, collecting every problem with its location.

Readers feed records to a :class:`Builder`; each problem (a bad value, a model
:class:`~ecograph.errors.ValidationError`) is recorded with the file, line or row, and field,
and reading goes on so that one run lists every problem. :meth:`Builder.finish` returns the
ecosystem only when nothing went wrong; otherwise it raises one
:class:`~ecograph.errors.LoadError` whose ``problems`` attribute lists them all, so nothing
partially loaded ever escapes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ecograph.errors import DanglingEndpointError, DuplicateIdError, LoadError, ValidationError
from ecograph.model import Ecosystem, Vocabulary

__all__ = ["Where", "Builder"]

#: Problems listed in a LoadError message before "... and N more".
_SHOWN = 20


@dataclass(frozen=True)
class Where:
    """Location of a record: a description (``organisations[3]``, ``relations.csv row 7``),
    its line when known, and the data path used to find the line lazily (YAML/JSON)."""

    record: str
    line: int | None = None
    path: tuple[Any, ...] = ()
    file: str | None = None


class Builder:
    """Collects organisations and relations and the problems found while adding them.

    Parameters
    ----------
    source : str
        The file or folder read (named in every message).
    locate : callable, optional
        ``path tuple -> line`` for formats that find lines only when needed.
    """

    def __init__(self, source: str, locate: Callable[[tuple[Any, ...]], int | None] | None = None) -> None:
        self.source = source
        self.locate = locate
        self.problems: list[LoadError] = []
        self.eco = Ecosystem()
        self.failed_ids: set[str] = set()  # organisations refused: relations to them are not reported again

    def start(self, name: str, vocabulary: Vocabulary | None, attrs: Mapping[str, Any], where: Where) -> None:
        """Create the ecosystem (name, vocabulary, attributes)."""
        try:
            self.eco = Ecosystem(name=name, vocabulary=vocabulary, **attrs)
        except ValidationError as exc:
            self.model_problem(where, exc)
            self.eco = Ecosystem(name=name, vocabulary=vocabulary)

    def problem(self, where: Where, message: str, *, field: str | None = None, id: str | None = None) -> None:
        """Record one problem at ``where``."""
        line = where.line
        if line is None and where.path and self.locate is not None:
            line = self.locate(where.path)
        file = where.file or self.source
        place = f"{file}, line {line}" if line is not None else file
        text = f"{place}: {where.record}: " if where.record else f"{place}: "
        if field is not None and f"'{field}'" not in message:
            text += f"field {field!r}: "
        self.problems.append(LoadError(text + message, path=file, line=line, field=field, id=id, record=where.record))

    def model_problem(self, where: Where, exc: ValidationError) -> None:
        """Record a model validation error with the record's location."""
        self.problem(where, exc.message, field=exc.context.get("field"), id=exc.context.get("id"))

    def add_org(self, where: Where, id: Any, name: Any, kind: Any, sector: Any, attrs: Mapping[str, Any]) -> bool:
        """Add an organisation; ``False`` (and a recorded problem) when the model refuses it."""
        if kind is None:
            kind = "enterprise"
        try:
            self.eco.add_org(id, name, kind=kind, sector=sector, **attrs)
        except ValidationError as exc:
            if not isinstance(exc, DuplicateIdError):
                self.failed_ids.add(id)
            self.model_problem(where, exc)
            return False
        return True

    def add_relation(
        self, where: Where, source: Any, target: Any, type: Any, key: Any, attrs: Mapping[str, Any]
    ) -> bool:
        """Add a relation; ``False`` (and a recorded problem) when the model refuses it."""
        try:
            self.eco.add_relation(source, target, type, key=key, **attrs)
        except ValidationError as exc:
            if not (isinstance(exc, DanglingEndpointError) and exc.context.get("id") in self.failed_ids):
                self.model_problem(where, exc)
            return False
        return True

    def finish(self) -> Ecosystem:
        """The ecosystem, or a :class:`LoadError` listing every problem found.

        Raises
        ------
        LoadError
            ``problems`` holds one LoadError per problem (each with ``path``, ``line``, ``field``).
        """
        if not self.problems:
            return self.eco
        raise summarise(self.problems, self.source)


def summarise(problems: list[LoadError], source: str) -> LoadError:
    """One LoadError standing for several: the first's context, all messages, ``problems``."""
    first = problems[0]
    if len(problems) == 1:
        first.problems = problems  # type: ignore[attr-defined]
        return first
    lines = [f"{len(problems)} problems in {source}:"] + [f"  - {p.message}" for p in problems[:_SHOWN]]
    if len(problems) > _SHOWN:
        lines.append(f"  ... and {len(problems) - _SHOWN} more")
    context = {k: v for k, v in first.context.items() if k != "problems"}
    return LoadError("\n".join(lines), problems=problems, **context)
