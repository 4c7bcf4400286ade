"""Built-in datasets: every seed figure exactly, valid ecosystems, determinism per seed."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest

from ecograph.errors import DatasetError
from loaders.datasets import DATASETS, list_datasets, load_dataset
from loaders.datasets.productivity import TIANJIN_DIMENSIONS
from loaders.datasets.shanghai import BIOPHARMA_STAGES, PUDONG_OFFICES, pudong_policy


def flagged(eco, flag, kind="enterprise"):
    return [n for n in eco.nodes(kind) if eco.node(n).get(flag) is True]


@pytest.mark.parametrize("name", list(DATASETS))
def test_every_dataset_validates_and_is_deterministic(name):
    eco = load_dataset(name)
    assert eco.problems() == []
    assert load_dataset(name) == eco  # same seed, same ecosystem
    other = load_dataset(name, seed=1)
    assert other.problems() == []
    assert eco.attrs["source"].startswith("seed 00")
    assert other != eco  # the synthetic part depends on the seed


def test_list_and_parameter_errors():
    names = [d["name"] for d in list_datasets(sizes=False)]
    assert names == list(DATASETS)
    with pytest.raises(DatasetError, match="unknown dataset 'x'"):
        load_dataset("x")
    with pytest.raises(DatasetError, match="no parameter 'n'"):
        load_dataset("shanghai_motor", n=3)
    with pytest.raises(DatasetError, match="must be int"):
        load_dataset("productivity_centers", n_enterprises="many")
    with pytest.raises(DatasetError, match="0 to 500000"):
        load_dataset("productivity_centers", n_enterprises=500_001)
    with pytest.raises(DatasetError, match="24 policies"):
        load_dataset("pudong_policy", level_split="1,2,3")  # as ``--param level_split=1,2,3`` passes it
    for bad in ("8,7", "8,x,9", (8, -1, 17)):
        with pytest.raises(DatasetError, match="three counts"):
            pudong_policy(level_split=bad)
    with pytest.raises(DatasetError, match="at least 3,1,1"):
        pudong_policy(level_split="2,11,11")  # three of the five named policies are national
    with pytest.raises(DatasetError, match="government_funding_fen must be >= 0"):
        load_dataset("shanghai_biopharma", government_funding_fen=-1)
    assert pudong_policy(level_split=(8, 7, 9)) == pudong_policy(level_split=" 8, 7,9") == load_dataset("pudong_policy")


def test_shanghai_motor_rings_and_population():
    eco = load_dataset("shanghai_motor")
    rings = eco.rings("motor_platform")
    assert [eco.node(n)["name"] for n in rings["core"]] == ["国家中小型电机及系统工程技术研究中心"]
    assert sorted(eco.node(n)["name"] for n in rings["core_ring"]) == sorted(
        ["中国电器工业协会中小型电机分会", "全国旋转电机标准化技术委员会", "中小型电机专业委员会", "国家中小电机质量监督检验中心"])
    backbone = flagged(eco, "backbone")
    assert len(backbone) == 40 and set(backbone) <= set(rings["collaboration"])
    assert len(flagged(eco, "high_efficiency")) == 13 and set(flagged(eco, "high_efficiency")) <= set(backbone)
    assert {"shu", "usst", "ncepu"} <= set(rings["collaboration"])
    radiated_firms = [n for n in rings["radiation"] if eco.node(n).get("industry") == "motor"]
    assert len(radiated_firms) == 101 and not set(radiated_firms) & set(backbone)
    platform = eco.node("motor_platform")
    population = [n for n in eco.nodes("enterprise") if eco.node(n).get("industry") == platform["target_industry"]]
    assert len(population) == platform["target_population"] == 2000
    assert sum(eco.node(n)["sme"] for n in population) == 1960
    # the core's direct services reach exactly the 40 backbone firms (直接提供服务的企业仅40多家)
    assert sorted(v for u, v, _, _ in eco.relations("serves") if u in rings["core"]) == sorted(backbone)
    # the core ring is the bridge: its bodies pass the results on to the whole radiation ring (100余家 + users)
    radiated = [(u, v) for u, v, _, _ in eco.relations("serves") if u in rings["core_ring"]]
    assert sorted(v for _, v in radiated) == sorted(rings["radiation"]) and len(radiated) == 101 + 20
    providers = {u for u, v, _, _ in eco.relations("serves") if v in population}
    assert providers <= set(rings["core"]) | set(rings["core_ring"])
    assert {v for u, v, _, _ in eco.relations("serves") if v in population} == set(backbone) | set(radiated_firms)
    # joint design (联合设计): the core collaborates with every collaboration-ring member, 40 + 3 + 10,
    # and with the four core-ring bodies it integrated
    design = {v if u == "motor_centre" else u for u, v, _, d in eco.relations("collaborates")
              if "motor_centre" in (u, v) and d["project"] == "新一代高效节能电机联合设计"}
    assert design == set(rings["collaboration"]) and len(design) == 53
    integrated = {v if u == "motor_centre" else u for u, v, _, d in eco.relations("collaborates")
                  if "motor_centre" in (u, v) and d["project"] == "平台资源整合"}
    assert integrated == set(rings["core_ring"])
    subs = eco.hierarchy().children("motor_platform")
    assert len(subs) == 6 and sum(eco.node(s)["named_in_source"] for s in subs) == 4
    assert {eco.node(s)["name"] for s in subs} >= {"行业发展战略与规划研究子平台", "研发转让咨询服务推广子平台",
                                                   "试验与检测服务子平台", "标准服务子平台"}
    assert eco.node("motor_firm_0001")["name"] == "浙江金龙电机股份有限公司"
    assert platform["national_standards"] == 16 and platform["yx3_promotion_share"] == 0.815


def test_shanghai_motor_reach_from_the_core():
    """Hops from the core into the 2,000 motor firms, by networkx breadth-first search: services
    from provider to client, collaborations and memberships both ways."""
    import networkx as nx

    eco = load_dataset("shanghai_motor")
    channels = nx.DiGraph()
    for u, v, d in eco.graph.edges(data=True):
        if d["type"] == "serves":
            channels.add_edge(u, v)
        elif d["type"] in ("collaborates", "member_of"):
            channels.add_edges_from([(u, v), (v, u)])
    hops = nx.single_source_shortest_path_length(channels, "motor_centre", cutoff=3)
    motor = {n for n in eco.nodes("enterprise") if eco.node(n).get("industry") == "motor"}
    within = [sum(1 for n, h in hops.items() if h <= k and n in motor) for k in (1, 2, 3)]
    assert within == [40, 141, 141]  # the backbone directly; the 101 radiated firms through the core ring
    rings = eco.rings("motor_platform")
    members = {m for ring in rings.values() for m in ring}
    assert members <= set(hops) and {m for m in members if hops[m] == 1} == set(rings["core_ring"]) | set(
        rings["collaboration"])


def test_shanghai_biopharma_chain_and_service_totals():
    eco = load_dataset("shanghai_biopharma")
    chain = eco.chain("bio_platform")
    assert chain.stages == tuple(s for s, _ in BIOPHARMA_STAGES) and len(chain.stages) == 9
    assert eco.node("bio_platform")["stage_names"][:3] == ["药物发现", "药物筛选", "药理评估"]
    assert len(chain.members) == 13 and chain.gaps == []
    assert eco.node(chain.anchor)["name"] == "上海市生物医药科技产业促进中心(上海新药研究开发中心)"
    assert Counter(eco.node(m)["sector"] for m in chain.members) == {"industry": 4, "academia": 2, "research": 7}
    # government money goes to the anchor, which passes it on by 2010 service performance, exactly
    funds = {(u, v): d for u, v, _, d in eco.relations("funds")}
    assert [(u, v) for u, v in funds if u != chain.anchor] == [("sh_stcsm", chain.anchor)]
    budget = funds["sh_stcsm", chain.anchor]["amount"]
    assert budget == 1_000_000_000 and isinstance(budget, int)
    projects = Counter()
    for u, _, _, d in eco.relations("serves"):
        if d.get("year") == 2010:
            projects[u] += d["count"]
    passed = {v: d["amount"] for (u, v), d in funds.items() if u == chain.anchor}
    assert sorted(passed) == sorted(m for m in chain.members if m != chain.anchor)
    kept = budget - sum(passed.values())
    assert all(isinstance(a, int) for a in passed.values())
    for member, amount in [*passed.items(), (chain.anchor, kept)]:  # each within one fen of its exact share
        assert abs(Decimal(amount) - Decimal(budget) * projects[member] / 1287) < 1
        if member != chain.anchor:
            assert funds[chain.anchor, member]["performance"] == projects[member]
    # outside organisations able to back up clinical research, the one single point of failure
    outside = [n for n in eco.graph if "clinical" in (eco.node(n).get("capabilities") or [])]
    assert len(outside) == 3 and not set(outside) & set(chain.members)
    neighbours = set(chain.by_stage["pharmacology"]) | set(chain.by_stage["process"])
    for org in outside:
        partners = {v if u == org else u for u, v, _, _ in eco.relations("collaborates") if org in (u, v)}
        assert "clinical_centre" in partners and 1 <= len(partners & neighbours) <= 3
        assert partners <= neighbours | {"clinical_centre"}
    y2010 = [(v, d) for _, v, _, d in eco.relations("serves") if d.get("year") == 2010]
    clients_2010 = {v for v, _ in y2010}
    assert len(clients_2010) == 1120 and sum(eco.node(c)["sme"] for c in clients_2010) == 853
    assert sum(d["count"] for _, d in y2010) == 1287
    h1 = [(v, d) for _, v, _, d in eco.relations("serves") if d.get("period") == "2011H1"]
    users = {v for v, _ in h1}
    assert sum(d["count"] for _, d in h1) == 13694 and len(users) == 571
    assert sum(eco.node(u)["region"] == "上海" for u in users) == 283
    assert all(d["year"] == 2011 for _, d in h1)


def test_pudong_policy_centre():
    eco = load_dataset("pudong_policy")
    centre = eco.node("pudong_centre")
    assert centre["name"] == "浦东新区科技认定服务中心" and centre["windows"] == 3
    policies = [v for _, v, _, _ in eco.relations("administers")]
    assert len(policies) == 24 == len(set(policies))
    assert sum(d["approves"] for *_e, d in eco.relations("administers")) == 13
    assert Counter(eco.node(p)["level"] for p in policies) == {"national": 8, "shanghai": 7, "pudong": 9}
    replaced = sorted(eco.node(v)["name"] for _, v, _, _ in eco.relations("replaces"))
    assert replaced == sorted(["科技管理处", "高新技术处", "基金办公室"])
    merged = sorted(eco.node(u)["name"] for u, _, _, _ in eco.relations("merged_into"))
    assert merged == sorted(["科技认定办公室", "浦东科技信息中心", "南汇科技信息中心"])
    services = Counter(d["service"] for *_e, d in eco.relations("serves"))
    assert services == {"高新技术企业认定受理": 194, "区级研发机构认定": 164}
    assert centre["rd_expenses_2011_yuan"] == 11_552_000_000 and centre["rd_deduction_projects_2011"] == 2760
    # departments per policy: the technology contract as the document says, every policy at least one
    requires: dict[str, set[str]] = {}
    for u, v, _, _ in eco.relations("requires"):
        requires.setdefault(u, set()).add(v)
    assert requires["p_tech_contract"] == {"pudong_stc", "pudong_tax", "sh_tech_market"}
    assert sorted(requires) == sorted(policies)
    unnamed = [p for p in policies if not eco.node(p)["named_in_source"]]
    assert len(unnamed) == 19 and all(len(requires[p]) == 1 and requires[p] <= set(PUDONG_OFFICES) for p in unnamed)
    applications = {p: eco.node(p)["applicants"] for p in policies if "applicants" in eco.node(p)}
    assert applications == {"p_hightech": 194, "p_rd_institution": 164, "p_rd_deduction": 2760}


def test_pudong_policy_one_stop_report():
    """The report's one-stop section, re-derived with networkx: a firm contacts every required
    department without the centre, and the centre plus the departments it cannot reach with it;
    the totals weigh each policy by its applicant firms."""
    import networkx as nx

    from ecograph.report.onestop import sections as report_sections

    eco = load_dataset("pudong_policy")
    relay = nx.Graph([(u, v) for u, v, d in eco.graph.edges(data=True)
                      if d["type"] in ("replaces", "part_of", "collaborates")])
    reachable = nx.node_connected_component(relay, "pudong_centre")
    requires = [(u, v) for u, v, _, _ in eco.relations("requires")]
    without = len(requires)
    with_hub = len({u for u, _ in requires}) + sum(v not in reachable for _, v in requires)
    assert (without, with_hub) == (27, 26)  # only the tax office is out of the centre's reach
    # summed over the applicant firms of the policies with a 2011 count (the others have no total)
    firms = {p: eco.node(p)["applicants"] for p in eco.nodes("policy") if eco.node(p).get("applicants") is not None}
    total_without = sum(firms[u] for u, _ in requires if u in firms)
    total_with = sum(firms[p] for p in {u for u, _ in requires} if p in firms) + sum(
        firms[u] for u, v in requires if v not in reachable and u in firms)
    assert (len(firms), sum(firms.values()), total_without, total_with) == (3, 3118, 5878, 5878)
    sections = report_sections(eco)
    assert len(sections) == 1 and "浦东新区科技认定服务中心" in sections[0].title
    assert (f"need {total_without:,} department contacts without the one-stop centre and {total_with:,} with it"
            in sections[0].text)
    rows = {row["policy"]: row for row in sections[0].tables["onestop_pudong_centre"]}
    assert (rows["p_tech_contract"]["without_hub"], rows["p_tech_contract"]["with_hub"]) == (3, 2)
    assert rows["p_tech_contract"]["total_without"] is None  # no count: never taken as one firm


def test_pudong_one_stop_saving_agrees_in_report_and_example():
    """Regression: the report counted a policy without applicants as one firm (5,901 -> 5,900,
    "1 fewer") while the example summed the counted policies only (5,878 -> 5,878)."""
    import subprocess
    import sys
    from pathlib import Path

    from ecograph.report.onestop import sections as report_sections

    [section] = report_sections(load_dataset("pudong_policy"))
    script = Path(__file__).resolve().parents[1] / "examples" / "pudong_one_stop.py"
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, check=True).stdout
    [sentence] = [line.removeprefix("In all: ") for line in out.splitlines() if line.startswith("In all: ")]
    assert section.text == sentence
    assert "3,118 applications over the 3 policies" in sentence and "5,878 with it (0 fewer, 0%)" in sentence
    assert "per claim, 1 of 24 policies need fewer contacts" in sentence


def test_suzhou_associations_exact_counts():
    eco = load_dataset("suzhou_associations")
    associations = eco.associations()
    assert len(associations) == 25  # regression: the umbrella federation was counted as a 26th
    assert eco.kind_of("sz_federation") == "federation" and "sz_federation" not in associations
    assert sum(eco.node(a)["named_in_source"] for a in associations) == 8
    members = [u for a in associations for u in eco.members(a)]
    assert len(set(members)) == 11849  # distinct firms, as the seed counts them
    assert len(eco.members("sz_meddevice")) == 528
    counts = {flag: len(flagged(eco, flag)) for flag in ("listed", "leading", "specialized", "high_tech", "private_top100")}
    assert counts == {"listed": 191, "leading": 308, "specialized": 292, "high_tech": 1127, "private_top100": 59}
    fields = {eco.node(a)["field"] for a in associations}
    assert fields == {"电子信息", "装备制造", "生物医药", "先进材料", "数字服务", "知识服务", "现代文商旅"}
    assert "江苏汇博机器人技术股份有限公司" in {eco.node(m)["name"] for m in eco.members("sz_robot")}


def test_suzhou_associations_synthetic_overlap():
    """The documented synthetic share: 8 % of the firms in two or more associations, 10 % of those
    in three, mostly within the firm's own field."""
    from loaders.datasets.suzhou import MULTI_SHARE, THIRD_SHARE

    eco = load_dataset("suzhou_associations")
    joined: dict[str, list[str]] = {}
    for firm, association, _key, _attrs in eco.relations("member_of"):
        joined.setdefault(firm, []).append(association)
    assert len(joined) == 11849
    multi = {firm: assocs for firm, assocs in joined.items() if len(assocs) > 1}
    assert len(multi) == round(MULTI_SHARE * 11849)
    assert sum(len(assocs) == 3 for assocs in multi.values()) == round(THIRD_SHARE * len(multi))
    assert all(len(set(assocs)) == len(assocs) for assocs in multi.values())
    field = {a: eco.node(a)["field"] for a in eco.associations()}
    for firm, assocs in joined.items():  # a firm's field is its first association's
        assert eco.node(firm)["field"] == field[assocs[0]]
    within = sum(len({field[a] for a in assocs}) == 1 for assocs in multi.values())
    assert within > len(multi) / 2  # mostly within one industry group
    assert within < len(multi)  # and some bridge two fields
    assert eco.problems() == []


