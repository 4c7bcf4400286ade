"""The conventions of docs/conventions.md, checked on every public name, and the house rules
(no import cycle, no module named like an exported function)."""

from __future__ import annotations

import ast
import builtins
import importlib
import inspect
import pkgutil
import re
import types
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

import ecograph
import ecograph.diagrams
import loaders
from ecograph import errors

ROOT = Path(__file__).resolve().parents[1]


def _public() -> list[tuple[str, Any]]:
    items = []
    for package in (ecograph, ecograph.diagrams, loaders):
        for name in package.__all__:
            value = getattr(package, name)
            if inspect.isfunction(value) or inspect.isclass(value):
                items.append((f"{package.__name__}.{name}", value))
    return items


PUBLIC = _public()
FUNCTIONS = [(name, value) for name, value in PUBLIC if inspect.isfunction(value)]
CLASSES = [(name, value) for name, value in PUBLIC if inspect.isclass(value) and not issubclass(value, Exception)]


def _parameters(function: Any) -> list[inspect.Parameter]:
    return list(inspect.signature(function).parameters.values())


def _annotation(parameter: inspect.Parameter) -> str:
    annotation = parameter.annotation
    return annotation if isinstance(annotation, str) else getattr(annotation, "__name__", str(annotation))


def test_the_walk_covers_the_api():
    names = {name for name, _ in FUNCTIONS}
    assert {"ecograph.reach", "ecograph.pagerank", "ecograph.brokerage", "ecograph.allocate",
            "ecograph.diagrams.chain", "loaders.read"} <= names
    assert len(FUNCTIONS) > 60


@pytest.mark.parametrize("name, function", FUNCTIONS, ids=[n for n, _ in FUNCTIONS])
def test_graph_parameters_are_G_and_ecosystems_eco(name, function):
    for parameter in _parameters(function):
        annotation = _annotation(parameter)
        if "GraphLike" in annotation or parameter.name == "G":
            assert parameter.name == "G" and "GraphLike" in annotation, f"{name}({parameter.name}: {annotation})"
        if annotation in ("Ecosystem", "Ecosystem | None") or parameter.name == "eco":
            assert parameter.name == "eco" and annotation in ("Ecosystem", "Ecosystem | None"), \
                f"{name}({parameter.name}: {annotation})"


@pytest.mark.parametrize("name, function", FUNCTIONS, ids=[n for n, _ in FUNCTIONS])
def test_one_name_per_parameter_concept(name, function):
    names = {p.name: _annotation(p) for p in _parameters(function)}
    banned = {
        "max_hops": "hops", "cutoff": "hops", "k_hops": "hops", "radius": "hops",
        "group": "by", "group_by": "by", "groupby": "by",
        "relation": "relations", "relation_types": "relations", "types": "relations",
    }
    for bad, good in banned.items():
        assert bad not in names, f"{name}: parameter {bad!r} should be {good!r}"
    if "G" in names:  # wherever relations can be chosen
        assert "relations" in names, f"{name} takes a graph but no relations="
    if "weight" in names:  # only ever the name of an edge attribute
        assert names["weight"] in ("str | None", "str"), f"{name}: weight is {names['weight']}"


SECTIONS = ("Parameters", "Returns", "Raises", "Examples")


def _sections(obj: Any) -> set[str]:
    doc = inspect.getdoc(obj) or ""
    return {m.group(1) for m in re.finditer(r"^(\w+)\n-{3,}$", doc, flags=re.MULTILINE)}


@pytest.mark.parametrize("name, function", FUNCTIONS, ids=[n for n, _ in FUNCTIONS])
def test_functions_have_every_numpydoc_section(name, function):
    missing = [s for s in SECTIONS if s not in _sections(function)]
    assert not missing, f"{name}: docstring lacks {missing}"


@pytest.mark.parametrize("name, cls", CLASSES, ids=[n for n, _ in CLASSES])
def test_classes_say_what_they_hold_with_an_example(name, cls):
    sections = _sections(cls)
    assert sections & {"Parameters", "Attributes"} and "Examples" in sections, f"{name}: {sorted(sections)}"


# ------------------------------------------------------------------------------ outputs
def _return_classes(function: Any) -> list[type]:
    """The ecograph classes named in a function's return annotation."""
    annotation = inspect.signature(function).return_annotation
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
    module = importlib.import_module(function.__module__)
    found = []
    for word in re.findall(r"[A-Za-z_][A-Za-z_0-9]*", text):
        value = getattr(module, word, None)
        if inspect.isclass(value) and value.__module__.split(".")[0] in ("ecograph", "loaders"):
            found.append(value)
    return found


