"""Eligibility rules: who may be evaluated at all, with every failure explained.

:func:`check_eligibility` applies a rule set — by default Tianjin's admission conditions for
productivity centres (天津市市级生产力促进中心培育体系, shipped as ``rules/tianjin_centres.yaml``,
read by :func:`load_rules`) — to records or to the centres of an ecosystem. Money is compared
exactly (int fen or Decimal yuan).

Examples
--------
>>> result = check_eligibility({"c": {"registered_in_tianjin": True, "years_operating": 1}})
>>> result.eligible["c"], result.failures["c"][0]["rule"], result.failures["c"][0]["found"]
(False, 'operating_two_years', 1)
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from .errors import EvaluationError
from .results import TableResult

if TYPE_CHECKING:  # pragma: no cover
    from .model import Ecosystem

__all__ = ["EligibilityResult", "check_eligibility", "load_rules"]


# ---------------------------------------------------------------------------------- eligibility
@dataclass
class EligibilityResult(TableResult):
    """Eligibility of each unit under a rule set, with every failure explained.

    Attributes
    ----------
    rules : str
        The rule set's name.
    eligible : dict
        Unit -> True when every applicable rule that could be assessed passed and none failed.
    failures : dict
        Unit -> list of ``{"rule", "clause", "text", "explain", "found"}``.
    unassessed : dict
        Unit -> ids of qualitative (review) rules without data, left to the reviewers.
    """

    key = "id"

    rules: str
    eligible: dict[Hashable, bool]
    failures: dict[Hashable, list[dict[str, Any]]]
    unassessed: dict[Hashable, list[str]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "rules": self.rules,
            "units": {
                str(u): {"eligible": ok, "failures": self.failures[u], "unassessed": self.unassessed[u]}
                for u, ok in self.eligible.items()
            },
        }

    def rows(self) -> list[dict[str, Any]]:
        """One row per unit: eligible, the failed rule ids and their reasons (report tables)."""
        return [
            {
                "id": u,
                "eligible": ok,
                "failed": "; ".join(f["rule"] for f in self.failures[u]),
                "reasons": "; ".join(f["explain"] for f in self.failures[u]),
                "unassessed": "; ".join(self.unassessed[u]),
            }
            for u, ok in self.eligible.items()
        ]


def load_rules(name: str = "tianjin_centres") -> dict[str, Any]:
    """A rule set shipped with ecograph (package data), as a dict.

    Examples
    --------
    >>> rules = load_rules()
    >>> rules["name"], len(rules["rules"]) >= 10
    ('tianjin_centres', True)
    """
    from importlib import resources

    from .documents import parse_yaml

    try:
        text = resources.files("ecograph").joinpath("rules", f"{name}.yaml").read_text(encoding="utf-8")
    except FileNotFoundError:
        raise EvaluationError(f"no shipped rule set {name!r}", field="rules") from None
    return parse_yaml(text, source=f"rules/{name}.yaml")


def _number(value: Any) -> Fraction | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float):
        return Fraction(str(value)) if math.isfinite(value) else None
    if isinstance(value, (int, Decimal, Fraction)):
        return Fraction(value)
    if isinstance(value, str):
        try:
            return Fraction(value)
        except ValueError:
            return None
    return None


def _attribute(record: Mapping[str, Any], name: str, as_of: int | None) -> Any:
    """A record's attribute; ``years_operating`` falls back to ``as_of - founded``."""
    value = record.get(name)
    if value is None and name == "years_operating" and as_of is not None and isinstance(record.get("founded"), int):
        return as_of - record["founded"]
    return value


def _yuan(value: Any) -> Fraction | None:
    """Money in yuan: an int is fen, a Decimal (or a number given as text) is yuan."""
    if isinstance(value, int) and not isinstance(value, bool):
        return Fraction(value, 100)
    return _number(value)


def _check_one(check: Mapping[str, Any], record: Mapping[str, Any], as_of: int | None) -> tuple[str, Any]:
    """``("pass" | "fail" | "missing", found value)`` for one check on one record."""
    found = _attribute(record, check["field"], as_of)
    if found is None:
        return "missing", None
    op = check["op"]
    if op == "true":
        return ("pass" if found is True else "fail"), found
    if op == "contains":
        return ("pass" if isinstance(found, str) and check["value"] in found else "fail"), found
    if op == "in":
        return ("pass" if found in check["value"] else "fail"), found
    read = _yuan if check.get("money") else _number
    left = read(found)
    if left is None:
        return "fail", found
    if "per" in check:
        divisor = _number(record.get(check["per"]))
        if divisor is None or divisor <= 0:
            return ("missing" if record.get(check["per"]) is None else "fail"), found
        left = left / divisor
        found = f"{found} / {check['per']} {record.get(check['per'])} = {float(left):g}"
    right = _number(check["value"])
    assert right is not None, check
    ok = {">=": left >= right, ">": left > right, "<=": left <= right, "==": left == right}[op]
    return ("pass" if ok else "fail"), found


