"""GraphML and GEXF files through networkx, lossless for every ecograph attribute type.

GraphML and GEXF know strings, booleans, integers and doubles only. An attribute whose values
are all of one such type (integers within 64 bits) is written natively, so Gephi, yEd or
Cytoscape show it as a number or a flag; any other attribute (``Decimal``, dates, lists, huge
integers, mixed types, empty strings) is written as JSON text in the ``$``-forms of
:mod:`loaders._values`, and its name is listed in the file's metadata
(``ecograph_encoded``) so that reading decodes it. Other metadata: ``ecograph_name``,
``ecograph_attrs`` and ``ecograph_vocabulary`` (GraphML graph data; a JSON ``<description>`` in
GEXF's ``<meta>``).

Relations are edges with the attributes ``relation`` (the type) and ``ecograph_key``; GEXF
nodes get ``label`` = name for display. Ids and keys that XML cannot carry (control
characters) are written as ``ecograph-json:"…"``. Attribute names that the formats reserve (``id``, ``label``,
``weight``, ``type``, ``start``, ``end`` ...) or that begin with ``_`` are stored with one more
leading ``_``.

Examples
--------
>>> import os, tempfile
>>> from decimal import Decimal
>>> eco = Ecosystem(name="x"); eco.add_org("a", "甲"); eco.add_org("b", "乙")
>>> eco.add_relation("a", "b", "funds", amount=Decimal("2.50"))
>>> path = os.path.join(tempfile.mkdtemp(), "x.gexf")
>>> write(eco, path); read(path) == eco
True
"""

from __future__ import annotations

import json
import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from xml.parsers import expat
from typing import Any
from xml.sax.saxutils import escape

import networkx as nx

from ecograph.documents import parse_json
from ecograph.errors import LoadError
from ecograph.limits import clip
from ecograph.model import Ecosystem

from ._build import Builder, Where
from ._values import ValueProblem, from_json, to_json, type_name
from .yamljson import vocabulary_from_document, vocabulary_to_document

__all__ = ["read", "write", "to_plain_graph"]

_RESERVED = frozenset({"id", "label", "weight", "type", "start", "end", "pid", "viz", "key", "relation",
                       "ecograph_key", "networkx_key", "parents", "slices", "spells"})
_NODE_FIELDS = ("name", "kind", "sector")
_INT64 = 2**63
_NATIVE = {"str", "bool", "int", "float"}


def _escape(name: str) -> str:
    return "_" + name if name in _RESERVED or name.startswith("_") else name


def _unescape(name: str) -> str:
    return name[1:] if name.startswith("_") else name


def to_plain_graph(eco: Ecosystem, *, gexf: bool = False) -> nx.MultiDiGraph:
    """The networkx graph that is written: escaped names, encoded values, metadata.

    Examples
    --------
    >>> eco = Ecosystem(); eco.add_org("a", "甲", tags=["x", "y"], label="L")
    >>> g = to_plain_graph(eco)
    >>> g.nodes["a"]["tags"], g.nodes["a"]["_label"], g.graph["ecograph_encoded"]
    ('["x", "y"]', 'L', '["node:tags"]')
    """
    plain = nx.MultiDiGraph()
    node_rows = {n: {k if k in _NODE_FIELDS else _escape(k): v for k, v in d.items()} for n, d in eco.orgs()}
    edge_rows = [(u, v, k, d["type"], {_escape(a): b for a, b in d.items() if a != "type"}) for u, v, k, d in eco.relations()]
    encoded = _encoded_names("node", node_rows.values()) + _encoded_names("edge", (r for *_e, r in edge_rows))
    node_codes = {n[5:] for n in encoded if n.startswith("node:")}
    edge_codes = {n[5:] for n in encoded if n.startswith("edge:")}
    for node, row in node_rows.items():
        out = {k: _encode(v) if k in node_codes else v for k, v in row.items()}
        if gexf:
            out["label"] = _safe_id(node) if "name" in node_codes else row["name"]
        plain.add_node(_safe_id(node), **out)
    for u, v, k, relation, row in edge_rows:
        # GEXF readers turn "key" into the multigraph key and then drop it: use our own name
        attrs = {"relation": relation, "ecograph_key": _safe_id(k)}
        attrs.update({a: _encode(b) if a in edge_codes else b for a, b in row.items()})
        plain.add_edges_from([(_safe_id(u), _safe_id(v), _safe_id(k), attrs)])
    plain.graph.update(
        ecograph_format=1,
        ecograph_name=_encode(eco.name),
        ecograph_attrs=_xml_safe(json.dumps({k: to_json(v) for k, v in eco.attrs.items()}, ensure_ascii=False)),
        ecograph_vocabulary=_xml_safe(json.dumps(vocabulary_to_document(eco.vocabulary), ensure_ascii=False)),
        ecograph_encoded=_xml_safe(json.dumps(encoded, ensure_ascii=False)),
    )
    return plain


#: Prefix of ids and keys written as JSON because XML cannot carry them (control characters).
_ID_MARK = "ecograph-json:"


