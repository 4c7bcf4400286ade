"""Dynamic management of a cultivation system (Tianjin's 有进有出，优胜劣汰) over evaluation periods.

Inputs live in the ecosystem, with time:

* a **programme** relation (``cultivated_by``: centre -> the managing body) whose
  ``since``/``until`` say when a centre was in the cultivation system;
* a **report** relation (``reports``: centre -> the managing body), one per period
  (``since``/``until`` bounding it) carrying that period's indicators and the flags
  ``submitted`` (evaluation materials handed in), ``operating`` (the annual check) and
  ``false_materials``; it may also override eligibility attributes for that period.

:func:`indicator_panel` turns the reports into one :class:`~ecograph.scoring.IndicatorTable`
per period. :func:`manage` evaluates, per period, the members that have been in the system for
a full year (:func:`ecograph.scoring.evaluate`), follows each centre's grade trajectory and
lists the decision the rules imply for every member and applicant — promote, keep, warn,
remove, reject — each with the rule (clause and source text, ``rules/tianjin_dynamic.yaml``)
that made it. Eligibility is :func:`ecograph.eligibility.check_eligibility` with
``rules/tianjin_centres.yaml``.

Examples
--------
>>> import loaders
>>> from ecograph.management import manage
>>> eco = loaders.load_dataset("tianjin_centers")
>>> m = manage(eco)
>>> [len(m.members[p]) for p in m.periods], m.counts(2019)
([0, 10, 18], {'promote': 11, 'keep': 7, 'warn': 0, 'remove': 1, 'reject': 61})
>>> row = next(r for r in m.rows() if r["decision"] == "remove")
>>> row["period"], row["rule"], row["clause"], row["grade"]
(2019, 'fail_grade', '二(二)4', 'fail')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .compiled import compiled
from .errors import EvaluationError
from .eligibility import check_eligibility, load_rules
from .scoring import Evaluation, IndicatorTable, evaluate
from .model import Ecosystem
from .results import TableResult
from .timeline import TimePoint, time_key

__all__ = ["manage", "Management", "indicator_panel", "DECISIONS", "REPORT_FLAGS"]

#: The decisions, in the order a planner reads them.
DECISIONS: tuple[str, ...] = ("promote", "keep", "warn", "remove", "reject")

#: Report attributes that are flags, not indicators.
REPORT_FLAGS: tuple[str, ...] = ("submitted", "operating", "false_materials")

_NOT_INDICATORS = frozenset({"type", "since", "until", "year", *REPORT_FLAGS})
_GRADE_ORDER = {"excellent": 0, "good": 1, "pass": 2, "fail": 3}


def _reports(eco: Ecosystem, period: TimePoint, relation: str) -> dict[str, dict[str, Any]]:
    return {u: d for u, _v, _k, d in eco.at(period).relations(relation)}


def indicator_panel(eco: Ecosystem, periods: Sequence[TimePoint] | None = None, *, relation: str = "reports",
                    indicators: Sequence[str] | None = None) -> dict[TimePoint, IndicatorTable]:
    """One indicator table per period, from the ``relation`` records that exist in it.

    Parameters
    ----------
    eco : Ecosystem
    periods : sequence, optional
        Defaults to :meth:`Ecosystem.periods`.
    relation : str
        The report relation (one per unit and period).
    indicators : sequence of str, optional
        The indicators; by default the ecosystem's ``dimensions``' indicator lists
        (``indicators_<dimension>`` attributes), else every numeric report attribute.

    Returns
    -------
    dict
        period -> IndicatorTable (units in the ecosystem's order).

    Raises
    ------
    EvaluationError
        A unit with two reports in one period.
    """
    if indicators is None and "dimensions" in eco.attrs:
        indicators = [i for d in eco.attrs["dimensions"] for i in eco.attrs.get(f"indicators_{d}", [])]
    out: dict[TimePoint, IndicatorTable] = {}
    for period in eco.periods() if periods is None else periods:
        records: dict[str, dict[str, Any]] = {}
        for u, _v, _k, d in eco.at(period).relations(relation):
            if u in records:
                raise EvaluationError(f"{u!r} has two {relation} records in period {period}", id=u, field=relation)
            records[u] = {k: v for k, v in d.items() if k not in _NOT_INDICATORS}
        out[period] = IndicatorTable.from_records(records, indicators)
    return out


@dataclass(frozen=True)
class Decision:
    """One centre's decision in one period, and the rule that made it."""

    period: TimePoint
    id: str
    name: str
    decision: str
    rule: str
    clause: str
    text: str
    grade: str | None = None
    previous_grade: str | None = None
    detail: str = ""
    reward_yuan: Decimal | None = None


@dataclass(frozen=True)
class Management(TableResult):
    """The outcome of :func:`manage`.

    Attributes
    ----------
    periods : list
    members : dict
        period -> members of the programme in that period (before its decisions).
    evaluations : dict
        period -> the Evaluation of the members evaluated then (absent when none was due).
    decisions : list of Decision
    rules : str
        The rule set's name.
    """

    periods: list[TimePoint]
    members: dict[TimePoint, list[str]]
    evaluations: dict[TimePoint, Evaluation]
    decisions: list[Decision]
    rules: str

    columns = ("period", "id", "name", "decision", "rule", "clause", "text", "grade", "previous_grade", "detail",
               "reward_yuan")

    def rows(self) -> list[dict[str, Any]]:
        """The entry/exit list: one row per centre and period."""
        return [{c: getattr(d, c) for c in self.columns} for d in self.decisions]

    def to_dict(self) -> dict[str, Any]:
        return {"rules": self.rules, "periods": list(self.periods), "rows": self.rows(),
                "trajectories": self.trajectories()}

    def trajectories(self) -> list[dict[str, Any]]:
        """``(id, period, grade, score)`` for every evaluated centre, in period order."""
        out = []
        for period in self.periods:
            evaluation = self.evaluations.get(period)
            if evaluation is None or evaluation.grades is None:
                continue
            for unit in evaluation.scores:
                out.append({"id": unit, "period": period, "grade": evaluation.grades[unit],
                            "score": evaluation.scores[unit]})
        return out

    def counts(self, period: TimePoint) -> dict[str, int]:
        """Decision -> number of centres in ``period`` (every decision present)."""
        table = dict.fromkeys(DECISIONS, 0)
        for d in self.decisions:
            if d.period == period:
                table[d.decision] += 1
        return table


def manage(
    eco: Ecosystem,
    periods: Sequence[TimePoint] | None = None,
    *,
    programme: str = "cultivated_by",
    reports: str = "reports",
    targets: Mapping[Any, int] | None = None,
    rules: str | Mapping[str, Any] = "tianjin_dynamic",
    eligibility: str | Mapping[str, Any] = "tianjin_centres",
    **evaluate_options: Any,
) -> Management:
    """Evaluate each period's members and list the entry/exit decisions the rules imply.

    Per period ``p`` (rules in ``rules/tianjin_dynamic.yaml`` order, the first match decides):
    a member whose report is marked ``false_materials``, whose annual check found it not
    ``operating``, or that fails an eligibility condition is removed; members for a full year
    are evaluated together (``evaluate_options`` such as ``quota=`` or ``thresholds=`` and
    ``weights=``; materials not ``submitted`` grade fail): fail -> remove, excellent ->
    promote (reward), pass after a better previous grade -> warn, otherwise keep; newer members
    are kept unevaluated. Applicants (a report but no membership) that are eligible enter best
    score first until the period's target number of members is reached (``targets``, else the
    ecosystem's ``targets``/``target_years`` attributes, else no limit); the others are
    rejected with the failed conditions.

    Parameters
    ----------
    eco : Ecosystem
    periods : sequence, optional
        Evaluation periods (default :meth:`Ecosystem.periods`).
    programme, reports : str
        The membership and report relation types.
    targets : mapping, optional
        period -> target number of members after admissions.
    rules, eligibility : str or mapping
        Decision and eligibility rule sets (names of shipped sets or dicts of the same shape).
    **evaluate_options
        Passed to :func:`ecograph.scoring.evaluate` (default ``quota`` 20 % excellent,
        30 % good, 40 % pass; entropy weights, or equal weights for a lone member due).

    Returns
    -------
    Management

    Raises
    ------
    EvaluationError
        No periods, or an evaluation that cannot be computed.
    """
    ruleset = load_rules(rules) if isinstance(rules, str) else rules
    by_id = {r["id"]: r for r in ruleset["rules"]}
    periods = list(eco.periods() if periods is None else periods)
    if not periods:
        raise EvaluationError("manage: no periods (give periods= or an ecosystem with periods)", field="periods")
    if targets is None and "target_years" in eco.attrs:
        targets = dict(zip(eco.attrs["target_years"], eco.attrs["targets"]))
    options = dict(evaluate_options)
    if "quota" not in options and "thresholds" not in options:
        options["quota"] = {"excellent": 0.2, "good": 0.3, "pass": 0.4}
    tables = indicator_panel(eco, periods, relation=reports)
    record = compiled(eco).record
    members_at: dict[TimePoint, list[str]] = {}
    evaluations: dict[TimePoint, Evaluation] = {}
    decisions: list[Decision] = []
    last_grade: dict[str, str] = {}

    def former_members(period: TimePoint) -> set[str]:
        """Centres whose membership ended before ``period``: they do not apply again (不再纳入)."""
        key = time_key(period)
        return {u for u, _v, _k, d in eco.relations(programme) if d.get("until") is not None and time_key(d["until"]) <= key}

    def decide(period: TimePoint, unit: str, rule: str, grade: str | None = None, previous: str | None = None,
               detail: str = "", reward_yuan: Decimal | None = None) -> None:
        r = by_id[rule]
        decisions.append(Decision(period, unit, record(unit)["name"], r["decision"], rule, str(r["clause"]),
                                  r["text"], grade, previous, detail, reward_yuan))

    for period in periods:
        snap = eco.at(period)
        key = time_key(period)
        # members before the period's decisions; those entering at the period are its applicants
        membership = {u: d for u, _v, _k, d in snap.relations(programme)
                      if d.get("since") is None or time_key(d["since"]) < key}
        members = list(membership)
        members_at[period] = members
        report = _reports(eco, period, reports)
        records = {u: {**record(u), **{k: v for k, v in report.get(u, {}).items() if k not in _NOT_INDICATORS}}
                   for u in dict.fromkeys([*members, *report])}
        eligible = check_eligibility(records, eligibility, as_of=period if isinstance(period, int) else period.year)
        table = tables[period]
        removed: dict[str, str] = {}
        for unit in members:
            flags = report.get(unit, {})
            if flags.get("false_materials"):
                removed[unit] = "false_materials"
            elif flags.get("operating") is False:
                removed[unit] = "inspection_failed"
            elif not eligible.eligible[unit]:
                removed[unit] = "no_longer_eligible"
        due = [u for u in members if u not in removed and _full_year(membership[u], period) and u in report]
        grades: dict[str, str] = {}
        if due:
            positions = [table.units.index(u) for u in due]
            not_submitted = {u: "materials_not_submitted" for u in due if report[u].get("submitted") is False}
            # entropy weights need two units: a lone member due is scored with equal weights
            alone = {"weights": "equal"} if len(due) < 2 and "weights" not in options else {}
            evaluation = evaluate(table.take(positions), fail=not_submitted, **options, **alone)
            evaluations[period] = evaluation
            grades = dict(evaluation.grades.items()) if evaluation.grades is not None else {}
        for unit in members:
            if unit in removed:
                failed = "; ".join(f["rule"] for f in eligible.failures[unit]) if removed[unit] == "no_longer_eligible" else ""
                decide(period, unit, removed[unit], detail=failed)
                continue
            if unit not in grades:
                decide(period, unit, "not_yet_evaluated")
                continue
            grade, previous = grades[unit], last_grade.get(unit)
            last_grade[unit] = grade
            if grade == "fail":
                decide(period, unit, "materials_not_submitted" if report[unit].get("submitted") is False else "fail_grade",
                       grade, previous)
            elif grade == "excellent":
                decide(period, unit, "excellent_reward", grade, previous, reward_yuan=Decimal(ruleset["reward_yuan"]))
            elif grade == "pass" and previous is not None and _GRADE_ORDER[previous] < _GRADE_ORDER["pass"]:
                decide(period, unit, "declining_pass", grade, previous)
            else:
                decide(period, unit, "good_or_pass", grade, previous)
        applicants = [u for u in report if u not in membership and u not in former_members(period)]
        room = None
        if targets is not None and period in targets:
            staying = sum(1 for d in decisions if d.period == period and d.decision != "remove")
            room = max(0, targets[period] - staying)
        ok = [u for u in applicants if eligible.eligible[u]]
        if len(ok) > 1 and room is not None and len(ok) > room:
            scoring = {k: v for k, v in options.items() if k not in ("quota", "thresholds", "fail")}
            scores = evaluate(table.take([table.units.index(u) for u in ok]), **scoring).scores
            ok = sorted(ok, key=lambda u: (-scores[u], applicants.index(u)))
        for rank, unit in enumerate(ok):
            decide(period, unit, "admit_eligible" if room is None or rank < room else "target_reached")
        for unit in applicants:
            if not eligible.eligible[unit]:
                decide(period, unit, "applicant_ineligible",
                       detail="; ".join(f["rule"] for f in eligible.failures[unit]))
    return Management(periods, members_at, evaluations, decisions, ruleset["name"])


def _full_year(membership: Mapping[str, Any], period: TimePoint) -> bool:
    """In the programme for at least a full year at ``period`` (纳入培育体系满一年)."""
    since = membership.get("since")
    if since is None:
        return True
    if isinstance(period, int):
        return time_key(since) <= time_key(period - 1)
    try:
        year_before = period.replace(year=period.year - 1)
    except ValueError:  # 29 February
        year_before = period.replace(year=period.year - 1, day=28)
    return time_key(since) <= time_key(year_before)

