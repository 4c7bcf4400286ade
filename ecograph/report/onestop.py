"""One-stop service (一站式服务): contacts a firm saves when a hub relays to the departments."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..onestop import one_stop
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
            out.append(Section(say("onestop", lang, name=eco.node(hub)["name"]), result.summary() + ".",
                               tables={f"onestop_{hub}": rows}))
    return out