def _safe_id(ident: str) -> str:
    """``ident``, or a JSON form of it when XML cannot carry it (reversible: :func:`_id_back`)."""
    if _BAD_XML.search(ident) or ident.startswith(_ID_MARK):
        return _ID_MARK + json.dumps(ident)
    return ident


def _id_back(ident: str) -> str:
    if not ident.startswith(_ID_MARK):
        return ident
    try:
        back = parse_json(ident[len(_ID_MARK):])
    except LoadError:
        return ident  # not written by ecograph: the id is what the file says
    return back if isinstance(back, str) else ident


def _encode(value: Any) -> str:
    return _xml_safe(json.dumps(to_json(value), ensure_ascii=False))


def _xml_safe(text: str) -> str:
    # characters XML cannot carry only occur inside JSON strings, where a \u escape is valid
    return _BAD_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _encoded_names(domain: str, rows: Any) -> list[str]:
    """Attributes of ``domain`` that cannot be stored natively (one type per attribute)."""
    types: dict[str, set[str]] = {}
    awkward: set[str] = set()
    for row in rows:
        for name, value in row.items():
            kind = type_name(value)
            types.setdefault(name, set()).add(kind)
            if (kind == "int" and not -_INT64 <= value < _INT64) or (kind == "str" and (not value or _BAD_XML.search(value))):
                awkward.add(name)
    return sorted(f"{domain}:{n}" for n, kinds in types.items() if n in awkward or len(kinds) > 1 or not kinds <= _NATIVE)


_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\r\ufffe\uffff]")


def write(eco: Ecosystem, path: str | Path, *, format: str | None = None) -> None:
    """Write ``eco`` as GraphML (``.graphml``) or GEXF (``.gexf``).

    Examples
    --------
    >>> import os, tempfile
    >>> eco = Ecosystem(name="x"); eco.add_org("a", "甲")
    >>> path = os.path.join(tempfile.mkdtemp(), "x.graphml")
    >>> write(eco, path); read(path) == eco
    True
    """
    path = Path(path)
    fmt = format or path.suffix.lower().lstrip(".")
    if fmt == "gexf":
        plain = to_plain_graph(eco, gexf=True)
        meta = {k: v for k, v in plain.graph.items()}
        plain.graph.clear()
        plain.graph["name"] = _BAD_XML.sub("", eco.name)  # display only: the name is in the metadata
        text = "\n".join(nx.generate_gexf(plain, version="1.2draft"))
        description = f"<description>{escape(json.dumps(meta, ensure_ascii=False))}</description>"
        text = re.sub(r"(<creator>.*?</creator>)", lambda m: m.group(1) + description, text, count=1, flags=re.S)
        path.write_text(text, encoding="utf-8")
    else:
        nx.write_graphml(to_plain_graph(eco), path, encoding="utf-8")


def read(path: str | Path, *, format: str | None = None) -> Ecosystem:
    """Read a GraphML or GEXF file written by :func:`write` (or any such file: nodes become
    organisations with ``kind`` defaulting to ``enterprise``, edges ``collaborates`` for an
    undirected graph and ``serves`` for a directed one unless they carry ``relation``).

    Raises
    ------
    LoadError
        Malformed XML, undecodable values, or data that breaks the model (every problem listed).
    """
    path = Path(path)
    fmt = format or path.suffix.lower().lstrip(".")
    _check_structure(path, fmt)
    try:
        if fmt == "gexf":
            graph = nx.read_gexf(path, node_type=str)
            meta = _gexf_meta(path)
        else:
            graph = nx.read_graphml(path, node_type=str, force_multigraph=True)
            meta = graph.graph
    except (ET.ParseError, nx.NetworkXError, ValueError, KeyError, TypeError, AttributeError) as exc:
        line = getattr(exc, "position", (None,))[0]
        where = f", line {line}" if line else ""
        detail = str(exc).strip()
        detail = detail if detail and detail != "None" else f"{type(exc).__name__} while reading the {fmt.upper()} structure"
        raise LoadError(f"{path}{where}: not a readable {fmt.upper()} file: {clip(detail)}", path=str(path),
                        line=line) from None
    return _from_plain(graph, meta, str(path))