def test_productivity_centres_hierarchy():
    eco = load_dataset("productivity_centers")
    centres = eco.nodes("productivity_center")
    assert len(centres) == 2689
    assert Counter(eco.node(c)["level"] for c in centres) == {"national": 247, "industry": 350, "local": 2092}
    h = eco.hierarchy()
    assert h.roots == ["cppc"] and h.children("cppc") == eco.nodes("district")
    academies = eco.nodes("service_org")
    assert len(academies) == 10 and sorted(h.parent[a] for a in academies) == sorted(eco.nodes("district"))
    per_district = Counter(h.parent[c] for c in centres)
    assert len(per_district) == 10 and min(per_district.values()) >= 200 and sum(per_district.values()) == 2689
    assert all(h.path(c)[-1] == "cppc" and len(h.path(c)) == 3 for c in centres[:50])
    assert len(eco.members("cppc")) == 2689
    named = [d for d in eco.nodes("district") if eco.node(d)["named_in_source"]]
    assert sorted(eco.node(d)["name"] for d in named) == ["东北三省片区", "京津冀蒙片区", "广东广西片区"]
    assert sum(eco.node(c)["market_mechanism"] for c in centres) == 896


def test_productivity_centres_with_firms():
    eco = load_dataset("productivity_centers", n_enterprises=20_000, seed=5)
    assert eco.problems() == []
    firms = eco.nodes("enterprise")
    assert len(firms) == 20_000
    served = Counter(v for _, v, _, _ in eco.relations("serves"))
    assert set(served) == set(firms)  # every firm is served by at least one centre
    assert 1.7 < eco.number_of_relations("serves") / 20_000 < 2.3
    pairs = [(u, v) for u, v, _, _ in eco.relations("serves")]
    assert len(pairs) == len(set(pairs))
    h = eco.hierarchy()
    province_district = {p: d for d in eco.nodes("district") for p in eco.node(d)["provinces"]}
    home = [(v, u) for u, v, _, _ in eco.relations("serves")]
    same_district = sum(h.parent[c] == province_district[eco.node(f)["province"]] for f, c in home[:2000])
    assert same_district == 2000  # centres serve firms of their own district
    assert 0 < len(eco.members("cppc")) - 2689 < 1000


