"""One-file ecosystems in YAML or JSON (the schema of ``docs/data-format.md``).

A document is a mapping with the sections ``name``, ``attrs``, ``vocabulary``,
``organisations``, ``platforms`` (with ``rings``), ``alliances`` (with ``stages``, ``anchor``,
``members``), ``associations`` (with ``members``), ``hierarchy``, ``services``,
``collaborations``, ``funds`` and a generic ``relations`` list. Every section is optional.

YAML is read with a subclass of PyYAML's *safe* loader only (it adds the ``!decimal`` tag, and
``!datetime`` for the rare UTC offsets that are not whole minutes); dates and datetimes use
YAML timestamps. JSON uses the ``{"$decimal": "1.50"}`` forms of
:mod:`loaders._values`, which YAML accepts too. Errors name the file, the line and the record.

Examples
--------
>>> from loaders.yamljson import loads, dumps
>>> eco = loads('''
... name: demo
... platforms:
...   - id: motor
...     name: 电机平台
...     rings: {core: [centre]}
... organisations:
...   - {id: centre, name: 国家中小型电机及系统工程技术研究中心, kind: research_institute}
... ''')
>>> eco.rings("motor")["core"]
['centre']
>>> loads(dumps(eco)) == eco
True
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from ecograph.documents import SafeLoader, parse_json, parse_yaml, read_text
from ecograph.errors import LoadError
from ecograph.model import DEFAULT_KINDS, DEFAULT_RELATIONS, MEMBERSHIP_KINDS, RINGS, SECTORS, Ecosystem, RelationSpec, Vocabulary

from ._build import Builder, Where
from ._values import ValueProblem, from_json, to_json

__all__ = ["read", "write", "loads", "dumps", "SECTIONS", "vocabulary_to_document", "vocabulary_from_document"]

FORMAT_VERSION = 1

#: Top-level keys of a document, in the order they are written.
SECTIONS: tuple[str, ...] = (
    "ecograph", "name", "attrs", "vocabulary", "organisations", "platforms", "alliances",
    "associations", "hierarchy", "services", "collaborations", "funds", "relations",
)

# section -> (default node kind, structural keys besides id/name/kind/sector/attrs)
_NODE_SECTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "organisations": ("enterprise", ()),
    "platforms": ("platform", ("rings",)),
    "alliances": ("alliance", ("anchor", "members")),
    "associations": ("association", ("members",)),
}
_NODE_KEYS = ("id", "name", "kind", "sector", "attrs")

# section -> (relation type, source field, target field); collaborations use ``between``
_EDGE_SECTIONS: dict[str, tuple[str | None, str, str]] = {
    "hierarchy": ("part_of", "child", "parent"),
    "services": ("serves", "provider", "client"),
    "funds": ("funds", "funder", "recipient"),
    "relations": (None, "source", "target"),
}


# ---------------------------------------------------------------------------- YAML dialect
_BaseDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class SafeDumper(_BaseDumper):  # type: ignore[misc, valid-type]
    """PyYAML's safe dumper writing ``Decimal`` as ``!decimal '1.50'``."""


SafeDumper.add_representer(Decimal, lambda dumper, value: dumper.represent_scalar("!decimal", str(value)))


def _represent_datetime(dumper: yaml.SafeDumper, value: dt.datetime) -> yaml.Node:
    offset = value.utcoffset()
    if offset is None or not (offset.seconds % 60 or offset.microseconds):
        return dumper.represent_datetime(value)
    return dumper.represent_scalar("!datetime", value.isoformat())  # YAML timestamps take whole minutes


SafeDumper.add_representer(dt.datetime, _represent_datetime)


def _represent_list(dumper: yaml.SafeDumper, value: list[Any]) -> yaml.Node:
    flow = all(not isinstance(item, (list, dict)) for item in value)  # [a, b] for lists of values
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


SafeDumper.add_representer(list, _represent_list)


