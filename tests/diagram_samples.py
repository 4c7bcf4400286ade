"""Hand-built ecosystems shaped like the built-in datasets, shared by the diagram tests.

They mimic the seeds: the motor platform's four rings (core, associations and committees,
40+ backbone firms, hundreds of radiated SMEs), the biopharma alliance's 13 members along nine
stages, Suzhou-like associations with overlapping members and flags, and the productivity-centre
hierarchy (national association -> 10 districts -> ~200 centres each).
"""

from __future__ import annotations

import numpy as np

from ecograph import Ecosystem

BIO_STAGES = ["discovery", "screening", "pharmacology", "clinical", "process", "pilot", "registration",
              "production", "market"]
BIO_STAGE_NAMES = ["药物发现", "药物筛选", "药理毒理", "临床研究", "工艺研究", "中试放大", "注册申报", "生产", "市场"]


def motor_platform(n_backbone: int = 42, n_radiated: int = 320, seed: int = 1) -> Ecosystem:
    """A circle-layer platform like the national small-and-medium motor platform."""
    rng = np.random.default_rng(seed)
    eco = Ecosystem(name="motor")
    eco.add_org("motor", "中小型电机技术创新服务平台", kind="platform")
    eco.add_org("core", "国家中小型电机及系统工程技术研究中心", kind="research_institute")
    eco.add_relation("core", "motor", "in_ring", ring="core")
    core_ring = [("assoc", "中国电器工业协会中小型电机分会", "association"),
                 ("std", "全国旋转电机标准化技术委员会", "service_org"),
                 ("inspect", "国家中小型电机质量监督检验中心", "service_org"),
                 ("society", "中国电工技术学会", "society"),
                 ("prof", "电机专业委员会", "society"),
                 ("gov", "上海市科学技术委员会", "government")]
    for node, name, kind in core_ring:
        eco.add_org(node, name, kind=kind)
        eco.add_relation(node, "motor", "in_ring", ring="core_ring")
        eco.add_relation("core", node, "collaborates")
    backbone = []
    for i in range(n_backbone):
        kind = "university" if i % 7 == 0 else "enterprise"
        name = f"{'电机大学' if kind == 'university' else '电机股份'}{i:02d}"
        eco.add_org(f"b{i}", name, kind=kind, leading=True)
        eco.add_relation(f"b{i}", "motor", "in_ring", ring="collaboration")
        eco.add_relation("core", f"b{i}", "collaborates")
        backbone.append(f"b{i}")
    for i in range(n_radiated):
        kind = "enterprise" if i % 10 else ("finance" if i % 20 == 0 else "service_org")
        eco.add_org(f"r{i}", f"中小电机企业{i}", kind=kind, sme=True)
        eco.add_relation(f"r{i}", "motor", "in_ring", ring="radiation")
        provider = backbone[int(rng.integers(len(backbone)))] if backbone else "core"
        eco.add_relation(provider, f"r{i}", "serves", count=int(rng.integers(1, 20)))
    return eco


def biopharma_alliance() -> Ecosystem:
    """A chain alliance like the biopharma platform: 13 members (4 industry, 2 academia, 7 research)."""
    eco = Ecosystem(name="biopharma")
    eco.add_org("bio", "生物医药技术创新服务平台", kind="alliance", stages=BIO_STAGES, stage_names=BIO_STAGE_NAMES)
    members = [
        ("anchor", "上海医药工业研究院", "research_institute", ["process", "pilot", "registration"], "anchor"),
        ("ri1", "中国科学院上海药物研究所", "research_institute", ["discovery", "screening"], "member"),
        ("ri2", "国家新药筛选中心", "research_institute", ["screening"], "member"),
        ("ri3", "上海药物安全评价研究中心", "research_institute", ["pharmacology"], "member"),
        ("ri4", "上海生物医药临床研究中心", "research_institute", ["clinical"], "member"),
        ("ri5", "国家药品检测中心上海分中心", "research_institute", ["registration"], "member"),
        ("ri6", "上海生物制品研究所", "research_institute", ["discovery", "process"], "member"),
        ("u1", "复旦大学药学院", "university", ["discovery", "pharmacology"], "member"),
        ("u2", "上海交通大学药学院", "university", ["discovery", "screening", "clinical"], "member"),
        ("e1", "上海医药集团", "enterprise", ["production", "pilot"], "member"),
        ("e2", "复星医药", "enterprise", ["production"], "member"),
        ("e3", "药明康德", "enterprise", ["screening", "pharmacology", "process"], "member"),
        ("e4", "上海张江生物医药基地开发公司", "enterprise", ["pilot"], "member"),
    ]
    for node, name, kind, stages, role in members:
        eco.add_org(node, name, kind=kind)
        eco.add_relation(node, "bio", "chain_member", stages=stages, role=role, capacity=len(name) * 10)
    eco.add_org("client", "张江药企客户", sme=True)
    for stage, count in [("clinical", 150), ("screening", 40), ("pilot", 90)]:
        provider = next(m for m, ss in eco.chain("bio").members.items() if stage in ss)
        eco.add_relation(provider, "client", "serves", key=f"serves-{stage}", service=stage, count=count)
    return eco


