"""The Ecosystem data model: construction, views, validation, interop."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import networkx as nx
import pytest

from ecograph import Ecosystem, errors
from ecograph.model import RINGS, Vocabulary


@pytest.fixture
def motor() -> Ecosystem:
    """A miniature circle-layer platform with one member per ring."""
    eco = Ecosystem(name="mini-motor", source="test")
    eco.add_org("p", "中小型电机平台", kind="platform")
    eco.add_org("core", "国家中小型电机及系统工程技术研究中心", kind="research_institute")
    eco.add_org("assoc", "电器工业协会", kind="association")
    eco.add_org("firm", "骨干电机企业", kind="enterprise", sme=False, revenue=Decimal("12.50"))
    eco.add_org("sme", "中小电机企业", kind="enterprise", sme=True)
    for member, ring in [("core", "core"), ("assoc", "core_ring"), ("firm", "collaboration"), ("sme", "radiation")]:
        eco.add_relation(member, "p", "in_ring", ring=ring)
    eco.add_relation("core", "firm", "collaborates", project="高效电机", year=2011)
    eco.add_relation("core", "sme", "serves", count=3, revenue=150_000, year=2010)
    return eco


def test_rings_view_lists_every_layer_in_order(motor: Ecosystem) -> None:
    rings = motor.rings("p")
    assert list(rings) == list(RINGS)
    assert rings == {"core": ["core"], "core_ring": ["assoc"], "collaboration": ["firm"], "radiation": ["sme"]}


def test_sector_defaults_from_kind_and_can_be_overridden() -> None:
    eco = Ecosystem()
    eco.add_org("u", "复旦大学", kind="university")
    eco.add_org("f", "产业基金", kind="enterprise", sector="finance")
    assert eco.node("u")["sector"] == "academia"
    assert eco.node("f")["sector"] == "finance"
    assert eco.node("u")["name"] == "复旦大学"


def test_name_defaults_to_id_and_none_attributes_are_missing() -> None:
    eco = Ecosystem()
    eco.add_org("甲", staff=None, region="上海")
    assert eco.node("甲") == {"id": "甲", "name": "甲", "kind": "enterprise", "sector": "industry", "region": "上海"}


@pytest.mark.parametrize(
    ("build", "error", "needle"),
    [
        (lambda e: e.add_org("x", kind="spaceship"), errors.UnknownKindError, "unknown kind 'spaceship'"),
        (lambda e: e.add_org("x", sector="church"), errors.UnknownSectorError, "unknown sector 'church'"),
        (lambda e: e.add_org("core"), errors.DuplicateIdError, "duplicate organisation id 'core'"),
        (lambda e: e.add_org(""), errors.ValidationError, "non-empty string"),
        (lambda e: e.add_relation("core", "p", "likes"), errors.UnknownRelationError, "unknown relation type 'likes'"),
        (lambda e: e.add_relation("core", "ghost", "serves"), errors.DanglingEndpointError, "target 'ghost'"),
        (lambda e: e.add_relation("ghost", "core", "serves"), errors.DanglingEndpointError, "source 'ghost'"),
        (lambda e: e.add_relation("sme", "p", "in_ring", key="again", ring="outer"), errors.InvalidRingError, "'outer'"),
        (lambda e: e.add_relation("sme", "firm", "in_ring", ring="core"), errors.EndpointKindError, "kind platform"),
        (lambda e: e.add_relation("core", "firm", "funds", amount=1.5), errors.AttributeTypeError, "money"),
        (lambda e: e.add_relation("core", "firm", "serves", count="3"), errors.AttributeTypeError, "'count'"),
        (lambda e: e.add_relation("firm", "core", "collaborates"), errors.DuplicateRelationError, "exists already"),
        (lambda e: e.add_org("y", tags={"a": 1}), errors.AttributeTypeError, "'tags'"),
    ],
)
def test_invalid_input_raises_a_specific_error_and_changes_nothing(motor, build, error, needle) -> None:
    before = motor.copy()
    with pytest.raises(error) as info:
        build(motor)
    assert needle in str(info.value)
    assert isinstance(info.value, errors.EcographError)
    assert motor == before


def test_chain_view_orders_stages_and_finds_anchor_and_gaps() -> None:
    eco = Ecosystem()
    eco.add_org("a", "生物医药链式平台", kind="alliance", stages=["discovery", "screening", "clinical"])
    eco.add_org("anchor", "依托单位", kind="research_institute")
    eco.add_org("cro", kind="enterprise")
    eco.add_relation("anchor", "a", "chain_member", stages=["clinical", "discovery"], role="anchor", capacity=5)
    eco.add_relation("cro", "a", "chain_member", stages=["clinical"])
    chain = eco.chain("a")
    assert chain.anchor == "anchor"
    assert chain.members["anchor"] == ("discovery", "clinical")
    assert chain.by_stage == {"discovery": ["anchor"], "screening": [], "clinical": ["anchor", "cro"]}
    assert chain.gaps == ["screening"]
    assert chain.capacity == {"anchor": 5, "cro": None}
    with pytest.raises(errors.InvalidStageError, match="'market' is not a stage of alliance 'a'"):
        eco.add_relation("cro", "a", "chain_member", key="second", stages=["market"])
    eco.add_org("other", kind="enterprise")
    with pytest.raises(errors.ValidationError, match="already has the anchor unit 'anchor'"):
        eco.add_relation("other", "a", "chain_member", stages=["screening"], role="anchor")


def test_alliance_stages_cannot_drop_a_stage_in_use() -> None:
    eco = Ecosystem()
    eco.add_org("a", kind="alliance", stages=["s1", "s2"])
    eco.add_org("m")
    eco.add_relation("m", "a", "chain_member", stages=["s2"])
    with pytest.raises(errors.InvalidStageError):
        eco.update_org("a", stages=["s1"])
    assert eco.node("a")["stages"] == ["s1", "s2"]
    eco.update_org("a", stages=["s0", "s1", "s2"])
    assert eco.chain("a").stages == ("s0", "s1", "s2")


def test_hierarchy_and_cycle_detection() -> None:
    eco = Ecosystem()
    eco.add_org("nat", "中国生产力促进中心协会", kind="association")
    for d in ("d1", "d2"):
        eco.add_org(d, kind="district")
        eco.add_relation(d, "nat", "part_of")
    eco.add_org("c1", kind="productivity_center")
    eco.add_relation("c1", "d1", "part_of")
    h = eco.hierarchy()
    assert h.roots == ["nat"]
    assert h.path("c1") == ["c1", "d1", "nat"]
    assert sorted(h.descendants("nat")) == ["c1", "d1", "d2"]
    assert h.depth("c1") == 2
    with pytest.raises(errors.HierarchyCycleError, match="cycle"):
        eco.add_relation("nat", "c1", "part_of")
    with pytest.raises(errors.HierarchyCycleError):
        eco.add_relation("d2", "d2", "part_of", key="self")


def test_members_and_associations() -> None:
    eco = Ecosystem()
    eco.add_org("fed", "苏州市社会组织总会", kind="association")
    eco.add_org("robot", "苏州市机器人产业协会", kind="association")
    eco.add_org("f1", listed=True)
    eco.add_relation("robot", "fed", "member_of")
    eco.add_relation("f1", "robot", "member_of", since=2020, role="理事单位")
    assert eco.associations() == ["fed", "robot"]
    assert eco.members("robot") == ["f1"]
    assert eco.members("fed") == ["robot"]
    with pytest.raises(errors.EndpointKindError, match="expected one of"):
        eco.members("f1")
    with pytest.raises(errors.NodeNotFoundError, match="'nobody'"):
        eco.members("nobody")


def test_parallel_relations_need_distinct_keys(motor: Ecosystem) -> None:
    motor.add_relation("core", "sme", "serves", key="serves-2011", count=4, year=2011)
    assert motor.number_of_relations("serves") == 2
    motor.remove_relation("core", "sme", "serves-2011")
    assert motor.number_of_relations("serves") == 1


def test_symmetric_relation_is_found_either_way(motor: Ecosystem) -> None:
    motor.remove_relation("firm", "core", "collaborates")
    assert motor.number_of_relations("collaborates") == 0


def test_update_and_remove_org(motor: Ecosystem) -> None:
    version = motor.version
    motor.update_org("sme", name="新名字", staff=12, sme=None)
    assert motor.node("sme") == {"id": "sme", "name": "新名字", "kind": "enterprise", "sector": "industry", "staff": 12}
    assert motor.version > version
    with pytest.raises(errors.EndpointKindError):
        motor.update_org("p", kind="enterprise")  # would break the in_ring relations
    assert motor.kind_of("p") == "platform"
    motor.remove_org("core")
    assert "core" not in motor and motor.number_of_relations("serves") == 0


def test_cache_is_invalidated_on_mutation(motor: Ecosystem) -> None:
    calls = []
    motor.cached("k", lambda: calls.append(1) or len(calls))
    assert motor.cached("k", lambda: calls.append(1) or len(calls)) == 1
    motor.add_org("new")
    assert motor.cached("k", lambda: calls.append(1) or len(calls)) == 2


def test_subgraph_by_relation_and_kind(motor: Ecosystem) -> None:
    sub = motor.subgraph(relations="in_ring")
    assert len(sub) == len(motor) and sub.number_of_relations() == 4
    firms = motor.subgraph(kinds=["enterprise", "research_institute"])
    assert sorted(firms) == ["core", "firm", "sme"]
    assert firms.number_of_relations() == 2  # collaborates + serves survive; in_ring lost its platform
    with pytest.raises(errors.UnknownRelationError):
        motor.subgraph(relations="likes")


def test_copy_and_equality(motor: Ecosystem) -> None:
    twin = motor.copy()
    assert twin == motor and twin.diff(motor) == []
    twin.update_org("firm", revenue=Decimal("12.51"))
    assert twin != motor
    assert any("firm" in line for line in twin.diff(motor))


def test_networkx_round_trip(motor: Ecosystem) -> None:
    graph = motor.to_networkx()
    assert isinstance(graph, nx.MultiDiGraph)
    assert graph.nodes["core"]["name"] == "国家中小型电机及系统工程技术研究中心"
    assert graph.edges["core", "sme", "serves"]["revenue"] == 150_000
    back = Ecosystem.from_networkx(graph)
    assert back == motor


def test_from_plain_networkx_graphs() -> None:
    directed = Ecosystem.from_networkx(nx.DiGraph([(1, 2), (2, 3)]))
    assert directed.number_of_relations("serves") == 2 and sorted(directed) == ["1", "2", "3"]
    undirected = Ecosystem.from_networkx(nx.karate_club_graph())
    assert len(undirected) == 34 and undirected.number_of_relations("collaborates") == 78
    with pytest.raises(errors.UnknownKindError):
        Ecosystem.from_networkx(nx.Graph([(1, 2)]), default_kind="robot")


def test_problems_finds_edits_made_behind_the_models_back(motor: Ecosystem) -> None:
    motor.graph.nodes["sme"]["kind"] = "spaceship"
    motor.graph.edges["assoc", "p", "in_ring"]["ring"] = "outer"
    motor.graph.add_edge("core", "assoc", key="part_of", type="part_of")
    motor.graph.add_edge("assoc", "core", key="part_of", type="part_of")
    found = motor.problems()
    kinds = {type(p) for p in found}
    assert {errors.UnknownKindError, errors.InvalidRingError, errors.HierarchyCycleError} <= kinds
    with pytest.raises(errors.ValidationError) as info:
        motor.validate()
    assert len(info.value.problems) == len(found)


def test_valid_ecosystem_validates(motor: Ecosystem) -> None:
    motor.validate()
    assert motor.problems() == []


def test_attribute_types_allowed() -> None:
    eco = Ecosystem()
    eco.add_org(
        "x",
        founded=dt.date(2009, 5, 1),
        updated=dt.datetime(2024, 1, 2, 3, 4, 5),
        big=2**70,
        ratio=0.7,
        iso9001=True,
        tags=("专精特新", "高新技术"),
        assets=Decimal("5000000.00"),
    )
    assert eco.node("x")["tags"] == ["专精特新", "高新技术"]


def test_custom_vocabulary() -> None:
    vocab = Vocabulary()
    vocab.add_kind("incubator", "intermediary")
    vocab.add_relation("incubates", target_kinds=frozenset({"enterprise"}))
    eco = Ecosystem(vocabulary=vocab)
    eco.add_org("i", "张江孵化器", kind="incubator")
    eco.add_org("s", "初创企业")
    eco.add_relation("i", "s", "incubates")
    assert eco.summary()["by_relation"] == {"incubates": 1}
    with pytest.raises(errors.ValidationError, match="lower-case identifier"):
        vocab.add_kind("Bad Kind", "industry")
    with pytest.raises(errors.UnknownSectorError):
        vocab.add_kind("lab", "nowhere")


def test_repr_and_summary(motor: Ecosystem) -> None:
    text = repr(motor)
    assert "mini-motor" in text and "5 organisations" in text and "6 relations" in text
    assert motor.summary()["by_relation"] == {"in_ring": 4, "collaborates": 1, "serves": 1}


def test_empty_ecosystem() -> None:
    eco = Ecosystem()
    assert len(eco) == 0 and eco.platforms() == [] and eco.hierarchy().roots == []
    eco.validate()
    assert "0 organisations" in repr(eco)
