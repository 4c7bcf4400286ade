"""One-stop service (一站式服务): contacts a firm saves when a hub relays to the departments."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..onestop import OneStop, one_stop
from .document import Section
from .phrases import say

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Ecosystem

__all__ = ["sections"]


def sections(eco: Ecosystem, lang: str = "en", requires: str = "requires") -> list[Section]:
    """A section for every core unit of a one-stop platform whose policies carry ``requires``
    relations (empty otherwise: the ecosystem does not say which departments a policy involves).

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> sections(Ecosystem())
    []
    """
    if requires not in eco.vocabulary.relations or not any(True for _ in eco.relations(requires)):
        return []
    out = []
    for platform in eco.platforms():
        if not eco.node(platform).get("one_stop"):
            continue
        for hub in eco.rings(platform)["core"]:
            result = one_stop(eco, hub, requires=requires)
            rows = [{**row, "departments": ", ".join(row["departments"]), "direct": ", ".join(row["direct"])}
                    for row in result.policies]
            facts = {key: value for key, value in result.to_dict().items() if key not in ("hub", "policies")}
            out.append(Section(say("onestop", lang, name=eco.node(hub)["name"]), _summary(result, lang),
                               tables={f"onestop_{hub}": rows}, facts={**facts, "policies": len(result.policies)}))
    return out


def _summary(result: OneStop, lang: str) -> str:
    """The finding of :meth:`OneStop.summary <ecograph.onestop.OneStop.summary>` in ``lang``."""
    n = len(result.policies)
    parts = []
    if result.counted:
        scope = say("onestop.scope_one", lang) if result.counted == 1 else say("onestop.scope", lang, n=result.counted)
        parts.append(say("onestop.counted", lang, counted=result.counted, applications=result.applications, scope=scope,
                         without=result.total_without, with_=result.total_with, saved=result.saved, share=result.saved_share))
    policies = "policy needs" if n == 1 else "policies need"
    per_claim = [say(f"onestop.{word}", lang, k=k, n=n, policies=policies)
                 for k, word in ((result.fewer_per_claim, "fewer"), (result.more_per_claim, "more")) if k]
    joined = ("，" if lang == "zh" else " and ").join(per_claim)
    parts.append(say("onestop.per_claim", lang, n=n, parts=joined) if per_claim else say("onestop.per_claim_none", lang))
    return ("；" if lang == "zh" else "; ").join(parts) + ("。" if lang == "zh" else ".")