def test_tianjin_rules_dimensions_and_grades():
    eco = load_dataset("tianjin_centers")
    attrs = eco.attrs
    assert attrs["dimensions"] == [d[0] for d in TIANJIN_DIMENSIONS] and len(attrs["dimensions"]) == 6
    assert attrs["dimension_names"][0] == "中心规模" and attrs["grade_names"] == ["优秀", "良好", "合格", "不合格"]
    assert attrs["excellent_reward_yuan"] == Decimal("200000")
    assert (attrs["min_years_registered"], attrs["min_bachelor_share"], attrs["enterprise_min_staff"]) == (2, 0.7, 15)
    assert attrs["enterprise_min_revenue_per_head_yuan"] == Decimal("150000")
    assert attrs["institution_min_assets_yuan"] == Decimal("5000000") and attrs["institution_min_office_area_m2"] == 300
    centres = [eco.node(c) for c in eco.nodes("productivity_center")]
    assert len(centres) == 80
    for c in centres:
        for _, _, indicators in TIANJIN_DIMENSIONS:
            assert all(i in c for i in indicators)
    assert {c["center_type"] for c in centres} == {"enterprise", "institution"}
    assert any("生产力" not in c["name"] for c in centres) and any(not c["iso9001"] for c in centres)

    def eligible(c):
        base = (c["registered_in_tianjin"] and c["independent_legal_person"] and c["years_registered"] >= 2
                and "生产力" in c["name"] and c["bachelor_share"] >= 0.7 and c["iso9001"])
        if c["center_type"] == "enterprise":
            return base and c["staff"] >= 15 and c["revenue_per_head"] >= 150000
        return base and c["total_assets"] >= 5_000_000 and c["office_area_m2"] >= 300

    passing = sum(eligible(c) for c in centres)
    assert 0 < passing < len(centres)  # the synthetic candidates exercise both outcomes