# ---------------------------------------------------------------------------- public API
def read(path: str | Path, *, format: str | None = None, encoding: str | None = None) -> Ecosystem:
    """Read a YAML (``.yaml``/``.yml``) or JSON (``.json``) ecosystem file.

    Parameters
    ----------
    path : str or Path
        The file.
    format : {"yaml", "json"}, optional
        Overrides the choice by suffix.
    encoding : str, optional
        Text encoding; by default detected as for every format (UTF-8 with or without BOM,
        UTF-16, GBK/GB18030; see :func:`ecograph.documents.detect_encoding`).

    Returns
    -------
    Ecosystem

    Raises
    ------
    LoadError
        Unreadable file, syntax error, or any record that breaks the schema or the data
        model; ``problems`` lists every problem, each naming file, line and field.

    Examples
    --------
    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "eco.yaml")
    >>> _ = open(path, "w", encoding="utf-8").write("organisations: [{id: a, name: 甲}]")
    >>> read(path).node("a")["name"]
    '甲'
    """
    path = Path(path)
    fmt = format or ("json" if path.suffix.lower() == ".json" else "yaml")
    return loads(read_text(path, encoding=encoding), format=fmt, source=str(path))


def loads(text: str, *, format: str = "yaml", source: str = "<string>") -> Ecosystem:
    """Read an ecosystem from YAML or JSON text (see :func:`read`).

    Examples
    --------
    >>> loads('{"organisations": [{"id": "a", "revenue": {"$decimal": "1.50"}}]}', format="json").node("a")["revenue"]
    Decimal('1.50')
    """
    if format == "json":
        data = parse_json(text, source=source, parse_constant=lambda c: {"$float": c})
    elif format == "yaml":
        data = parse_yaml(text, source=source)
    else:
        raise LoadError(f"{source}: unknown format {format!r}; expected 'yaml' or 'json'", path=source, field="format")
    return from_document(data, source=source, locate=_locator(text))


def write(eco: Ecosystem, path: str | Path, *, format: str | None = None) -> None:
    """Write ``eco`` to a YAML or JSON file that :func:`read` turns back into an equal ecosystem.

    Examples
    --------
    >>> import tempfile, os
    >>> eco = Ecosystem(name="x"); eco.add_org("a", "甲")
    >>> path = os.path.join(tempfile.mkdtemp(), "eco.json")
    >>> write(eco, path); read(path) == eco
    True
    """
    path = Path(path)
    fmt = format or ("json" if path.suffix.lower() == ".json" else "yaml")
    path.write_text(dumps(eco, format=fmt), encoding="utf-8")


def dumps(eco: Ecosystem, *, format: str = "yaml") -> str:
    """The YAML or JSON text of ``eco`` (see :func:`write`).

    Examples
    --------
    >>> eco = Ecosystem(name="x"); eco.add_org("a", "甲", founded=__import__("datetime").date(2001, 5, 1))
    >>> print(dumps(eco, format="yaml"), end="")
    ecograph: 1
    name: x
    organisations:
    - id: a
      name: 甲
      kind: enterprise
      sector: industry
      founded: 2001-05-01
    """
    document = to_document(eco, json_values=format == "json")
    if format == "json":
        return json.dumps(document, ensure_ascii=False, indent=1) + "\n"
    return yaml.dump(document, Dumper=SafeDumper, allow_unicode=True, sort_keys=False, width=100)


