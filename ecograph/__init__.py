"""ecograph: graph analytics of innovation ecosystems.

One typed graph (:class:`Ecosystem`) for platforms and their circle layers, chain alliances,
associations and hierarchies; a compiled sparse-matrix core (:class:`SparseGraph`) for reach,
centrality and brokerage; exact, explainable evaluation and budget allocation.

Public names are imported lazily, so ``import ecograph`` stays fast and optional parts
(diagrams, the HTTP service) load only when used.

Examples
--------
>>> import ecograph as eg
>>> eco = eg.Ecosystem()
>>> eco.add_org("a", "甲公司"); eco.add_org("b", "乙大学", kind="university")
>>> eco.add_relation("a", "b", "collaborates")
>>> eg.degree(eco).to_dict()
{'a': 1.0, 'b': 1.0}
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS: dict[str, str] = {
    "Ecosystem": "model",
    "Vocabulary": "model",
    "RelationSpec": "model",
    "Chain": "model",
    "Hierarchy": "model",
    "RINGS": "model",
    "SECTORS": "model",
    "errors": "",
    "diagrams": "",
    "report": "",
    "NodeValues": "results",
    "SparseGraph": "matrix",
    "compile": "matrix",
    "degree": "centrality",
    "pagerank": "centrality",
    "eigenvector": "centrality",
    "katz": "centrality",
    "closeness": "centrality",
    "harmonic": "centrality",
    "betweenness": "centrality",
    "reach": "reachability",
    "reach_profile": "reachability",
    "coverage": "reachability",
    "decay_reach": "reachability",
    "influence": "reachability",
    "k_step_reach": "reachability",
    "brokerage": "brokers",
    "constraint": "brokers",
    "effective_size": "brokers",
    "core_number": "coreperiphery",
    "onion_layers": "coreperiphery",
    "borgatti_everett": "coreperiphery",
    "continuous_coreness": "coreperiphery",
    "triple_helix": "helix",
    "core_periphery_levels": "coreperiphery",
    "allocate": "allocation",
    "cascade": "allocation",
    "divisor_apportion": "allocation",
    "grade_rewards": "allocation",
    "Allocation": "allocation",
    "IndicatorTable": "scoring",
    "service_indicators": "scoring",
    "normalize": "scoring",
    "entropy_weights": "scoring",
    "ahp_weights": "scoring",
    "weighted_sum": "scoring",
    "topsis": "scoring",
    "grade": "scoring",
    "evaluate": "scoring",
    "check_eligibility": "eligibility",
    "ring_composition": "rings",
    "ring_density": "rings",
    "ring_flows": "rings",
    "radiation": "rings",
    "infer_rings": "rings",
    "suggest_promotions": "rings",
    "chain_coverage": "chains",
    "anchor_position": "chains",
    "decompose_request": "chains",
    "ChainRouter": "chains",
    "strengthen_chain": "chains",
    "membership_matrix": "memberships",
    "association_overlap": "memberships",
    "projection": "memberships",
    "composition": "memberships",
    "bridging": "memberships",
    "rollup": "hierarchies",
    "balance": "hierarchies",
    "propose_districts": "districts",
    "one_stop": "onestop",
    "match": "matching",
    "Matching": "matching",
    "action_evaluation": "action",
    "ActionEvaluation": "action",
    "changes": "dynamics",
    "panel": "dynamics",
    "Changes": "dynamics",
    "Panel": "dynamics",
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str) -> Any:
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'ecograph' has no attribute {name!r}")
    if module_name == "":
        return importlib.import_module(f"{__name__}.{name}")
    value = getattr(importlib.import_module(f"{__name__}.{module_name}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from . import errors
    from .model import RINGS, SECTORS, Chain, Ecosystem, Hierarchy, RelationSpec, Vocabulary