def _check_rule(rule: Mapping[str, Any], record: Mapping[str, Any], as_of: int | None) -> tuple[str, Any, str]:
    """The first alternative check with data decides: ``(outcome, found, field)``."""
    for check in rule["check"]:
        outcome, found = _check_one(check, record, as_of)
        if outcome != "missing":
            return outcome, found, check["field"]
    return "missing", None, " or ".join(c["field"] for c in rule["check"])


def check_eligibility(
    records: Mapping[Hashable, Mapping[str, Any]] | Ecosystem,
    rules: str | Mapping[str, Any] = "tianjin_centres",
    *,
    as_of: int | None = None,
    kind: str = "productivity_center",
) -> EligibilityResult:
    """Check units against an eligibility rule set (default: Tianjin's centre conditions).

    Parameters
    ----------
    records : mapping or Ecosystem
        ``{unit: attributes}``, or an ecosystem whose organisations of ``kind`` are checked.
        Tianjin's rules read ``registered_in_tianjin`` (or ``region`` containing 天津),
        ``years_operating``/``years_registered`` (or ``founded`` with ``as_of``), ``name``,
        ``independent_legal_person``, ``bachelor_share`` (0–1), ``iso9001``, ``center_type``
        (``enterprise``/``institution``), ``staff``, ``revenue_per_head`` (or last year's
        ``service_revenue`` divided by ``staff``), ``total_assets``, ``floor_area`` (or
        ``office_area_m2``, m²) and the review items ``own_facilities``,
        ``service_capability``, ``leadership``, ``coordination``. Money is an int in fen or a
        Decimal in yuan (the data model's convention).
    rules : str or mapping
        A shipped rule-set name (:func:`load_rules`) or a rule set of the same shape.
    as_of : int, optional
        The year at which ``years_operating`` is computed from ``founded``.
    kind : str
        Kind of organisation checked when ``records`` is an ecosystem.

    Returns
    -------
    EligibilityResult

    Raises
    ------
    EvaluationError
        An unknown shipped rule set, or a rule set of the wrong shape.

    Examples
    --------
    >>> centre = {"name": "天津市某某生产力促进中心", "region": "天津市", "founded": 2015,
    ...           "independent_legal_person": True, "bachelor_share": 0.65, "iso9001": True,
    ...           "center_type": "enterprise", "staff": 12, "service_revenue": 240_000_000}
    >>> r = check_eligibility({"c1": centre}, as_of=2018)
    >>> r.eligible["c1"], [f["rule"] for f in r.failures["c1"]]
    (False, ['bachelor_share', 'enterprise_staff'])
    """
    ruleset = load_rules(rules) if isinstance(rules, str) else dict(rules)
    if not isinstance(records, Mapping):
        records = {n: records.node(n) for n in records.nodes(kind)}
    eligible: dict[Hashable, bool] = {}
    failures: dict[Hashable, list[dict[str, Any]]] = {}
    unassessed: dict[Hashable, list[str]] = {}
    for unit, record in records.items():
        fails: list[dict[str, Any]] = []
        pending: list[str] = []
        for rule in ruleset["rules"]:
            when = rule.get("when")
            if when and record.get(when["field"]) not in when["in"]:
                continue
            outcome, found, field_name = _check_rule(rule, record, as_of)
            if outcome == "pass":
                continue
            if outcome == "missing" and rule.get("assess") == "review":
                pending.append(rule["id"])
                continue
            fails.append({
                "rule": rule["id"],
                "clause": rule.get("clause", ""),
                "text": rule.get("text", ""),
                "field": field_name,
                "explain": rule.get("explain", rule["id"]) + ("" if outcome == "fail" else f" (no {field_name} given)"),
                "found": found if found is None or isinstance(found, (str, int, float, bool)) else str(found),
            })
        eligible[unit] = not fails
        failures[unit] = fails
        unassessed[unit] = pending
    return EligibilityResult(ruleset.get("name", "rules"), eligible, failures, unassessed)
