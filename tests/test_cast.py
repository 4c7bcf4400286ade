"""The cast_service_action dataset (seed 002): every seed figure, the documented synthetic parts,
lossless round trips of experts and technical problems in every file format."""

from __future__ import annotations

from collections import Counter

import pytest

import loaders
from ecograph.errors import DatasetError
from loaders.datasets import load_dataset
from loaders.datasets.cast import DISCIPLINES, KEY_REGIONS, OTHER_PROVINCES, PROBLEM_CATEGORIES, SCARCE_FIELDS, TIERS

FIELDS = {f for fields in DISCIPLINES.values() for f in fields}


@pytest.fixture(scope="module")
def eco():
    return load_dataset("cast_service_action")


def sources_of(eco, node, type):
    return [u for u, _, t in eco.graph.in_edges(node, data="type") if t == type]


def test_hundred_societies_thousand_enterprises_ten_thousand_experts(eco):
    societies, firms, experts = eco.nodes("society"), eco.nodes("enterprise"), eco.nodes("expert")
    assert (len(societies), len(firms), len(experts)) == (100, 1000, 10_000)
    # 百家全国学会: national societies, members of 中国科协
    assert all(eco.node(s)["national"] is True for s in societies)
    assert eco.members("cast") == societies
    # 千家企业: every one is served by at least one society
    served = {v for u, v, _k, d in eco.relations("serves") if eco.kind_of(u) == "society"}
    assert served == set(firms)
    # 万名科技工作者: every expert is a member of a society
    member = {u for u, v, _k, _d in eco.relations("member_of") if eco.kind_of(v) == "society"}
    assert member == set(experts)
    assert sum(len(eco.members(s)) for s in societies) >= 10_000


def test_enterprises_are_in_the_key_regions_with_the_documented_tiers(eco):
    firms = [eco.node(f) for f in eco.nodes("enterprise")]
    assert set(Counter(f["region"] for f in firms)) == set(KEY_REGIONS) == {"京津冀", "长三角", "粤港澳大湾区", "东北", "中部"}
    for f in firms:
        assert f["province"] in KEY_REGIONS[f["region"]]
        assert f["province"] == f["radiation_provinces"][0]
        assert f["discipline"] in DISCIPLINES
        assert f["name"].startswith(KEY_REGIONS[f["region"]][f["province"]]) or any(
            f["name"].startswith(c) for c in KEY_REGIONS[f["region"]][f["province"]])
    assert Counter(f["tier"] for f in firms) == {t: n for t, _, n in TIERS}
    for f in firms:  # flags agree with the tier: 专精特新 firms are SMEs too
        assert bool(f.get("leading")) == (f["tier"] == "leading")
        assert bool(f.get("specialized")) == (f["tier"] == "specialized")
        assert bool(f.get("sme")) == (f["tier"] != "leading")


def test_local_associations_survey_the_demand_of_their_province(eco):
    provinces = [p for region in KEY_REGIONS.values() for p in region]
    local = [a for a in eco.nodes("association") if eco.node(a).get("role") == "local"]
    assert sorted(eco.node(a)["province"] for a in local) == sorted(provinces)
    assert eco.hierarchy().children("cast") == local
    survey = [(u, v) for u, v, _k, d in eco.relations("serves") if d.get("service") == "需求摸底"]
    assert sorted(v for _, v in survey) == sorted(eco.nodes("enterprise"))
    for u, v in survey:
        assert eco.node(u)["province"] == eco.node(v)["province"]


def test_experts_fields_capacity_and_places_are_documented_values(eco):
    for x in eco.nodes("expert"):
        node = eco.node(x)
        assert node["fields"] and set(node["fields"]) <= FIELDS and len(set(node["fields"])) == len(node["fields"])
        assert node["capacity"] in (1, 2, 3)
        assert node["sector"] in ("academia", "research", "industry")
        assert node["province"] in OTHER_PROVINCES or any(node["province"] in r for r in KEY_REGIONS.values())
        # the main field of the expert's first society is among the expert's fields (unless it is scarce)
        first = next(v for u, v, t in eco.graph.out_edges(x, data="type") if t == "member_of")
        main = eco.node(first)["fields"][0]
        assert main in node["fields"] or (main in SCARCE_FIELDS and eco.node(first)["fields"][1] in node["fields"])
    assert set(eco.nodes("expert")) == {u for u, _, _k, _d in eco.relations("member_of") if eco.kind_of(u) == "expert"}
    holders = Counter(f for x in eco.nodes("expert") for f in eco.node(x)["fields"])
    ordinary = sorted(holders[f] for f in FIELDS - set(SCARCE_FIELDS))
    for f in SCARCE_FIELDS:  # 卡脖子 fields: far fewer experts than any other field
        assert 0 < holders[f] < ordinary[0] / 2


@pytest.mark.parametrize("n", [0, 1, 250])
def test_open_problems_are_posed_by_one_enterprise_each(n):
    eco = load_dataset("cast_service_action", n_problems=n)
    problems = eco.nodes("problem")
    assert len(problems) == n
    for p in problems:
        node = eco.node(p)
        assert sources_of(eco, p, "poses") and len(sources_of(eco, p, "poses")) == 1
        assert eco.kind_of(sources_of(eco, p, "poses")[0]) == "enterprise"
        assert node["fields"] and set(node["fields"]) <= FIELDS
        assert node["category"] in PROBLEM_CATEGORIES and node["status"] == "open"


def test_parameter_errors():
    with pytest.raises(DatasetError, match="n_problems=-1"):
        load_dataset("cast_service_action", n_problems=-1)


@pytest.mark.parametrize("suffix", ["yaml", "json", "csv", "graphml", "gexf"])
def test_experts_and_problems_round_trip_in_every_format(tmp_path, suffix):
    full = load_dataset("cast_service_action", n_problems=400)
    societies = full.nodes("society")[:3]
    firms = {v for u, v, _k, _d in full.relations("serves") if u in societies}
    keep = {"cast", *societies, *firms, *(x for s in societies for x in full.members(s)),
            *(v for u, v, _k, _d in full.relations("poses") if u in firms)}
    eco = full.subgraph(nodes=keep)  # every kind, relation type and attribute of the dataset
    assert {full.kind_of(n) for n in keep} == {"association", "society", "enterprise", "expert", "problem"}
    target = tmp_path / ("eco" if suffix == "csv" else f"eco.{suffix}")
    loaders.write(eco, target, **({"format": "csv"} if suffix == "csv" else {}))
    back = loaders.read(target)
    assert back == eco, back.diff(eco)[:5]