def _check_structure(path: Path, fmt: str) -> None:
    """What networkx would let pass silently, found in one streaming pass with line numbers:
    XML that is not well-formed, a node without ``id``, a node id declared twice (networkx keeps
    the last), an edge without ``source`` or ``target``, an edge to an undeclared node (networkx
    would invent a phantom organisation). Entity expansion is bounded by expat itself.

    Raises
    ------
    LoadError
        Every problem found, each with its line.
    """
    b = Builder(str(path))
    declared: dict[str, int] = {}
    edges: list[tuple[int, str, str]] = []
    parser = expat.ParserCreate()

    def start(tag: str, attributes: dict[str, str]) -> None:
        name = tag.rsplit(":", 1)[-1]
        line = parser.CurrentLineNumber
        if name == "node":
            ident = attributes.get("id")
            if ident is None or ident == "":
                b.problem(Where("node", line=line), "a node without an id", field="id")
            elif ident in declared:
                b.problem(Where(f"node {clip(ident)}", line=line),
                          f"the id is declared twice (first on line {declared[ident]})", field="id", id=ident)
            else:
                declared[ident] = line
        elif name == "edge":
            ends = [attributes.get("source"), attributes.get("target")]
            for field, end in zip(("source", "target"), ends):
                if end is None or end == "":
                    b.problem(Where("edge", line=line), f"an edge without a {field}", field=field)
            if None not in ends and "" not in ends:
                edges.append((line, ends[0], ends[1]))  # type: ignore[arg-type]

    parser.StartElementHandler = start
    try:
        with path.open("rb") as handle:
            parser.ParseFile(handle)
    except expat.ExpatError as exc:
        raise LoadError(f"{path}, line {exc.lineno}: not a readable {fmt.upper()} file: not well-formed XML: "
                        f"{expat.ErrorString(exc.code)} "
                        f"(column {exc.offset + 1})", path=str(path), line=exc.lineno) from None
    except OSError as exc:
        raise LoadError(f"{path}: cannot read the file: {exc.strerror or exc}", path=str(path)) from None
    for line, source, target in edges:
        for field, end in (("source", source), ("target", target)):
            if end not in declared:
                b.problem(Where(f"edge {clip(source)} -> {clip(target)}", line=line),
                          f"{field} {clip(end)} is not a node of the file", field=field, id=end)
    b.finish()


def _gexf_meta(path: Path) -> dict[str, Any]:
    root = ET.parse(path).getroot()
    description = root.find("{*}meta/{*}description")
    if description is None or not description.text:
        return {}
    try:
        meta = parse_json(description.text, source=str(path))
    except LoadError:
        return {}  # a foreign GEXF file with a prose description
    return meta if isinstance(meta, dict) else {}


def _from_plain(graph: nx.Graph, meta: dict[str, Any], source: str) -> Ecosystem:
    b = Builder(source)
    where_meta = Where("metadata", file=source)
    try:
        encoded = set(parse_json(meta.get("ecograph_encoded", "[]"), source=source))
        attrs = {k: from_json(v) for k, v in parse_json(meta.get("ecograph_attrs", "{}"), source=source).items()}
        vocabulary_doc = parse_json(meta.get("ecograph_vocabulary", "{}"), source=source)
        vocabulary = vocabulary_from_document(vocabulary_doc) if vocabulary_doc else None
    except (LoadError, ValueProblem, TypeError, AttributeError) as exc:
        b.problem(where_meta, f"unreadable ecograph metadata ({clip(str(exc))}); expected the JSON written by ecograph")
        encoded, attrs, vocabulary = set(), {}, None
    if "ecograph_name" in meta:
        try:
            name = parse_json(meta["ecograph_name"], source=source)
        except (LoadError, TypeError):
            name = meta["ecograph_name"]
    else:
        name = meta.get("name") or Path(source).stem
    if not isinstance(name, str):
        b.problem(where_meta, f"the graph's name must be a text, got {type(name).__name__} {clip(name)}", field="name")
        name = Path(source).stem
    b.start(name, vocabulary, attrs, where_meta)
    default_relation = "serves" if graph.is_directed() else "collaborates"

    def decode(domain: str, data: dict[str, Any], where: Where, skip: tuple[str, ...]) -> dict[str, Any] | None:
        out: dict[str, Any] = {}
        ok = True
        for name, value in data.items():
            if name in skip:
                continue
            if f"{domain}:{name}" in encoded:
                try:
                    value = from_json(parse_json(value, source=source))
                except (LoadError, TypeError, ValueProblem):
                    b.problem(where, f"{value!r} is not a JSON-encoded value", field=_unescape(name))
                    ok = False
                    continue
            key = name if name in _NODE_FIELDS else _unescape(name)
            out[key] = math.nan if isinstance(value, float) and math.isnan(value) else value
        return out if ok else None

    for node, data in graph.nodes(data=True):
        node = _id_back(node)
        where = Where(f"node {node!r}", file=source)
        attrs_n = decode("node", data, where, ("label",))
        if attrs_n is not None:
            fields = {f: attrs_n.pop(f, None) for f in _NODE_FIELDS}
            b.add_org(where, node, fields["name"] if fields["name"] is not None else data.get("label"),
                      fields["kind"], fields["sector"], attrs_n)
    edges = graph.edges(keys=True, data=True) if graph.is_multigraph() else ((u, v, None, d) for u, v, d in graph.edges(data=True))
    for u, v, k, data in edges:
        u, v = _id_back(u), _id_back(v)
        where = Where(f"edge {u!r} -> {v!r}", file=source)
        attrs_e = decode("edge", data, where, ("relation", "ecograph_key", "key", "id", "networkx_key"))
        if attrs_e is not None:
            key = data.get("ecograph_key", data.get("key", None if isinstance(k, int) else k))
            b.add_relation(where, u, v, data.get("relation", default_relation),
                           _id_back(str(key)) if key is not None else None, attrs_e)
    return b.finish()