def suzhou_associations(n_assoc: int = 25, n_firms: int = 3000, seed: int = 2) -> Ecosystem:
    """Associations with overlapping members carrying listed/leading/专精特新/high-tech flags."""
    rng = np.random.default_rng(seed)
    eco = Ecosystem(name="suzhou")
    industries = ["集成电路", "生物医药", "纳米技术", "人工智能", "高端装备", "新材料", "软件", "新能源"]
    for a in range(n_assoc):
        eco.add_org(f"a{a}", f"苏州市{industries[a % len(industries)]}{'协会' if a < 8 else '商会'}{a}",
                    kind="association", industry=industries[a % len(industries)])
    for f in range(n_firms):
        eco.add_org(f"f{f}", f"苏州企业{f}", listed=bool(rng.random() < 0.02), leading=bool(rng.random() < 0.03),
                    specialized=bool(rng.random() < 0.03), high_tech=bool(rng.random() < 0.1))
        for a in rng.choice(n_assoc, size=1 + int(rng.random() < 0.3), replace=False):
            eco.add_relation(f"f{f}", f"a{a}", "member_of")
    return eco


def centre_hierarchy(n_districts: int = 10, per_district: int = 269, seed: int = 3) -> Ecosystem:
    """A national association -> districts -> centres hierarchy (2,689-like)."""
    rng = np.random.default_rng(seed)
    eco = Ecosystem(name="centres")
    eco.add_org("cappc", "中国生产力促进中心协会", kind="association")
    regions = ["华北", "东北", "华东一", "华东二", "华中", "华南", "西南", "西北", "京津", "沪苏浙"]
    districts = [f"d{d}" for d in range(n_districts)]
    eco.add_orgs(districts, [f"{regions[d % len(regions)]}片区" for d in range(n_districts)], kind="district")
    eco.add_relations(districts, ["cappc"] * n_districts, "part_of")
    centres = [(f"c{d}_{c}", f"d{d}") for d in range(n_districts) for c in range(per_district - (d % 3))]
    levels = np.array(["national", "industry", "local"])[rng.choice(3, size=len(centres), p=[0.09, 0.13, 0.78])]
    ids = [c for c, _ in centres]
    eco.add_orgs(ids, [f"生产力促进中心{c[1:]}" for c in ids], kind="productivity_center", level=levels.tolist())
    eco.add_relations(ids, [d for _, d in centres], "part_of")
    return eco


def combined(seed: int = 4) -> Ecosystem:
    """All of the above in one ecosystem, plus collaboration ties across them (~500+ nodes)."""
    rng = np.random.default_rng(seed)
    eco = motor_platform(n_backbone=42, n_radiated=180)
    eco.name = "combined"
    for part in (biopharma_alliance(), suzhou_associations(n_assoc=8, n_firms=150),
                 centre_hierarchy(n_districts=3, per_district=40)):
        for node in part:
            data = part.node(node)
            eco.add_org(data.pop("id"), data.pop("name"), kind=data.pop("kind"), sector=data.pop("sector"), **data)
        for u, v, key, d in part.relations():
            attrs = {k: val for k, val in d.items() if k != "type"}
            eco.add_relation(u, v, d["type"], key=key if key != d["type"] else None, **attrs)
    nodes = eco.nodes()
    for _ in range(300):
        u, v = rng.choice(len(nodes), size=2, replace=False)
        a, b = nodes[u], nodes[v]
        if not eco.graph.has_edge(a, b, "collaborates") and not eco.graph.has_edge(b, a, "collaborates"):
            eco.add_relation(a, b, "collaborates")
    return eco