@pytest.mark.parametrize("name, function", FUNCTIONS, ids=[n for n, _ in FUNCTIONS])
def test_results_are_node_values_or_tables(name, function):
    from ecograph.matrix import SparseGraph
    from ecograph.model import Ecosystem
    from ecograph.results import NodeValues, TableResult as Table

    annotation = str(inspect.signature(function).return_annotation)
    if "Money" not in annotation:  # exact money per unit stays exact (int fen or Decimal), not a float array
        assert not annotation.startswith("dict[Hashable"), f"{name}: per-node output must be NodeValues"
    for cls in _return_classes(function):
        assert cls in (NodeValues, SparseGraph, Ecosystem) or issubclass(cls, Table), f"{name} returns {cls}"


def _tables() -> list[type]:
    from ecograph.results import TableResult as Table

    seen: dict[type, None] = {}
    for _, function in FUNCTIONS:
        for cls in _return_classes(function):
            if issubclass(cls, Table):
                seen[cls] = None
    return list(seen)


def test_every_table_has_rows_to_dict_and_to_pandas():
    from ecograph.results import TableResult as Table

    tables = _tables()
    assert len(tables) > 20
    for cls in tables:
        for method in ("rows", "to_dict", "to_pandas"):
            assert callable(getattr(cls, method, None)), f"{cls.__name__}.{method}"
        assert cls.rows is not Table.rows, f"{cls.__name__} does not say what its rows are"


# ------------------------------------------------------------------------------- errors
def test_every_error_class_derives_from_ecograph_error():
    classes = [v for v in vars(errors).values() if inspect.isclass(v) and issubclass(v, Exception)]
    classes += [getattr(ecograph.diagrams, n) for n in ecograph.diagrams.__all__
                if inspect.isclass(getattr(ecograph.diagrams, n)) and issubclass(getattr(ecograph.diagrams, n), Exception)]
    assert len(classes) > 20
    for cls in classes:
        assert issubclass(cls, errors.EcographError), cls


#: built-in exceptions raised where a protocol demands them or that never reach a caller
_ALLOWED_RAISES = {
    ("ecograph/__init__.py", "AttributeError"),  # module __getattr__ protocol
    ("ecograph/service.py", "ValueError"),  # inside a pydantic validator: pydantic turns it into a 422
    ("ecograph/allocation.py", "ValueError"),  # control flow inside one parser, caught next to it
    ("ecograph/allocation.py", "TypeError"),
    ("loaders/_values.py", "TypeError"),  # json.dumps default= protocol; callers pass known types only
}


def _raised_builtins() -> list[tuple[str, str, int]]:
    found = []
    for folder in ("ecograph", "loaders"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Raise) and node.exc is not None:
                    target = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
                    builtin = getattr(builtins, getattr(target, "id", ""), None)
                    if inspect.isclass(builtin) and issubclass(builtin, BaseException):
                        found.append((rel, target.id, node.lineno))
    return found


def test_every_raise_is_an_ecograph_error():
    wrong = [
        f"{path}:{line} raises {name}"
        for path, name, line in _raised_builtins()
        if (path, name) not in _ALLOWED_RAISES
        and name not in ("ImportError", "NotImplementedError")  # an optional dependency missing; an abstract method
    ]
    assert not wrong, "\n".join(wrong)


# ------------------------------------------------------------------------------- house
def test_no_module_is_named_like_an_exported_function():
    for package in (ecograph, ecograph.diagrams, loaders):
        exported = {n for n in package.__all__ if not isinstance(getattr(package, n), types.ModuleType)}
        for info in pkgutil.iter_modules(package.__path__):
            if info.name == "__main__":
                continue
            assert info.name not in exported, f"{package.__name__}.{info.name} is both a module and a function"
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            assert isinstance(module, types.ModuleType)
    import ecograph.reachability as r

    assert isinstance(r, types.ModuleType) and callable(ecograph.reach)
    assert type(ecograph) is types.ModuleType  # a plain module, no module-class trick


def _import_graph(package_dir: Path) -> nx.DiGraph:
    """Module -> imported module of the package, every import counted (also inside functions),
    except those under ``if TYPE_CHECKING:``."""
    top = package_dir.name
    modules = {}
    for path in package_dir.rglob("*.py"):
        parts = list(path.relative_to(package_dir.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    graph = nx.DiGraph()
    graph.add_nodes_from(modules)
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        typing_only = {id(sub) for node in ast.walk(tree)
                       if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
                       for sub in ast.walk(node)}
        for node in ast.walk(tree):
            if id(node) in typing_only:
                continue
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    source = ".".join(base + ([node.module] if node.module else []))
                else:
                    source = node.module or ""
                targets = [source] + [f"{source}.{alias.name}" for alias in node.names]
            else:
                continue
            for target in targets:
                if target in modules and target != name and target.startswith(top):
                    graph.add_edge(name, target)
    return graph


@pytest.mark.parametrize("package", ["ecograph", "loaders"])
def test_the_import_graph_has_no_cycle(package):
    graph = _import_graph(ROOT / package)
    assert graph.number_of_edges() > 10
    cycles = list(nx.simple_cycles(graph))
    assert not cycles, f"import cycles: {cycles[:5]}"
