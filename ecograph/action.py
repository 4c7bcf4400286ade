"""Evaluation and feedback of a service action (评估反馈): who was reached, by whom, how evenly.

CAST's 百千万 action (seed 002) asks for "评估反馈机制": :func:`action_evaluation` turns a
:class:`~ecograph.matching.Matching` into the action's figures — coverage of the enterprises by
region and by society, the load on experts (distribution, Gini), each society's reach into the
enterprises' radiation regions — and a per-society scorecard (an
:class:`~ecograph.scoring.IndicatorTable`) that :func:`ecograph.evaluate` and
:func:`ecograph.allocate` take as input.

The action's enterprises are those a society ``serves`` and those posing a matched-for problem.
A society *reaches* an enterprise when one of its experts is assigned a problem the enterprise
poses; it *serves* it when a ``serves`` tie exists. Its radiation provinces are the
``radiation_provinces`` (else the ``province``) of every enterprise it serves or reaches.

Examples
--------
>>> import ecograph as eg
>>> eco = eg.Ecosystem()
>>> eco.add_org("s", "中国电子学会", kind="society")
>>> eco.add_org("f", "某电子有限公司", region="长三角", province="江苏", radiation_provinces=["江苏", "浙江"])
>>> eco.add_org("p", "封装良率", kind="problem", fields=["集成电路"]); eco.add_relation("f", "p", "poses")
>>> eco.add_org("x", "张伟", kind="expert", fields=["集成电路"]); eco.add_relation("x", "s", "member_of")
>>> ev = eg.action_evaluation(eco)
>>> ev.regions[0]["coverage"], ev.societies[0]["radiation_provinces"], ev.load_gini
(1.0, 2, 0.0)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .compiled import compiled
from .hierarchies import gini
from .matching import Matching, match
from .results import TableResult
from .scoring import IndicatorTable

if TYPE_CHECKING:  # pragma: no cover
    from .model import Ecosystem

__all__ = ["action_evaluation", "ActionEvaluation", "SCORECARD_INDICATORS", "SOCIETY_COLUMNS"]

#: The scorecard's indicators (all "higher is better"), with their Chinese names.
SCORECARD_INDICATORS: dict[str, str] = {
    "problems_matched": "对接难题数",
    "enterprises_reached": "对接企业数",
    "new_enterprises": "新拓展企业数",
    "experts_active": "参与专家数",
    "mean_score": "平均匹配得分",
    "radiation_provinces": "辐射省份数",
}


#: Columns of :meth:`ActionEvaluation.rows` (one row per society).
SOCIETY_COLUMNS: tuple[str, ...] = (
    "society", "name", "members", "experts_active", "problems_matched", "enterprises_served", "enterprises_reached",
    "new_enterprises", "mean_score", "radiation_provinces", "radiation_share",
)


@dataclass(frozen=True)
class ActionEvaluation(TableResult):
    """The action's figures. Every table is a list of row dicts (:meth:`tables`).

    Attributes
    ----------
    regions : list of dict
        Per region (sorted): ``enterprises``, ``served`` (by a society), ``with_problems``,
        ``problems``, ``matched``, ``reached`` (enterprises with a matched problem),
        ``coverage`` = reached / with_problems and ``problem_coverage`` = matched / problems
        (``None`` when there is nothing to cover).
    societies : list of dict
        Per society (sorted by id): members, ``experts_active``, ``problems_matched``,
        ``enterprises_served``, ``enterprises_reached``, ``new_enterprises`` (reached, not
        served before), ``mean_score``, ``radiation_provinces`` and ``radiation_share`` (of all
        the action's radiation provinces).
    load : list of dict
        ``{"load": k, "experts": n}``: how many experts carry k problems (k = 0 .. max).
    load_gini : float
        Gini coefficient of the experts' loads (0 = perfectly even).
    utilisation : float or None
        Problems assigned / total capacity.
    flows : list of dict
        ``{"society", "enterprise", "region", "problems"}`` for every society -> enterprise pair
        of the assignment (what the alluvial diagram draws).

    Examples
    --------
    >>> import ecograph as eg
    >>> eco = eg.Ecosystem(); eco.add_org("s", "中国电子学会", kind="society")
    >>> eco.add_org("f", "某电子有限公司", region="长三角")
    >>> eco.add_org("p", "封装良率", kind="problem", fields=["集成电路"]); eco.add_relation("f", "p", "poses")
    >>> eco.add_org("x", "张伟", kind="expert", fields=["集成电路"]); eco.add_relation("x", "s", "member_of")
    >>> ev = eg.action_evaluation(eco)
    >>> ev.regions[0]["region"], ev.regions[0]["reached"], ev.load
    ('长三角', 1, [{'load': 0, 'experts': 0}, {'load': 1, 'experts': 1}])
    """

    regions: list[dict[str, Any]]
    societies: list[dict[str, Any]]
    load: list[dict[str, int]]
    load_gini: float
    utilisation: float | None
    flows: list[dict[str, Any]]
    radiation_total: int
    matching: Matching

    columns = SOCIETY_COLUMNS

    def rows(self) -> list[dict[str, Any]]:
        """The per-society rows (columns :data:`SOCIETY_COLUMNS`)."""
        return [dict(r) for r in self.societies]

    def to_dict(self) -> dict[str, Any]:
        """``{"summary", "rows" (societies), "regions", "load", "flows"}`` (JSON-ready)."""
        return {"summary": self.summary(), "rows": self.rows(), "regions": self.regions, "load": self.load,
                "flows": self.flows}

    def tables(self) -> dict[str, list[dict[str, Any]]]:
        """Every table by name: ``regions``, ``societies``, ``load``, ``flows``."""
        return {"regions": self.regions, "societies": self.societies, "load": self.load, "flows": self.flows}

    def summary(self) -> dict[str, Any]:
        """Totals: enterprises, reached, coverage, problems, matched (and their share), societies (and
        those that took on a problem), load Gini, utilisation."""
        enterprises = sum(r["enterprises"] for r in self.regions)
        with_problems = sum(r["with_problems"] for r in self.regions)
        reached = sum(r["reached"] for r in self.regions)
        return {
            "enterprises": enterprises,
            "served": sum(r["served"] for r in self.regions),
            "with_problems": with_problems,
            "reached": reached,
            "coverage": reached / with_problems if with_problems else None,
            "problems": self.matching.summary()["problems"],
            "matched": self.matching.matched,
            "matched_share": self.matching.matched / len(self.matching.problems) if self.matching.problems else 0.0,
            "societies": len(self.societies),
            "societies_matched": sum(1 for r in self.societies if r["problems_matched"]),
            "load_gini": self.load_gini,
            "utilisation": self.utilisation,
            "radiation_provinces": self.radiation_total,
        }

    def scorecard(self, indicators: Sequence[str] | None = None) -> IndicatorTable:
        """The per-society scorecard as an :class:`~ecograph.scoring.IndicatorTable`.

        Every indicator of :data:`SCORECARD_INDICATORS` is "higher is better"; a society with
        no matched problem has ``mean_score`` 0.

        Examples
        --------
        >>> import ecograph as eg
        >>> from loaders.datasets import load_dataset
        >>> ev = eg.action_evaluation(load_dataset("cast_service_action", n_problems=200))
        >>> table = ev.scorecard()
        >>> table.shape
        (100, 6)
        >>> result = eg.evaluate(table, quota={"excellent": 0.2, "good": 0.3, "pass": 0.4})
        >>> result.grades.counts()["excellent"]
        20
        >>> grant = eg.allocate(10_000_000_00, result.scores.to_dict(), unit=100)   # 1,000 万元 in fen
        >>> sum(grant.values()) == 10_000_000_00 and len(grant) == 100
        True
        """
        names = list(SCORECARD_INDICATORS) if indicators is None else list(indicators)
        units = [r["society"] for r in self.societies]
        values = [[float(r[name] if r[name] is not None else 0) for name in names] for r in self.societies]
        return IndicatorTable(units, names, values) if units else IndicatorTable([], names, [])


def action_evaluation(eco: Ecosystem, matching: Matching | None = None) -> ActionEvaluation:
    """Evaluate a service action from its matching (评估反馈).

    Parameters
    ----------
    eco : Ecosystem
        The ecosystem matched (societies, experts, enterprises, problems).
    matching : Matching, optional
        The result of :func:`ecograph.match` on ``eco``; computed with the defaults when
        omitted.

    Returns
    -------
    ActionEvaluation

    Raises
    ------
    AnalysisError
        When the matching must be computed and :func:`ecograph.match` cannot (see there).

    Examples
    --------
    >>> import ecograph as eg
    >>> from loaders.datasets import load_dataset
    >>> ev = eg.action_evaluation(load_dataset("cast_service_action", n_problems=200))
    >>> [r["region"] for r in ev.regions]
    ['东北', '中部', '京津冀', '粤港澳大湾区', '长三角']
    >>> ev.summary()["enterprises"]
    1000
    """
    m = matching if matching is not None else match(eco)
    view = compiled(eco)
    records, index, nodes = view.records, view.index, view.nodes
    societies = sorted(n for n, r in zip(nodes, records) if r["kind"] == "society")
    served: dict[str, set[str]] = {s: set() for s in societies}
    serves = view.relation("serves")
    for u, v in zip(serves.source.tolist(), serves.target.tolist()):
        if nodes[u] in served and records[v]["kind"] == "enterprise":
            served[nodes[u]].add(nodes[v])
    members: dict[str, int] = {}
    for v in view.relation("member_of").target.tolist():
        members[nodes[v]] = members.get(nodes[v], 0) + 1
    posed: dict[str, list[str]] = {}
    for p in m.problems:
        firm = m.enterprise.get(p)
        if firm is not None:
            posed.setdefault(firm, []).append(p)
    firms = sorted(set().union(*served.values(), posed))

    def radiation(firm: str) -> list[str]:
        node = records[index[firm]]
        provinces = node.get("radiation_provinces") or ([node["province"]] if node.get("province") else [])
        return [provinces] if isinstance(provinces, str) else list(provinces)

    # regions
    served_any = set().union(*served.values())
    by_region: dict[str, dict[str, Any]] = {}
    for firm in firms:
        region = str(records[index[firm]].get("region", "未注明"))
        row = by_region.setdefault(region, {"region": region, "enterprises": 0, "served": 0, "with_problems": 0,
                                            "problems": 0, "matched": 0, "reached": 0})
        problems = posed.get(firm, [])
        matched = sum(1 for p in problems if p in m.assignment)
        row["enterprises"] += 1
        row["served"] += firm in served_any
        row["with_problems"] += bool(problems)
        row["problems"] += len(problems)
        row["matched"] += matched
        row["reached"] += matched > 0
    regions = [by_region[r] for r in sorted(by_region)]
    for row in regions:
        row["coverage"] = row["reached"] / row["with_problems"] if row["with_problems"] else None
        row["problem_coverage"] = row["matched"] / row["problems"] if row["problems"] else None

    # societies
    all_radiation = {q for firm in firms for q in radiation(firm)}
    through: dict[str, list[str]] = {s: [] for s in societies}
    for p, s in m.society.items():
        if s in through:
            through[s].append(p)
    rows = []
    for s in societies:
        problems = through[s]
        reached = {m.enterprise[p] for p in problems if m.enterprise.get(p) is not None}
        provinces = {q for firm in reached | served[s] for q in radiation(firm)}
        points = [m.points[p] for p in problems]
        rows.append({
            "society": s,
            "name": records[index[s]]["name"],
            "members": members.get(s, 0),
            "experts_active": len({m.assignment[p] for p in problems}),
            "problems_matched": len(problems),
            "enterprises_served": len(served[s]),
            "enterprises_reached": len(reached),
            "new_enterprises": len(reached - served[s]),
            "mean_score": sum(points) / len(points) / 1000 if points else None,
            "radiation_provinces": len(provinces),
            "radiation_share": len(provinces) / len(all_radiation) if all_radiation else None,
        })

    # load
    loads = list(m.load.values())
    histogram = [{"load": k, "experts": 0} for k in range(max(loads, default=0) + 1)]
    for value in loads:
        histogram[value]["experts"] += 1
    capacity = sum(m.capacity.values())

    # flows society -> enterprise (-> region)
    pairs: dict[tuple[str, str], int] = {}
    for p, s in m.society.items():
        firm = m.enterprise.get(p)
        if s is not None and firm is not None:
            pairs[(s, firm)] = pairs.get((s, firm), 0) + 1
    flows = [{"society": s, "enterprise": f, "region": str(records[index[f]].get("region", "未注明")), "problems": n}
             for (s, f), n in sorted(pairs.items())]
    return ActionEvaluation(
        regions=regions, societies=rows, load=histogram, load_gini=gini(loads),
        utilisation=sum(loads) / capacity if capacity else None, flows=flows, radiation_total=len(all_radiation),
        matching=m,
    )
