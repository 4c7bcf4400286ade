"""Built-in datasets reproducing the seed documents' facts, plus documented synthetic parts.

Each dataset is a function returning a fresh :class:`~ecograph.Ecosystem`; its docstring (and
``docs/datasets.md``) says which numbers are real, from which document, and which are
synthetic. Synthetic parts come from ``numpy.random.default_rng(seed)``: a dataset is
identical for the same parameters.

Examples
--------
>>> from loaders.datasets import list_datasets, load_dataset
>>> [d["name"] for d in list_datasets(sizes=False)][:2]
['shanghai_motor', 'shanghai_biopharma']
>>> load_dataset("pudong_policy").node("pudong_centre")["name"]
'浦东新区科技认定服务中心'
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from ecograph.errors import DatasetError
from ecograph.model import Ecosystem

from .cast import cast_service_action
from .productivity import productivity_centers, tianjin_centers
from .shanghai import pudong_policy, shanghai_biopharma, shanghai_motor
from .suzhou import suzhou_associations

__all__ = [
    "list_datasets",
    "load_dataset",
    "DATASETS",
    "shanghai_motor",
    "shanghai_biopharma",
    "pudong_policy",
    "suzhou_associations",
    "productivity_centers",
    "tianjin_centers",
    "cast_service_action",
]

#: name -> (function, one-line description)
DATASETS: dict[str, tuple[Callable[..., Ecosystem], str]] = {
    "shanghai_motor": (shanghai_motor, "Shanghai SME motor platform: core, four rings, 6 sub-platforms, 40 backbone firms, ~2,000-firm industry (seed 001)"),
    "shanghai_biopharma": (shanghai_biopharma, "Shanghai biopharma chain platform: 13 members on 9 stages, anchor unit, 2010 and H1-2011 services (seed 001)"),
    "pudong_policy": (pudong_policy, "Pudong one-stop S&T policy centre: 24 policies, offices it replaced, 2011 certifications (seed 001)"),
    "suzhou_associations": (suzhou_associations, "Suzhou: 25 industry associations, 11,849 member firms with listed/leading/专精特新/high-tech flags (seed 004)"),
    "productivity_centers": (productivity_centers, "National productivity-centre network: association, 10 districts, 2,689 centres, up to 500,000 firms (seed 000)"),
    "tianjin_centers": (tianjin_centers, "Tianjin municipal productivity centres: eligibility attributes and six-dimension indicators (seed 003)"),
    "cast_service_action": (cast_service_action, "CAST 百千万 action: 100 national societies, 1,000 served enterprises, 10,000 experts, open technical problems (seed 002)"),
}


def list_datasets(*, sizes: bool = True) -> list[dict[str, Any]]:
    """The built-in datasets: ``name``, ``description``, ``parameters`` (with defaults) and,
    when ``sizes``, the ``organisations`` and ``relations`` of the default build.

    Examples
    --------
    >>> info = {d["name"]: d for d in list_datasets()}
    >>> info["productivity_centers"]["parameters"]["n_enterprises"]
    0
    >>> info["suzhou_associations"]["organisations"] > 11849
    True
    """
    out = []
    for name, (function, description) in DATASETS.items():
        entry: dict[str, Any] = {"name": name, "description": description, "parameters": _defaults(function)}
        if sizes:
            eco = function()
            entry["organisations"] = len(eco)
            entry["relations"] = eco.number_of_relations()
        out.append(entry)
    return out


def load_dataset(name: str, **params: Any) -> Ecosystem:
    """Build the dataset ``name`` with keyword ``params`` (e.g. ``seed=7``).

    Raises
    ------
    DatasetError
        Unknown dataset or parameter, or a parameter of the wrong type.

    Examples
    --------
    >>> load_dataset("tianjin_centers", n_centres=5).summary()["by_kind"]["productivity_center"]
    5
    >>> load_dataset("nowhere")
    Traceback (most recent call last):
    ...
    ecograph.errors.DatasetError: unknown dataset 'nowhere'; expected one of ['shanghai_motor', 'shanghai_biopharma', 'pudong_policy', 'suzhou_associations', 'productivity_centers', 'tianjin_centers', 'cast_service_action']
    """
    if name not in DATASETS:
        raise DatasetError(f"unknown dataset {name!r}; expected one of {list(DATASETS)}", id=name, field="dataset")
    function = DATASETS[name][0]
    defaults = _defaults(function)
    for key, value in params.items():
        if key not in defaults:
            raise DatasetError(f"dataset {name!r} has no parameter {key!r}; expected one of {sorted(defaults)}",
                               id=name, field=key)
        expected = type(defaults[key])
        ok = isinstance(value, expected) and not (isinstance(value, bool) and expected is not bool)
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            ok = True
        if not ok:
            raise DatasetError(
                f"dataset {name!r}: parameter {key!r} must be {expected.__name__}, got {type(value).__name__} {value!r}",
                id=name, field=key,
            )
    return function(**params)


def _defaults(function: Callable[..., Any]) -> dict[str, Any]:
    return {p.name: p.default for p in inspect.signature(function).parameters.values()
            if p.default is not inspect.Parameter.empty}