def test_bulk_api_matches_one_by_one_and_is_all_or_nothing():
    import networkx as nx

    from ecograph import Ecosystem
    from ecograph.errors import (AttributeTypeError, DanglingEndpointError, DuplicateIdError,
                                 DuplicateRelationError, EndpointKindError, HierarchyCycleError, InvalidRingError)

    bulk, single = Ecosystem(name="b"), Ecosystem(name="b")
    bulk.add_orgs(["p"], ["平台"], kind="platform")
    bulk.add_orgs(["a", "b", "c"], ["甲", "乙", "丙"], staff=[3, None, 5], tags=[("x",), None, ["y"]])
    bulk.add_relations(["a", "b"], ["p", "p"], "in_ring", ring=["core", "radiation"])
    bulk.add_relations(["a", "a"], ["b", "c"], "serves", keys=["y1", "y2"], count=[1, None], revenue=[Decimal("1.5"), 3])
    bulk.add_relations(["c"], ["a"], "collaborates")
    single.add_org("p", "平台", kind="platform")
    single.add_org("a", "甲", staff=3, tags=["x"])
    single.add_org("b", "乙")
    single.add_org("c", "丙", staff=5, tags=["y"])
    single.add_relation("a", "p", "in_ring", ring="core")
    single.add_relation("b", "p", "in_ring", ring="radiation")
    single.add_relation("a", "b", "serves", key="y1", count=1, revenue=Decimal("1.5"))
    single.add_relation("a", "c", "serves", key="y2", revenue=3)
    single.add_relation("c", "a", "collaborates")
    assert bulk == single and bulk.problems() == []
    assert nx.utils.graphs_equal(bulk.graph, single.graph)
    assert sorted(bulk.graph.in_edges("p")) == sorted(single.graph.in_edges("p"))
    version = bulk.version
    bad_batches = [
        (lambda: bulk.add_orgs(["d", "d"]), DuplicateIdError),
        (lambda: bulk.add_orgs(["d", "a"]), DuplicateIdError),
        (lambda: bulk.add_orgs(["d"], staff=[object()]), AttributeTypeError),
        (lambda: bulk.add_relations(["a", "zz"], ["b", "c"], "serves", keys=["k1", "k2"]), DanglingEndpointError),
        (lambda: bulk.add_relations(["a"], ["b"], "in_ring", ring=["core"]), EndpointKindError),
        (lambda: bulk.add_relations(["c"], ["p"], "in_ring", ring=["orbit"]), InvalidRingError),
        (lambda: bulk.add_relations(["b"], ["c"], "serves", revenue=[1.5]), AttributeTypeError),
        (lambda: bulk.add_relations(["b", "b"], ["c", "c"], "serves"), DuplicateRelationError),
        (lambda: bulk.add_relations(["a"], ["c"], "collaborates"), DuplicateRelationError),
        (lambda: bulk.add_relations(["a", "b"], ["b", "a"], "part_of"), HierarchyCycleError),
    ]
    for call, error in bad_batches:
        with pytest.raises(error):
            call()
    assert bulk == single and bulk.version == version  # nothing of a refused batch was added
    bulk.remove_org("a")
    assert bulk.number_of_relations() == 1 and "a" not in bulk.graph.pred["p"]
