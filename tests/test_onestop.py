"""One-stop service: department contacts with and without the hub."""

from __future__ import annotations

import networkx as nx
import pytest

from ecograph import Ecosystem, errors
from ecograph.model import Vocabulary
from ecograph.onestop import one_stop
from ecograph.report.onestop import sections as report_sections


def _pudong_like(with_requires: bool = False) -> Ecosystem:
    vocabulary = Vocabulary()
    vocabulary.add_kind("policy", sector="government")
    vocabulary.add_relation("replaces")
    if with_requires:
        vocabulary.add_relation("requires", description="policy -> department a claim involves")
    eco = Ecosystem(vocabulary=vocabulary)
    eco.add_org("platform", kind="platform", one_stop=True)
    eco.add_org("hub", "科技认定服务中心", kind="service_org")
    eco.add_relation("hub", "platform", "in_ring", ring="core")
    for dept in ("stc", "stc_hightech", "stc_fund", "tax", "market", "far_office"):
        eco.add_org(dept, kind="government")
    eco.add_relation("hub", "stc", "part_of")
    eco.add_relation("stc_hightech", "stc", "part_of")  # reached in 2 hops through the commission
    eco.add_relation("hub", "stc_fund", "replaces")
    eco.add_relation("hub", "market", "collaborates")
    for policy in ("contract", "hightech", "fund", "tax_credit", "nothing"):
        eco.add_org(policy, kind="policy")
    if with_requires:
        for policy, dept in [("contract", "stc"), ("contract", "tax"), ("contract", "market"),
                             ("hightech", "stc_hightech"), ("fund", "stc_fund"), ("tax_credit", "tax"),
                             ("tax_credit", "far_office")]:
            eco.add_relation(policy, dept, "requires")
    return eco


REQUIREMENTS = {
    "contract": ["stc", "tax", "market"],
    "hightech": ["stc_hightech"],
    "fund": ["stc_fund"],
    "tax_credit": ["tax", "far_office"],
    "nothing": [],
}


def test_contacts_hand_computed() -> None:
    eco = _pudong_like()
    result = one_stop(eco, "hub", REQUIREMENTS, applicants={"contract": 5, "hightech": 194, "tax_credit": 2})
    rows = {r["policy"]: r for r in result.policies}
    assert (rows["contract"]["without_hub"], rows["contract"]["with_hub"]) == (3, 2)  # hub + the tax office
    assert rows["contract"]["direct"] == ["tax"] and rows["contract"]["relay_hops"] == 1
    assert (rows["hightech"]["without_hub"], rows["hightech"]["with_hub"], rows["hightech"]["relay_hops"]) == (1, 1, 2)
    assert (rows["tax_credit"]["without_hub"], rows["tax_credit"]["with_hub"]) == (2, 3)  # the hub adds a stop
    assert (rows["nothing"]["without_hub"], rows["nothing"]["with_hub"]) == (0, 0)
    assert rows["fund"]["firms"] is None and rows["fund"]["total_without"] is None  # not counted: no total
    assert rows["hightech"]["total_without"] == 194
    assert rows["contract"]["saved"] == 5 and rows["tax_credit"]["saved"] == -2
    assert result.counted == 3 and result.applications == 5 + 194 + 2
    assert result.total_without == 15 + 194 + 4
    assert result.total_with == 10 + 194 + 6
    assert (result.fewer_per_claim, result.more_per_claim) == (1, 1)
    assert result.summary() == (
        "201 applications over the 3 policies with an applicant count need 213 department contacts without the "
        "one-stop centre and 210 with it (3 fewer, 1%); per claim, 1 of 5 policies need fewer contacts with the "
        "centre and 1 of 5 policies need more contacts with the centre")
    assert list(result.to_pandas().index) == list(REQUIREMENTS)


def test_contacts_match_shortest_paths_through_the_hub() -> None:
    """Oracle: a firm needs the hub if any required department is reachable from it; every
    department without a relay path from the hub is contacted directly."""
    eco = _pudong_like()
    relay = nx.Graph()
    relay.add_nodes_from(eco)
    relay.add_edges_from((u, v) for u, v, _k, _d in eco.relations(["replaces", "part_of", "collaborates"]))
    reachable = nx.node_connected_component(relay, "hub")
    result = one_stop(eco, "hub", REQUIREMENTS)
    rows = {row["policy"]: row for row in result.policies}
    for policy, deps in REQUIREMENTS.items():  # the oracle's policies: a missing row fails
        row = rows[policy]
        direct = [d for d in deps if d not in reachable]
        assert row["with_hub"] == (1 + len(direct) if deps else 0)
        hops = [nx.shortest_path_length(relay, "hub", d) for d in deps if d in reachable]
        assert row["relay_hops"] == max(hops, default=0)


def test_requirements_read_from_requires_relations() -> None:
    eco = _pudong_like(with_requires=True)
    result = one_stop(eco, "hub")
    assert {r["policy"] for r in result.policies} == {"contract", "hightech", "fund", "tax_credit"}
    assert next(r for r in result.policies if r["policy"] == "contract")["with_hub"] == 2
    sections = report_sections(eco)
    assert len(sections) == 1 and "onestop_hub" in sections[0].tables


def test_errors() -> None:
    eco = _pudong_like()
    with pytest.raises(errors.AnalysisError):
        one_stop(eco, "hub")  # no requirements and no requires relations
    with pytest.raises(errors.NodeNotFoundError):
        one_stop(eco, "hub", {"contract": ["ghost"]})
    with pytest.raises(errors.NodeNotFoundError):
        one_stop(eco, "nobody", REQUIREMENTS)
    with pytest.raises(errors.AnalysisError):
        one_stop(eco, "hub", REQUIREMENTS, applicants={"contract": -1})
    assert report_sections(eco) == []


def test_pudong_dataset_technology_contract() -> None:
    from loaders.datasets import pudong_policy

    eco = pudong_policy()
    # the seed: a technology contract involved the Science Commission, the tax office and the
    # municipal technology-market office; the centre relays to the commission and the market office
    result = one_stop(eco, "pudong_centre", {"p_tech_contract": ["pudong_stc", "pudong_tax", "sh_tech_market"]})
    row = result.policies[0]
    assert (row["without_hub"], row["with_hub"], row["direct"]) == (3, 2, ["pudong_tax"])


def test_result_is_plain_data() -> None:
    import json

    result = one_stop(_pudong_like(), "hub", REQUIREMENTS)
    assert json.loads(json.dumps(result.to_dict()))["total_with"] == result.total_with