# ---------------------------------------------------------------------------- locating lines
def _locator(text: str) -> Callable[[tuple[Any, ...]], int | None]:
    """``data path -> line``, composing the text only when a problem needs a line."""
    tree: list[Any] = []

    def locate(path: tuple[Any, ...]) -> int | None:
        if not tree:
            try:
                tree.append(yaml.compose(text, Loader=SafeLoader))
            except yaml.YAMLError:
                tree.append(None)
        node = tree[0]
        line = node.start_mark.line + 1 if node is not None else None
        for step in path:
            if isinstance(node, yaml.MappingNode):
                node = next((v for k, v in node.value if getattr(k, "value", None) == step), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
                node = node.value[step]
            else:
                node = None
            if node is None:
                break
            line = node.start_mark.line + 1
        return line

    return locate


# ---------------------------------------------------------------------------- reading
def from_document(data: Any, *, source: str = "<data>", locate: Callable[[tuple[Any, ...]], int | None] | None = None) -> Ecosystem:
    """Build an ecosystem from an already parsed document (a mapping of sections).

    Raises
    ------
    LoadError
        Every problem found (see :func:`read`).
    """
    return _DocumentReader(Builder(source, locate)).read(data)


class _DocumentReader:
    def __init__(self, builder: Builder) -> None:
        self.b = builder

    # -- helpers
    def where(self, path: tuple[Any, ...], record: Mapping[str, Any] | None = None) -> Where:
        text = _path_text(path)
        if isinstance(record, Mapping) and isinstance(record.get("id"), (str, int)):
            text += f" (id {str(record['id'])!r})"
        return Where(text, path=path)

    def items(self, data: Mapping[str, Any], section: str) -> Iterable[tuple[int, Any]]:
        value = data.get(section)
        if value is None:
            return []
        if not isinstance(value, list):
            self.b.problem(Where(section, path=(section,)), f"section {section!r} must be a list, got {_typename(value)}")
            return []
        return enumerate(value)

    def ident(self, value: Any, where: Where, field: str) -> str | None:
        if isinstance(value, bool) or not isinstance(value, (str, int)) or value == "":
            self.b.problem(where, f"expected an id (a non-empty string), got {_typename(value)} {value!r}", field=field)
            return None
        return str(value)

    def attrs(self, record: Mapping[str, Any], structural: Iterable[str], where: Where) -> dict[str, Any] | None:
        """Free attributes: the non-structural keys plus a nested ``attrs`` mapping, decoded.

        Bad values are reported and left out (the record is still added, so that one bad value
        does not hide the problems that follow); ``None`` only when ``attrs`` is not a mapping.
        """
        keys = set(structural)
        flat = {k: v for k, v in record.items() if k not in keys and k != "attrs"}
        nested = record.get("attrs", {})
        if not isinstance(nested, Mapping):
            self.b.problem(where, f"expected a mapping of attributes, got {_typename(nested)}", field="attrs")
            return None
        out: dict[str, Any] = {}
        for key, value in [*flat.items(), *nested.items()]:
            if not isinstance(key, str):
                self.b.problem(where, f"attribute name {key!r} must be a string", field=str(key))
                continue
            try:
                out[key] = from_json(value)
            except ValueProblem as exc:
                self.b.problem(where, f"{exc.text!r} is not a valid value: expected {exc.expected}", field=key)
        return out

    def mapping(self, value: Any, where: Where, what: str) -> bool:
        if isinstance(value, Mapping):
            return True
        self.b.problem(where, f"expected a mapping ({what}), got {_typename(value)} {value!r}")
        return False

    # -- document
    def read(self, data: Any) -> Ecosystem:
        b = self.b
        if data is None:
            data = {}
        if not isinstance(data, Mapping):
            b.problem(Where("document", line=1), f"expected a mapping of sections {list(SECTIONS)}, got {_typename(data)}")
            return b.finish()
        for key in data:
            if key not in SECTIONS:
                b.problem(Where(str(key), path=(key,)), f"unknown section {key!r}; expected one of {list(SECTIONS)}")
        version = data.get("ecograph", FORMAT_VERSION)
        if version != FORMAT_VERSION:
            b.problem(Where("ecograph", path=("ecograph",)), f"format version {version!r} is not supported; expected {FORMAT_VERSION}")
        name = data.get("name", "ecosystem")
        if not isinstance(name, str):
            b.problem(Where("name", path=("name",)), f"expected a string, got {_typename(name)}", field="name")
            name = "ecosystem"
        attrs_where = Where("attrs", path=("attrs",))
        raw_attrs = data.get("attrs") or {}
        attrs = self.attrs({"attrs": raw_attrs}, (), attrs_where) if self.mapping(raw_attrs, attrs_where, "ecosystem attributes") else None
        b.start(name, self.vocabulary(data.get("vocabulary")), attrs or {}, attrs_where)
        later: list[Callable[[], None]] = []
        for section, (default_kind, structural) in _NODE_SECTIONS.items():
            for i, record in self.items(data, section):
                self.node(section, i, record, default_kind, structural, later)
        for run in later:
            run()
        for section in ("hierarchy", "services", "funds", "relations"):
            for i, record in self.items(data, section):
                self.edge(section, i, record)
        for i, record in self.items(data, "collaborations"):
            self.collaboration(i, record)
        return b.finish()

    def vocabulary(self, spec: Any) -> Vocabulary | None:
        if spec is None:
            return None
        where = Where("vocabulary", path=("vocabulary",))
        try:
            return vocabulary_from_document(spec)
        except ValueProblem as exc:
            self.b.problem(where, f"{exc.text}: expected {exc.expected}")
            return None

    def node(self, section: str, i: int, record: Any, default_kind: str, structural: tuple[str, ...],
             later: list[Callable[[], None]]) -> None:
        path = (section, i)
        where = self.where(path, record)
        if not self.mapping(record, where, "an organisation record with at least an id"):
            return
        ident = self.ident(record.get("id"), where, "id")
        attrs = self.attrs(record, (*_NODE_KEYS, *structural), where)
        if ident is None or attrs is None:
            return
        if not self.b.add_org(where, ident, record.get("name"), record.get("kind", default_kind), record.get("sector"), attrs):
            return
        if section == "platforms" and record.get("rings") is not None:
            later.append(lambda: self.rings(path, ident, record["rings"]))
        elif section == "alliances" and (record.get("members") is not None or record.get("anchor") is not None):
            later.append(lambda: self.alliance_members(path, ident, record))
        elif section == "associations" and record.get("members") is not None:
            later.append(lambda: self.members(path + ("members",), ident, "member_of", record["members"], {}))

    def members(self, path: tuple[Any, ...], target: str, rtype: str, items: Any, fixed: dict[str, Any],
                anchor: str | None = None) -> None:
        """Member lists: ids, or records ``{id, key, ...attributes}``; ``anchor``'s relations
        get ``role: anchor``."""
        if not isinstance(items, list):
            self.b.problem(Where(_path_text(path), path=path), f"expected a list of member ids or records, got {_typename(items)}")
            return
        for j, item in enumerate(items):
            where = self.where(path + (j,), item if isinstance(item, Mapping) else None)
            record = item if isinstance(item, Mapping) else {"id": item}
            ident = self.ident(record.get("id"), where, "id")
            attrs = self.attrs(record, ("id", "key"), where)
            if ident is None or attrs is None:
                continue
            if anchor is not None and ident == anchor and "role" not in attrs:
                attrs["role"] = "anchor"
            self.b.add_relation(where, ident, target, rtype, record.get("key"), {**fixed, **attrs})

    def rings(self, path: tuple[Any, ...], platform: str, rings: Any) -> None:
        where = Where(_path_text(path + ("rings",)), path=path + ("rings",))
        if not self.mapping(rings, where, f"ring name -> members, rings in {list(RINGS)}"):
            return
        for ring, items in rings.items():
            if ring not in RINGS:
                self.b.problem(where, f"unknown ring {ring!r}; expected one of {list(RINGS)}", field="ring")
                continue
            self.members(path + ("rings", ring), platform, "in_ring", items, {"ring": ring})

    def alliance_members(self, path: tuple[Any, ...], alliance: str, record: Mapping[str, Any]) -> None:
        items = record.get("members") or []
        anchor = record.get("anchor")
        if anchor is not None:
            anchor = self.ident(anchor, self.where(path, record), "anchor")
        listed = [m.get("id") if isinstance(m, Mapping) else m for m in items] if isinstance(items, list) else []
        # an explicit role in one of the anchor's records wins (keeps every record as written)
        explicit_role = any(isinstance(m, Mapping) and str(m.get("id")) == anchor and "role" in m
                            for m in (items if isinstance(items, list) else []))
        self.members(path + ("members",), alliance, "chain_member", items, {},
                     anchor=None if explicit_role else anchor)
        if anchor is not None and anchor not in {str(m) for m in listed}:
            where = Where(_path_text(path + ("anchor",)), path=path + ("anchor",))
            self.b.add_relation(where, anchor, alliance, "chain_member", None, {"role": "anchor"})

    def edge(self, section: str, i: int, record: Any) -> None:
        rtype, src_field, dst_field = _EDGE_SECTIONS[section]
        where = self.where((section, i))
        if section == "hierarchy" and isinstance(record, list) and len(record) == 2:  # [child, parent]
            record = {src_field: record[0], dst_field: record[1]}
        if not self.mapping(record, where, f"a record with {src_field!r} and {dst_field!r}"):
            return
        structural = (src_field, dst_field, "key") + (("type",) if rtype is None else ())
        source = self.ident(record.get(src_field), where, src_field)
        target = self.ident(record.get(dst_field), where, dst_field)
        attrs = self.attrs(record, structural, where)
        rtype = rtype or record.get("type")
        if rtype is None:
            self.b.problem(where, "missing the relation type", field="type")
            return
        if source is not None and target is not None and attrs is not None:
            self.b.add_relation(where, source, target, rtype, record.get("key"), attrs)

    def collaboration(self, i: int, record: Any) -> None:
        where = self.where(("collaborations", i))
        if not self.mapping(record, where, "a record with 'between: [a, b]'"):
            return
        pair = record.get("between")
        if not isinstance(pair, list) or len(pair) != 2:
            self.b.problem(where, f"expected two ids, got {pair!r}", field="between")
            return
        ends = [self.ident(p, where, "between") for p in pair]
        attrs = self.attrs(record, ("between", "key"), where)
        if None not in ends and attrs is not None:
            self.b.add_relation(where, ends[0], ends[1], "collaborates", record.get("key"), attrs)


def _path_text(path: tuple[Any, ...]) -> str:
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text


def _typename(value: Any) -> str:
    return {dict: "a mapping", list: "a list", str: "a string", type(None): "nothing"}.get(type(value), type(value).__name__)


# ---------------------------------------------------------------------------- writing
def to_document(eco: Ecosystem, *, json_values: bool = False) -> dict[str, Any]:
    """The document (plain data) describing ``eco``; ``json_values`` applies the ``$`` forms.

    Nodes go to the section of their kind, relations into their natural place (rings, chain
    members, association members, hierarchy, services, collaborations, funds) and the rest
    into ``relations``. Attributes whose names collide with a record's structural keys go into
    the record's nested ``attrs`` mapping, so that every attribute name survives.
    """
    enc = to_json if json_values else (lambda v: v)
    doc: dict[str, Any] = {"ecograph": FORMAT_VERSION, "name": eco.name}
    if eco.attrs:
        doc["attrs"] = {k: enc(v) for k, v in eco.attrs.items()}
    vocabulary = vocabulary_to_document(eco.vocabulary)
    if vocabulary:
        doc["vocabulary"] = vocabulary
    sections: dict[str, list[Any]] = {name: [] for name in SECTIONS[4:]}
    records: dict[str, dict[str, Any]] = {}
    for node, data in eco.orgs():
        section = _section_of(data["kind"])
        structural = (*_NODE_KEYS, *_NODE_SECTIONS[section][1])
        record = {"id": node, "name": data["name"], "kind": data["kind"], "sector": data["sector"]}
        _put_attrs(record, {k: v for k, v in data.items() if k not in ("name", "kind", "sector")}, structural, enc)
        records[node] = record
        sections[section].append(record)
    for u, v, key, data in eco.relations():
        rtype = data["type"]
        attrs = {a: b for a, b in data.items() if a != "type"}
        target_section = _section_of(records[v]["kind"])
        if rtype == "in_ring" and target_section == "platforms":
            ring = attrs.pop("ring")
            rings = records[v].setdefault("rings", {})
            rings.setdefault(ring, []).append(_member(u, key, rtype, attrs, enc))
        elif rtype == "chain_member" and target_section == "alliances":
            records[v].setdefault("members", []).append(_member(u, key, rtype, attrs, enc))
            if attrs.get("role") == "anchor":
                records[v]["anchor"] = u
        elif rtype == "member_of" and target_section == "associations":
            records[v].setdefault("members", []).append(_member(u, key, rtype, attrs, enc))
        elif rtype == "collaborates":
            sections["collaborations"].append(_edge_record({"between": [u, v]}, key, rtype, attrs, enc))
        else:
            section = next((s for s, spec in _EDGE_SECTIONS.items() if spec[0] == rtype), "relations")
            _, src, dst = _EDGE_SECTIONS[section]
            head = {src: u, dst: v} if section != "relations" else {"source": u, "target": v, "type": rtype}
            sections[section].append(_edge_record(head, key, rtype, attrs, enc))
    for record in sections["alliances"]:  # anchor first, members after: reads as the document intends
        if "anchor" in record and "members" in record:
            record["members"] = record.pop("members")
    doc.update({name: items for name, items in sections.items() if items})
    return doc


def _section_of(kind: str) -> str:
    if kind == "platform":
        return "platforms"
    if kind == "alliance":
        return "alliances"
    if kind in MEMBERSHIP_KINDS and kind != "district":
        return "associations"
    return "organisations"


def _put_attrs(record: dict[str, Any], attrs: Mapping[str, Any], structural: Iterable[str], enc: Callable[[Any], Any]) -> None:
    taken = set(structural) | {"attrs"}
    nested = {}
    for key, value in attrs.items():
        if key in taken:
            nested[key] = enc(value)
        else:
            record[key] = enc(value)
    if nested:
        record["attrs"] = nested


def _member(ident: str, key: str, rtype: str, attrs: Mapping[str, Any], enc: Callable[[Any], Any]) -> Any:
    if key == rtype and not attrs:
        return ident
    record: dict[str, Any] = {"id": ident}
    if key != rtype:
        record["key"] = key
    _put_attrs(record, attrs, ("id", "key"), enc)
    return record


def _edge_record(head: dict[str, Any], key: str, rtype: str, attrs: Mapping[str, Any], enc: Callable[[Any], Any]) -> dict[str, Any]:
    record = dict(head)
    if key != rtype:
        record["key"] = key
    _put_attrs(record, attrs, (*head, "key"), enc)
    return record


def vocabulary_to_document(vocabulary: Vocabulary) -> dict[str, Any]:
    """The ``vocabulary`` section: what differs from the built-in vocabulary (empty if nothing).

    Examples
    --------
    >>> voc = Vocabulary(); voc.add_kind("incubator", "intermediary")
    >>> vocabulary_to_document(voc)
    {'base': 'default', 'kinds': {'incubator': 'intermediary'}}
    >>> vocabulary_from_document(vocabulary_to_document(voc)) == voc
    True
    """
    if vocabulary == Vocabulary():
        return {}
    extends = (
        all(vocabulary.kinds.get(k) == s for k, s in DEFAULT_KINDS.items())
        and all(vocabulary.relations.get(n) == spec for n, spec in DEFAULT_RELATIONS.items())
        and vocabulary.sectors[: len(SECTORS)] == SECTORS
    )
    out: dict[str, Any] = {"base": "default" if extends else "none"}
    kinds = {k: s for k, s in vocabulary.kinds.items() if not extends or DEFAULT_KINDS.get(k) != s}
    sectors = list(vocabulary.sectors[len(SECTORS):] if extends else vocabulary.sectors)
    relations = [
        _spec_document(spec) for name, spec in vocabulary.relations.items()
        if not extends or DEFAULT_RELATIONS.get(name) != spec
    ]
    for key, value in (("kinds", kinds), ("sectors", sectors), ("relations", relations)):
        if value:
            out[key] = value
    return out


def vocabulary_from_document(spec: Any) -> Vocabulary:
    """The vocabulary described by a ``vocabulary`` section (see :func:`vocabulary_to_document`).

    Raises
    ------
    ValueProblem
        The section is not of the documented shape.
    """
    expected = ("base: default|none, kinds: {kind: sector}, sectors: [names], "
                "relations: [{name, directed, target_kinds, money, integers, description}]")
    if not isinstance(spec, Mapping):
        raise ValueProblem(str(spec), f"a mapping ({expected})")
    base = spec.get("base", "default")
    if base not in ("default", "none"):
        raise ValueProblem(f"base {base!r}", "'default' or 'none'")
    kinds = dict(DEFAULT_KINDS) if base == "default" else {}
    sectors = list(SECTORS) if base == "default" else []
    relations = dict(DEFAULT_RELATIONS) if base == "default" else {}
    try:
        kinds.update(spec.get("kinds") or {})
        sectors += [s for s in spec.get("sectors") or [] if s not in sectors]
        for rel in spec.get("relations") or []:
            rel = dict(rel)
            if rel.get("target_kinds") is not None:
                rel["target_kinds"] = frozenset(rel["target_kinds"])
            for name in ("money", "integers"):
                rel[name] = tuple(rel.get(name) or ())
            relations[rel["name"]] = RelationSpec(**rel)
        return Vocabulary(kinds, sectors, relations)
    except (TypeError, ValueError, KeyError) as exc:
        raise ValueProblem(f"invalid vocabulary ({exc})", expected) from None


def _spec_document(spec: RelationSpec) -> dict[str, Any]:
    return {
        "name": spec.name,
        "directed": spec.directed,
        "target_kinds": None if spec.target_kinds is None else sorted(spec.target_kinds),
        "money": list(spec.money),
        "integers": list(spec.integers),
        "description": spec.description,
    }
