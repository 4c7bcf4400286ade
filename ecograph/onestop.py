"""One-stop service (一门式): how many departments a firm must contact, with and without the hub.

Before Pudong's science-and-technology certification centre, a firm claiming a policy went to
every department involved — a technology contract meant the Science Commission, the tax office
and the municipal technology-market office. With the one-stop centre the firm hands its file to
one window and the centre passes it on to the departments it works with (the offices whose
windows it took over, its parent commission, its partners); only departments the centre cannot
reach are still contacted directly ("去税务所享受税收减免").

For each policy with required departments ``D``:

- **without the hub** a firm contacts every department: ``|D|``;
- **with the hub** it contacts the hub plus every department the hub cannot reach over the
  ``relay`` relations: ``1 + |D − R(hub)|``, where ``R(hub)`` is found by a breadth-first
  search from the hub (its shortest relay paths, any length);

and both are multiplied by the number of applicant firms and summed over the policies whose
applicants are counted (a policy without a count has per-claim figures but no total: it is
never taken as one firm). This is the one-stop saving wherever it is shown.

Examples
--------
>>> from ecograph import Ecosystem
>>> eco = Ecosystem()
>>> eco.vocabulary.add_kind("policy", sector="government")
>>> for d in ("stc", "tax", "market"):
...     eco.add_org(d, kind="government")
>>> eco.add_org("hub", kind="service_org"); eco.add_org("contract", kind="policy")
>>> eco.add_relation("hub", "stc", "part_of"); eco.add_relation("hub", "market", "collaborates")
>>> result = one_stop(eco, "hub", {"contract": ["stc", "tax", "market"]}, applicants={"contract": 10})
>>> row = result.policies[0]
>>> row["without_hub"], row["with_hub"], row["total_without"], row["total_with"]
(3, 2, 30, 20)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp

from .compiled import compiled, index_of, node_attribute
from .errors import AnalysisError
from .matrix import compile
from .results import TableResult

if TYPE_CHECKING:  # pragma: no cover
    from .model import Ecosystem

__all__ = ["OneStop", "one_stop", "RELAY_RELATIONS"]

#: Relations through which a hub passes a file on: offices whose windows it replaced, its parent
#: body, its partners.
RELAY_RELATIONS: tuple[str, ...] = ("replaces", "part_of", "collaborates")


@dataclass(frozen=True)
class OneStop(TableResult):
    """Contacts per policy with and without the one-stop hub.

    Attributes
    ----------
    hub : str
    policies : list of dict
        Per policy: ``departments`` (required), ``direct`` (those the hub cannot reach, still
        contacted by the firm), ``without_hub`` and ``with_hub`` (contacts per claim),
        ``firms`` (applicants; ``None`` when not counted), ``total_without``, ``total_with``
        and ``saved`` (``None`` when the applicants are not counted).
    """

    key = "policy"

    hub: str
    policies: list[dict[str, Any]]

    def _counted(self) -> list[dict[str, Any]]:
        return [row for row in self.policies if row["firms"] is not None]

    @property
    def counted(self) -> int:
        """Policies whose applicants are counted (the totals cover these)."""
        return len(self._counted())

    @property
    def applications(self) -> int:
        """Applications over the counted policies."""
        return sum(row["firms"] for row in self._counted())

    @property
    def total_without(self) -> int:
        """Department contacts of the counted applications without the hub."""
        return sum(row["total_without"] for row in self._counted())

    @property
    def total_with(self) -> int:
        """Department contacts of the counted applications with the hub."""
        return sum(row["total_with"] for row in self._counted())

    @property
    def saved(self) -> int:
        """Contacts the hub saves over the counted applications (negative when it costs more)."""
        return self.total_without - self.total_with

    @property
    def saved_share(self) -> float:
        """:attr:`saved` as a share of :attr:`total_without` (0 when nothing is counted)."""
        return self.saved / self.total_without if self.total_without else 0.0

    @property
    def fewer_per_claim(self) -> int:
        """Policies whose claim needs fewer contacts with the hub than without."""
        return sum(row["with_hub"] < row["without_hub"] for row in self.policies)

    @property
    def more_per_claim(self) -> int:
        """Policies whose claim needs more contacts with the hub (departments it cannot reach)."""
        return sum(row["with_hub"] > row["without_hub"] for row in self.policies)

    def summary(self) -> str:
        """The finding in plain words (only non-zero extras are named)."""
        n = len(self.policies)
        parts = []
        if self.counted:
            scope = "the policy" if self.counted == 1 else f"the {self.counted:,} policies"
            parts.append(f"{self.applications:,} applications over {scope} with an applicant count need "
                         f"{self.total_without:,} department contacts without the one-stop centre and "
                         f"{self.total_with:,} with it ({self.saved:,} fewer, {self.saved_share:.0%})")
        per_claim = [f"{k:,} of {n:,} {'policy needs' if n == 1 else 'policies need'} {word} contacts with the centre"
                     for k, word in ((self.fewer_per_claim, "fewer"), (self.more_per_claim, "more")) if k]
        parts.append("per claim, " + " and ".join(per_claim) if per_claim
                     else "per claim, no policy needs fewer or more contacts with the centre")
        return "; ".join(parts)

    def rows(self) -> list[dict[str, Any]]:
        """One row per policy (:attr:`policies`)."""
        return list(self.policies)

    def to_dict(self) -> dict[str, Any]:
        return {"hub": self.hub, "policies": self.policies, "counted": self.counted,
                "applications": self.applications, "total_without": self.total_without,
                "total_with": self.total_with, "saved": self.saved, "saved_share": self.saved_share,
                "fewer_per_claim": self.fewer_per_claim, "more_per_claim": self.more_per_claim}


def _requirements_from_graph(eco: Ecosystem, relation: str) -> dict[str, list[str]]:
    if relation not in eco.vocabulary.relations:
        raise AnalysisError(
            f"one_stop: no requirements given and the ecosystem has no {relation!r} relations (policy -> "
            "department); pass requirements={policy: [departments]}",
            field="requirements",
        )
    table: dict[str, list[str]] = {}
    for u, v, _k, _d in eco.relations(relation):
        table.setdefault(u, []).append(v)
    return table


def one_stop(
    eco: Ecosystem,
    hub: str,
    requirements: Mapping[str, Iterable[str]] | None = None,
    *,
    applicants: Mapping[str, int] | None = None,
    relay: Sequence[str] = RELAY_RELATIONS,
    requires: str = "requires",
) -> OneStop:
    """Department contacts per policy, with and without the one-stop hub, summed over firms.

    Parameters
    ----------
    eco : Ecosystem
    hub : str
        The one-stop centre.
    requirements : mapping, optional
        policy -> the departments a claim involves. By default read from ``requires``
        relations (policy -> department).
    applicants : mapping, optional
        policy -> number of applicant firms. By default read from the policies' ``applicants``
        attribute; a policy without a figure is left out of the totals.
    relay : sequence of str
        Relation types over which the hub passes files on (followed both ways).
    requires : str
        Relation type holding the requirements when ``requirements`` is not given.

    Returns
    -------
    OneStop
        Policies in the order given (or of the relations).

    Raises
    ------
    NodeNotFoundError
        An unknown hub, policy or department.
    AnalysisError
        No requirements given or found, or a negative number of applicants.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem(); eco.vocabulary.add_kind("policy", sector="government")
    >>> eco.add_org("hub", kind="service_org"); eco.add_org("office", kind="government")
    >>> eco.add_org("fund", kind="policy"); eco.add_relation("hub", "office", "part_of")
    >>> one_stop(eco, "hub", {"fund": ["office"]}, applicants={"fund": 40}).summary()
    '40 applications over the policy with an applicant count need 40 department contacts without the one-stop centre and 40 with it (0 fewer, 0%); per claim, no policy needs fewer or more contacts with the centre'
    """
    from .reachability import reach

    table = _requirements_from_graph(eco, requires) if requirements is None else {
        p: list(dict.fromkeys(d)) for p, d in requirements.items()}
    if applicants is None:
        view = compiled(eco)
        applicants = {p: view.records[view.index[p]]["applicants"] for p in table
                      if p in view.index and "applicants" in view.records[view.index[p]]}
    counts = dict(applicants)
    for policy, n in counts.items():
        if n is not None and n < 0:
            raise AnalysisError(f"one_stop: policy {policy!r} has {n} applicants; expected >= 0", id=policy)
    graph = compile(eco, relations=[r for r in relay if r in eco.vocabulary.relations], directed=False)
    policies = list(table)
    graph.positions(policies, "policy")
    graph.positions([hub], "hub")
    departments = list(dict.fromkeys(d for deps in table.values() for d in deps))
    dept_pos = graph.positions(departments, "department")
    hops = np.full(graph.n, -1, dtype=np.int64)
    found = reach(graph, [hub])
    hops[graph.positions(found.nodes)] = found.array
    column = index_of(departments)
    rows = [i for i, p in enumerate(policies) for _ in table[p]]
    cols = [column[d] for p in policies for d in table[p]]
    need = sp.csr_array((np.ones(len(rows), dtype=np.int64), (rows, cols)), shape=(len(policies), len(departments)))
    unreachable = (hops[dept_pos] < 0).astype(np.int64)
    without = np.asarray(need.sum(axis=1)).ravel()
    direct = need @ unreachable
    with_hub = np.where(without > 0, 1 + direct, 0)
    names = node_attribute(eco, policies, "name")
    out = []
    for i, policy in enumerate(policies):
        deps = table[policy]
        firms = None if counts.get(policy) is None else int(counts[policy])
        out.append({
            "policy": policy,
            "name": names[i],
            "departments": deps,
            "direct": [d for d in deps if hops[graph.index[d]] < 0],
            "relay_hops": max((int(hops[graph.index[d]]) for d in deps if hops[graph.index[d]] >= 0), default=0),
            "without_hub": int(without[i]),
            "with_hub": int(with_hub[i]),
            "firms": firms,
            "total_without": None if firms is None else int(without[i]) * firms,
            "total_with": None if firms is None else int(with_hub[i]) * firms,
            "saved": None if firms is None else int(without[i] - with_hub[i]) * firms,
        })
    return OneStop(hub, out)
