"""变化: what changed between an ecosystem's periods (``eg.changes``), and dynamic management.

Shown when the ecosystem has two or more periods (:meth:`Ecosystem.periods`). One sub-section
per pair of consecutive periods formats a :class:`~ecograph.dynamics.Changes`; an ecosystem
with a cultivation programme (``cultivated_by`` and ``reports`` relations) also gets the
entry/exit list of :func:`ecograph.management.manage`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..dynamics import Changes, changes
from ..labels import MEASURE_LABELS, label
from .document import Section
from .phrases import column as column_header, say, value

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Ecosystem

__all__ = ["sections", "figures"]
_MEMBERS_SHOWN = 30
_OUTSIDE = "outside"  # the ring of a member before it entered or after it left


def _text(period: Any) -> str:
    return period.isoformat() if hasattr(period, "isoformat") else str(period)


def _pairs(eco: Ecosystem) -> list[tuple[Any, Any]]:
    periods = eco.periods()
    return list(zip(periods, periods[1:]))


#: How the report shows the values of the changes tables in Chinese (the files keep the keys).
_ZH_VALUES: dict[str, dict[Any, str]] = {
    "aspect": {"organisations": "单位", "relations": "关系", "rings": "圈层", "stages": "产业链环节",
               "associations": "协会会员"},
    "change": {"entered": "进入", "left": "退出", "added": "新增", "removed": "减少", "moved": "圈层变动",
               "stayed": "留在原圈", "joined": "加入"},
    "measure": {key: zh for key, (zh, _) in MEASURE_LABELS.items()},
    "from_ring": {_OUTSIDE: "圈外"}, "to_ring": {_OUTSIDE: "圈外"},
    "decision": {"promote": "纳入/奖励", "keep": "保留", "warn": "预警", "remove": "退出", "reject": "未纳入"},
}


def _group(group: str, lang: str) -> str:
    """A growth group (a relation type, ``type/service``) for reading."""
    head, _, tail = group.partition("/")
    shown = value("type", head, lang)
    return f"{shown}/{tail}" if tail else shown


def _member_text(eco: Ecosystem, members: list[Any]) -> str:
    """The first members by name (the same text in every language: the files do not change with it)."""
    def name(node: Any) -> str:
        return eco.node(node)["name"] if node in eco else str(node)

    shown = ["→".join(map(name, m[:2])) if isinstance(m, list) else name(m) for m in members[:_MEMBERS_SHOWN]]
    return "; ".join(shown) + (f"; … ({len(members):,})" if len(members) > _MEMBERS_SHOWN else "")


def _summary(c: Changes, lang: str) -> str:
    s = c.summary()
    parts = [say("changes.organisations", lang, **s), say("changes.relations", lang, **s)]
    for key, aspects in (("changes.rings", ("ring_entries", "ring_exits", "ring_moves")),
                         ("changes.stages", ("stage_joins", "stage_leaves")),
                         ("changes.associations", ("association_joins", "association_leaves"))):
        if any(s[a] for a in aspects):
            parts.append(say(key, lang, **s))
    for g in c.growth:
        if "/" not in g.group and g.measure == "count" and g.rate is not None:
            parts.append(say("changes.total", lang, group=_group(g.group, lang), before=g.before, after=g.after, rate=g.rate,
                             measure=label(MEASURE_LABELS, g.measure, lang)))
    return say("changes.summary", lang, t0=_text(c.t0), t1=_text(c.t1), parts=("；" if lang == "zh" else "; ").join(parts))


def _rows(eco: Ecosystem, c: Changes) -> list[dict[str, Any]]:
    out = []
    for row in c.rows():
        if row["aspect"] == "growth":
            continue
        rings = row["aspect"] == "rings"
        out.append({"aspect": row["aspect"], "change": row["change"], "group": row["group"],
                    "from_ring": (row["from_ring"] or _OUTSIDE) if rings else None,
                    "to_ring": (row["to_ring"] or _OUTSIDE) if rings else None,
                    "count": row["count"], "members": _member_text(eco, row["members"])})
    return out


def _growth_rows(c: Changes) -> list[dict[str, Any]]:
    return [{"group": g.group, "measure": g.measure, "before": g.before, "after": g.after, "growth": g.rate}
            for g in c.growth]


def _labels(eco: Ecosystem, c: Changes, lang: str) -> dict[str, dict[Any, str]]:
    if lang != "zh":
        return {}
    rows = c.rows()
    groups = {g.group: _group(g.group, lang) for g in c.growth}
    groups.update({row["group"]: _group(row["group"], lang) for row in rows if row["aspect"] == "relations"})
    for row in rows:  # organisations entered or left by kind=… / sector=…
        column, _, key = row["group"].partition("=") if row["aspect"] == "organisations" else ("", "", "")
        if column in ("kind", "sector"):
            groups[row["group"]] = f"{column_header(column, lang)}={value(column, key, lang)}"
        elif row["aspect"] in ("rings", "associations") and row["group"] in eco:  # a platform, an association
            groups[row["group"]] = eco.node(row["group"])["name"]
    return {**_ZH_VALUES, "group": groups}


def sections(eco: Ecosystem, lang: str = "zh") -> list[Section]:
    """The 变化 section and one sub-section per pair of consecutive periods (empty without periods).

    Examples
    --------
    >>> import loaders
    >>> out = sections(loaders.load_dataset("pudong_policy"))
    >>> [s.title for s in out]
    ['变化', '变化：2010 → 2011']
    >>> growth = out[1].tables["changes_2010_2011_growth"]
    >>> rate = next(r["growth"] for r in growth if (r["group"], r["measure"]) == ("accepts", "count"))
    >>> f"{rate:+.2%}"
    '+36.83%'
    >>> sections(loaders.load_dataset("pudong_policy"), "en")[1].text.split(";")[0]
    '2010 → 2011: 0 organisations entered, 0 left'
    """
    pairs = _pairs(eco)
    if not pairs:
        return []
    results = [changes(eco, t0, t1) for t0, t1 in pairs]
    facts = {"periods": [_text(p) for p in eco.periods()], "n_periods": len(eco.periods())}
    out = [Section(say("changes", lang), say("changes.intro", lang, n=facts["n_periods"],
                                              periods=("、" if lang == "zh" else ", ").join(facts["periods"])),
                   facts=facts)]
    for c in results:
        key = f"changes_{_text(c.t0)}_{_text(c.t1)}".replace("-", "")
        tables = {key: _rows(eco, c)}
        if c.growth:
            tables[f"{key}_growth"] = _growth_rows(c)
        out.append(Section(say("changes.pair", lang, t0=_text(c.t0), t1=_text(c.t1)), _summary(c, lang), tables=tables,
                           level=3, labels=_labels(eco, c, lang), facts={"t0": _text(c.t0), "t1": _text(c.t1), **c.summary()}))
    out.extend(_management(eco, lang))
    return out


def _management(eco: Ecosystem, lang: str) -> list[Section]:
    relations = eco.vocabulary.relations
    if "cultivated_by" not in relations or "reports" not in relations:
        return []
    from ..management import manage

    m = manage(eco)
    facts = {_text(period): {"members": len(m.members[period]), **m.counts(period)} for period in m.periods}
    lines = [say("management.period", lang, period=period, **counts) for period, counts in facts.items()]
    rows = [{**r, "period": _text(r["period"])} for r in m.rows() if r["decision"] != "reject"]
    text = say("management.text", lang) + "\n\n" + "\n".join(lines)
    rejected = [{**r, "period": _text(r["period"])} for r in m.rows() if r["decision"] == "reject"]
    return [Section(say("changes.management", lang), text, level=3, facts=facts,
                    tables={"management_decisions": rows, "management_rejected": rejected,
                            "management_trajectories": [{**t, "period": _text(t["period"])} for t in m.trajectories()]},
                    labels={"decision": _ZH_VALUES["decision"]} if lang == "zh" else {})]


def figures(eco: Ecosystem, lang: str = "zh") -> list[Section]:
    """Ring transitions and circle layers per period for each platform, 同比 bars per pair.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> figures(Ecosystem())
    []
    """
    pairs = _pairs(eco)
    if not pairs:
        return []
    from ..applicability import growing_pairs
    from ..diagrams import growth_bars, layers_over_time, ring_transitions

    first, last = eco.periods()[0], eco.periods()[-1]
    figs = {}
    span = changes(eco, first, last)
    facts = {"periods": [_text(p) for p in eco.periods()], "first_to_last": span.summary()}
    for platform in eco.platforms():
        if any(m.platform == platform for m in span.ring_moves):  # someone entered, left or moved
            figs[f"ring_transitions_{platform}"] = ring_transitions(span, platform, lang=lang)
            figs[f"layers_over_time_{platform}"] = layers_over_time(eco, platform, lang=lang)
    for c in growing_pairs(eco):  # a growth chart only where some count grew or shrank
        figs[f"growth_{_text(c.t0)}_{_text(c.t1)}".replace("-", "")] = growth_bars(c, "count", lang=lang)
    return [Section(say("changes", lang), figures=figs, facts=facts)] if figs else []
