"""Build an ecosystem from file records, collecting every problem with its location.

Readers feed records to a :class:`Builder`; each problem (a bad value, a model
:class:`~ecograph.errors.ValidationError`) is recorded with the file, line or row, and field,
and reading goes on so that one run lists every problem. :meth:`Builder.finish` returns the
ecosystem only when nothing went wrong; otherwise it raises one
:class:`~ecograph.errors.LoadError` whose ``problems`` attribute lists them all, so nothing
partially loaded ever escapes.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any

from ecograph.errors import (
    DanglingEndpointError,
    DuplicateIdError,
    LoadError,
    UnknownKindError,
    UnknownRelationError,
    UnknownSectorError,
    ValidationError,
)
from ecograph.labels import KIND_LABELS, RELATION_LABELS, RING_LABELS, SECTOR_LABELS, canonical, closest, label
from ecograph.model import RINGS, Ecosystem, Vocabulary

__all__ = ["Where", "Builder"]

#: Problems listed in a LoadError message before "... and N more".
_SHOWN = 20
#: Misspelt ids get a "did you mean" among at most this many organisations (difflib is quadratic).
_SUGGEST_IDS_UP_TO = 5000
_TERM_OF_ERROR = {UnknownKindError: "kind", UnknownSectorError: "sector", UnknownRelationError: "type"}
_TERM_LABELS = {"kind": KIND_LABELS, "sector": SECTOR_LABELS, "type": RELATION_LABELS, "ring": RING_LABELS}


def _spaces(text: str) -> str:
    """What surrounds ``text`` and what to do: 'a trailing space; remove it' ..."""
    lead, trail = len(text) - len(text.lstrip()), len(text) - len(text.rstrip())
    parts = [f"{'a ' if n == 1 else ''}{side} space{'s' if n > 1 else ''}" for side, n in
             (("leading", lead), ("trailing", trail)) if n]
    return " and ".join(parts) + ("; remove it" if lead + trail == 1 else "; remove them")


@dataclass(frozen=True)
class Where:
    """Location of a record: a description (``organisations[3]``, ``relations.csv row 7``),
    its line when known, and the data path used to find the line lazily (YAML/JSON)."""

    record: str
    line: int | None = None
    path: tuple[Any, ...] = ()
    file: str | None = None
    unit: str = "line"  # what ``line`` counts: "line" in text files, "row" in spreadsheets


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
        self._roots: dict[tuple[str, Hashable], list[Any]] = {}  # one mistake -> the lines (or ids) it recurs on
        self._root_errors: dict[tuple[str, Hashable], tuple[int, str]] = {}  # one mistake -> its problem's index

    def start(self, name: str, vocabulary: Vocabulary | None, attrs: Mapping[str, Any], where: Where) -> None:
        """Create the ecosystem (name, vocabulary, attributes)."""
        try:
            self.eco = Ecosystem(name=name, vocabulary=vocabulary, **attrs)
        except ValidationError as exc:
            self.model_problem(where, exc)
            self.eco = Ecosystem(name=name, vocabulary=vocabulary)

    def problem(self, where: Where, message: str, *, field: str | None = None, id: str | None = None,
                root: Hashable | None = None) -> None:
        """Record one problem at ``where``.

        Problems with the same ``root`` (the same misspelt kind, the same missing organisation)
        are one mistake: it is reported once, with the other lines where it recurs.
        """
        line = where.line
        if line is None and where.path and self.locate is not None:
            line = self.locate(where.path)
        file = where.file or self.source
        if root is not None:
            seen = self._roots.get((file, root))
            if seen is not None:
                seen.append(line if line is not None else where.record or id)
                return
            self._roots[(file, root)] = []
        place = f"{file}, {where.unit} {line}" if line is not None else file
        text = f"{place}: {where.record}: " if where.record else f"{place}: "
        if field is not None and f"'{field}'" not in message:
            text += f"field {field!r}: "
        self.problems.append(LoadError(text + message, path=file, line=line, field=field, id=id, record=where.record))
        if root is not None:
            self._root_errors[(file, root)] = (len(self.problems) - 1, where.unit)

    def model_problem(self, where: Where, exc: ValidationError) -> None:
        """Record a model validation error with the record's location (and a hint for a
        misspelt or space-padded vocabulary word)."""
        field = exc.context.get("field")
        category = _TERM_OF_ERROR.get(type(exc))
        if category is not None and "value" in exc.context:
            value = exc.context["value"]
            self.problem(where, self._unknown_term(category, value), field=field, id=exc.context.get("id"),
                         root=(category, repr(value)))
            return
        self.problem(where, exc.message, field=field, id=exc.context.get("id"))

    def _choices(self, category: str) -> list[str]:
        vocabulary = self.eco.vocabulary
        return list({"kind": vocabulary.kinds, "sector": vocabulary.sectors, "type": vocabulary.relations,
                     "ring": RINGS}[category])

    def _term(self, category: str, value: Any) -> Any:
        """The vocabulary key a planner's word stands for (``企业`` -> ``enterprise``); the value
        itself when it is a key or not a known word (the model then refuses it)."""
        if not isinstance(value, str) or value in self._choices(category):
            return value
        key = canonical(category, value)
        return key if key in self._choices(category) else value

    def _unknown_term(self, category: str, value: Any) -> str:
        choices = self._choices(category)
        expected = f"expected one of {choices} or their Chinese names"
        if isinstance(value, str):
            stripped = value.strip()
            if stripped != value and self._term(category, stripped) in choices:
                return f"{category} {value!r} has {_spaces(value)}"
            words = {w: k for k in choices for w in (k, label(_TERM_LABELS[category], k))}
            guess = closest(stripped, words)
            if guess is not None:
                suggestion = repr(words[guess]) if guess == words[guess] else f"{words[guess]!r} ({guess})"
                return f"unknown {category} {value!r}: did you mean {suggestion}? ({expected})"
        return f"unknown {category} {value!r}; {expected}"

    def _unknown_endpoint(self, where: Where, exc: DanglingEndpointError) -> None:
        missing = exc.context.get("id")
        if missing in self.failed_ids:
            return  # the organisation was refused: its own problem says why
        message = exc.message
        if isinstance(missing, str):
            nodes = self.eco
            if missing.strip() != missing and missing.strip() in nodes:
                message = f"{exc.context.get('field')} {missing!r} has {_spaces(missing)} (the organisation is {missing.strip()!r})"
            elif len(nodes) <= _SUGGEST_IDS_UP_TO:
                guess = closest(missing, (n for n in nodes if isinstance(n, str)))
                if guess is not None:
                    message += f"; did you mean {guess!r}?"
        self.problem(where, message, field=exc.context.get("field"), id=missing, root=("endpoint", repr(missing)))

    def add_org(self, where: Where, id: Any, name: Any, kind: Any, sector: Any, attrs: Mapping[str, Any]) -> bool:
        """Add an organisation; ``False`` (and a recorded problem) when the model refuses it.

        Kinds and sectors may be written in Chinese (``企业``, ``高校``; see :mod:`ecograph.labels`).
        """
        if kind is None:
            kind = "enterprise"
        if isinstance(id, str) and id.strip() != id and id.strip():
            self.failed_ids.update((id, id.strip()))  # relations to either spelling are not reported again
            self.problem(where, f"id {id!r} has {_spaces(id)}", field="id", id=id)
            return False
        try:
            self.eco.add_org(id, name, kind=self._term("kind", kind), sector=self._term("sector", sector), **attrs)
        except ValidationError as exc:
            if not isinstance(exc, DuplicateIdError):
                self.failed_ids.add(id)
            self.model_problem(where, exc)
            return False
        return True

    def add_relation(
        self, where: Where, source: Any, target: Any, type: Any, key: Any, attrs: Mapping[str, Any]
    ) -> bool:
        """Add a relation; ``False`` (and a recorded problem) when the model refuses it.

        Types, rings and roles may be written in Chinese (``合作``, ``协同创新圈``, ``依托单位``).
        """
        type = self._term("type", type)
        attrs = dict(attrs)
        if type == "in_ring" and "ring" in attrs:
            ring = attrs["ring"] = self._term("ring", attrs["ring"])
            if ring not in RINGS:  # the model names the ring's field; the hint needs the value
                self.problem(where, self._unknown_term("ring", ring), field="ring", id=source, root=("ring", repr(ring)))
                return False
        if isinstance(attrs.get("role"), str):
            attrs["role"] = canonical("role", attrs["role"]) or attrs["role"]
        try:
            self.eco.add_relation(source, target, type, key=key, **attrs)
        except DanglingEndpointError as exc:
            self._unknown_endpoint(where, exc)
            return False
        except ValidationError as exc:
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
        for (file, root), (index, unit) in self._root_errors.items():
            again = [place for place in self._roots[(file, root)] if place is not None]
            if again:
                first = self.problems[index]
                also = ", ".join(map(str, again[:_SHOWN])) + (" …" if len(again) > _SHOWN else "")
                where = f"{unit}{'s' if len(again) > 1 else ''} " if isinstance(again[0], int) else ""
                self.problems[index] = LoadError(f"{first.message} (also on {where}{also})",
                                                 **first.context)
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
