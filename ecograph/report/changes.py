"""变化: what changed between an ecosystem's periods (``eg.changes``), and dynamic management.

Shown when the ecosystem has two or more periods (:meth:`Ecosystem.periods`). One sub-section
per pair of consecutive periods formats a :class:`~ecograph.dynamics.Changes`; an ecosystem
with a cultivation programme (``cultivated_by`` and ``reports`` relations) also gets the
entry/exit list of :func:`ecograph.management.manage`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..dynamics import Changes, changes
from ..labels import RING_LABELS, label
from .document import Section
from .phrases import say

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Ecosystem

__all__ = ["sections", "figures"]
_MEMBERS_SHOWN = 30


def _text(period: Any) -> str:
    return period.isoformat() if hasattr(period, "isoformat") else str(period)


def _pairs(eco: Ecosystem) -> list[tuple[Any, Any]]:
    periods = eco.periods()
    return list(zip(periods, periods[1:]))


def _ring(ring: str | None) -> str:
    return label(RING_LABELS, ring) if ring else "圈外"


def _member_text(members: list[Any]) -> str:
    shown = ["→".join(m[:2]) if isinstance(m, list) else str(m) for m in members[:_MEMBERS_SHOWN]]
    more = f" 等 {len(members)} 项" if len(members) > _MEMBERS_SHOWN else ""
    return "、".join(shown) + more


def _summary(c: Changes) -> str:
    s = c.summary()
    parts = [f"进入 {s['entered']} 家单位，离开 {s['left']} 家",
             f"新增关系 {s['relations_added']} 条，减少 {s['relations_removed']} 条"]
    if s["ring_entries"] or s["ring_exits"] or s["ring_moves"]:
        parts.append(f"圈层：新进 {s['ring_entries']}，退出 {s['ring_exits']}，换圈 {s['ring_moves']}")
    if s["stage_joins"] or s["stage_leaves"]:
        parts.append(f"产业链环节：加入 {s['stage_joins']}，退出 {s['stage_leaves']}")
    if s["association_joins"] or s["association_leaves"]:
        parts.append(f"协会会员：加入 {s['association_joins']}，退出 {s['association_leaves']}")
    totals = [g for g in c.growth if "/" not in g.group and g.measure == "count" and g.rate is not None]
    for g in totals:
        parts.append(f"{g.group} 的 {g.measure}：{g.before:,} → {g.after:,}（{g.rate:+.2%}）")
    return f"{_text(c.t0)} → {_text(c.t1)}：" + "；".join(parts) + "。"


def _rows(c: Changes) -> list[dict[str, Any]]:
    out = []
    for row in c.rows():
        if row["aspect"] == "growth":
            continue
        out.append({"aspect": row["aspect"], "change": row["change"], "group": row["group"],
                    "from_ring": _ring(row["from_ring"]) if row["aspect"] == "rings" else None,
                    "to_ring": _ring(row["to_ring"]) if row["aspect"] == "rings" else None,
                    "count": row["count"], "members": _member_text(row["members"])})
    return out


def _growth_rows(c: Changes) -> list[dict[str, Any]]:
    return [{"group": g.group, "measure": g.measure, "before": g.before, "after": g.after,
             "growth": None if g.rate is None else f"{g.rate:+.2%}"} for g in c.growth]


def sections(eco: Ecosystem, lang: str = "zh") -> list[Section]:
    """The 变化 section and one sub-section per pair of consecutive periods (empty without periods).

    Examples
    --------
    >>> import loaders
    >>> out = sections(loaders.load_dataset("pudong_policy"))
    >>> [s.title for s in out]
    ['变化', '变化：2010 → 2011']
    >>> next(r["growth"] for r in out[1].tables["changes_2010_2011_growth"] if (r["group"], r["measure"]) == ("accepts", "count"))
    '+36.83%'
    """
    pairs = _pairs(eco)
    if not pairs:
        return []
    results = [changes(eco, t0, t1) for t0, t1 in pairs]
    periods = "、".join(_text(p) for p in eco.periods())
    out = [Section(say("changes", lang), f"本生态系统有 {len(eco.periods())} 个时期（{periods}），以下逐期比较（`eg.changes`）。")]
    for c in results:
        key = f"changes_{_text(c.t0)}_{_text(c.t1)}".replace("-", "")
        tables = {key: _rows(c)}
        if c.growth:
            tables[f"{key}_growth"] = _growth_rows(c)
        out.append(Section(say("changes.pair", lang, t0=_text(c.t0), t1=_text(c.t1)), _summary(c), tables=tables, level=3))
    out.extend(_management(eco, lang))
    return out


def _management(eco: Ecosystem, lang: str) -> list[Section]:
    relations = eco.vocabulary.relations
    if "cultivated_by" not in relations or "reports" not in relations:
        return []
    from ..management import manage

    m = manage(eco)
    lines = []
    for period in m.periods:
        counts = m.counts(period)
        lines.append(f"- {_text(period)}：在册 {len(m.members[period])} 家；纳入/奖励 {counts['promote']}，保留 "
                     f"{counts['keep']}，预警 {counts['warn']}，退出 {counts['remove']}，未纳入 {counts['reject']}")
    rows = [{**r, "period": _text(r["period"])} for r in m.rows() if r["decision"] != "reject"]
    text = ("动态管理（有进有出，优胜劣汰）：每期评估纳入满一年的中心，按规则列出纳入、奖励、保留、预警、退出，"
            "每项决定注明依据条款（未纳入的申请单位见表 management_rejected）。\n\n" + "\n".join(lines))
    rejected = [{**r, "period": _text(r["period"])} for r in m.rows() if r["decision"] == "reject"]
    return [Section(say("changes.management", lang), text, level=3,
                    tables={"management_decisions": rows, "management_rejected": rejected,
                            "management_trajectories": [{**t, "period": _text(t["period"])} for t in m.trajectories()]})]


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
    from ..diagrams import growth_bars, layers_over_time, ring_transitions

    first, last = eco.periods()[0], eco.periods()[-1]
    figs = {}
    span = changes(eco, first, last)
    for platform in eco.platforms():
        if any(m.platform == platform for m in span.ring_moves):  # someone entered, left or moved
            figs[f"ring_transitions_{platform}"] = ring_transitions(span, platform)
            figs[f"layers_over_time_{platform}"] = layers_over_time(eco, platform)
    for t0, t1 in pairs:
        c = changes(eco, t0, t1)
        if any(g.measure == "count" for g in c.growth):
            figs[f"growth_{_text(t0)}_{_text(t1)}".replace("-", "")] = growth_bars(c, "count")
    return [Section(say("changes", lang), figures=figs)] if figs else []
