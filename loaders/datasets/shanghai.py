"""Shanghai technology-innovation service platforms (seed document 001, case studies 1-3).

Source: 《上海技术创新服务平台建设典型案例分析》 (in 《2014年全面深化改革中的长三角》):
case 1, the small and medium-sized motor platform (circle layers); case 2, the biopharma chain
platform; case 3, Pudong's one-stop science-and-technology policy service centre.
Every real figure is an attribute or a count that the tests check; every synthetic part
(firm names, which firm gets which service, counts per firm) comes from
``numpy.random.default_rng(seed)``.
"""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal
from typing import Any

import numpy as np

from ecograph.errors import DatasetError
from ecograph.model import Ecosystem, Vocabulary

from ._synth import CITIES, choose, firm_names, names_by_group, split_total

__all__ = ["shanghai_motor", "shanghai_biopharma", "pudong_policy", "BIOPHARMA_STAGES", "MOTOR_SUB_PLATFORMS",
           "BIOPHARMA_INDUSTRY_OUTPUT_YUAN", "BIOPHARMA_REVENUE_FEN", "PUDONG_MATTERS", "MOTOR_PERIODS",
           "MOTOR_ENGINEERING_CENTRES_2007", "MOTOR_PLATFORM_SINCE",
           "BIOPHARMA_CLINICAL_PARTNERS", "PUDONG_OFFICES", "PUDONG_REQUIREMENTS"]

SOURCE = "seed 001: 上海技术创新服务平台建设典型案例分析"
_DELTA_CITIES = ("苏州", "无锡", "常州", "南京", "杭州", "宁波", "温州", "绍兴", "台州", "嘉兴", "湖州", "合肥", "芜湖",
                 "南通", "扬州", "泰州", "镇江", "徐州", "盐城")

#: The motor platform's sub-platforms: the document names four of its six (下设…等6个子平台).
MOTOR_SUB_PLATFORMS: tuple[str, ...] = (
    "行业发展战略与规划研究子平台",
    "研发转让咨询服务推广子平台",
    "试验与检测服务子平台",
    "标准服务子平台",
)

#: What each core-ring body passes on to the radiation ring (its 成果转化 channel).
_MOTOR_RADIATION_SERVICES: dict[str, str] = {
    "motor_assoc": "成果推广",
    "motor_std": "标准宣贯",
    "motor_committee": "技术交流",
    "motor_qc": "检测认证",
}

#: The drug R&D and industry chain, in order: stable identifiers and the document's names.
BIOPHARMA_STAGES: tuple[tuple[str, str], ...] = (
    ("discovery", "药物发现"),
    ("screening", "药物筛选"),
    ("pharmacology", "药理评估"),
    ("clinical", "临床研究"),
    ("process", "工艺研究"),
    ("pilot_scale_up", "中试放大"),
    ("registration", "注册认证"),
    ("production", "批量生产"),
    ("market", "药品上市"),
)


#: The motor platform's history (seed 001, case 1): two engineering centres formed in 2007, the
#: national centre built on them in 2009, the platform's 2011 results (YX3: 81.5 % of the promotion).
MOTOR_PERIODS: tuple[int, ...] = (2007, 2009, 2011)
MOTOR_ENGINEERING_CENTRES_2007: tuple[tuple[str, str], ...] = (
    ("motor_sh_centre", "上海电机系统节能工程技术研究中心"),
    ("motor_mi_centre", "机械工业电机及其系统节能工程研究中心"),
)
#: The seed says the platform was formed after the 2009 centre ("之后…组建") without a year:
#: 2010 is synthetic.
MOTOR_PLATFORM_SINCE = 2010


def shanghai_motor(*, seed: int = 0, n_industry: int = 2000, n_radiated: int = 101, n_users: int = 20,
                   n_partner_firms: int = 10) -> Ecosystem:
    """上海中小型电机及系统技术创新服务平台: the circle-layer (圈层) platform.

    Real (seed 001, case 1): the platform core 国家中小型电机及系统工程技术研究中心; the core
    ring (中国电器工业协会中小型电机分会, 全国旋转电机标委会, 中小型电机专委会, 国家中小电机质量
    监督检验中心); the collaboration ring of 40 backbone motor makers (40多家, 60 % of national
    output; 13 of them make high-efficiency asynchronous motors) with 上海大学, 上海理工大学 and
    华北电力大学; results radiated to more than 100 firms (100余家); about 2,000 SME motor firms
    nationally (2000多家); 6 sub-platforms, four of them named; the lead unit 上海电器科学研究所
    (集团)有限公司; 浙江金龙电机股份有限公司 served directly; figures kept as platform attributes
    (16 standards, 16 trainings and 800 trainees in 2011, 21 of 31 subsidised makers, 16.3 GW =
    81.5 % of the promotion task, 730 million yuan subsidy, one of Shanghai's first 12 pilots).

    Synthetic (``seed``): the names of the firms other than 金龙 and of the two unnamed
    sub-platforms, which firms are backbone / high-efficiency / radiated, the
    ``n_partner_firms`` control-product and driven-equipment makers of the collaboration ring,
    the ``n_users`` motor-system users of the radiation ring, and service counts.
    ``n_radiated=101`` is the smallest number that is "more than 100".

    The target population is the firms with ``industry == "motor"`` (the platform's
    ``target_industry``); ``sme`` marks the non-backbone ones; ``target_population`` holds
    the document's 2,000.

    History (``periods`` 2007, 2009, 2011): the two engineering centres of 2007
    (:data:`MOTOR_ENGINEERING_CENTRES_2007`, ``since=2007``, part of the lead unit), the
    national centre (``since=2009``, collaborating with both from 2009), the platform from
    :data:`MOTOR_PLATFORM_SINCE` (synthetic: the seed says only "after 2009"), so its rings
    appear between the 2009 and 2011 snapshots.

    Ties between the rings, as the document describes them: the centre ``collaborates`` with
    the four core-ring bodies it integrated (``project="平台资源整合"``) and with every
    collaboration-ring member in joint design (联合设计, ``project="新一代高效节能电机联合设计"``),
    besides serving the 40 backbone makers directly; the core ring, "the bridge between platform
    and firms", passes the results on: each radiation-ring member is served by one core-ring
    body (seeded) and the backbone and radiated firms are members of the industry association.

    Examples
    --------
    >>> eco = shanghai_motor()
    >>> rings = eco.rings("motor_platform")
    >>> [len(rings[r]) for r in ("core", "core_ring")]
    [1, 4]
    >>> sum(1 for n in eco if eco.node(n).get("backbone"))
    40
    >>> sorted({ring for u, v, _k, _d in eco.relations("collaborates") for ring in ("core_ring", "collaboration")
    ...         if (v if u == "motor_centre" else u) in rings[ring]})
    ['collaboration', 'core_ring']
    """
    rng = np.random.default_rng(seed)
    eco = Ecosystem(name="shanghai_motor", title_zh="上海中小型电机及系统技术创新服务平台", title_en="Shanghai SME motor and system innovation service platform",
                    source=SOURCE, seed=seed, periods=list(MOTOR_PERIODS))
    eco.add_org("motor_platform", "上海中小型电机及系统技术创新服务平台", kind="platform", since=MOTOR_PLATFORM_SINCE,
                target_industry="motor", target_population=2000, backbone_output_share=0.6,
                national_standards=16, trainings_2011=16, trainees_2011=800, subsidised_makers_2011=31,
                yx3_makers_2011=21, yx3_promotion_kw=16_300_000, yx3_promotion_share=0.815,
                subsidy_yuan=730_000_000, first_batch_pilots=12, sub_platforms=6)
    eco.add_org("seari", "上海电器科学研究所(集团)有限公司", kind="enterprise", role="lead unit (牵头单位)")
    eco.add_org("motor_centre", "国家中小型电机及系统工程技术研究中心", kind="research_institute", since=2009,
                function="技术创新及孵化基地")
    for ident, name in MOTOR_ENGINEERING_CENTRES_2007:  # the 2009 national centre was built on them (在此基础上)
        eco.add_org(ident, name, kind="research_institute", since=2007)
        eco.add_relation(ident, "seari", "part_of")
        eco.add_relation(ident, "motor_centre", "collaborates", project="组建国家中小型电机及系统工程技术研究中心",
                         since=2009)
    eco.add_relation("motor_centre", "motor_platform", "in_ring", ring="core")
    eco.add_relation("motor_centre", "seari", "part_of")
    core_ring = [
        ("motor_assoc", "中国电器工业协会中小型电机分会", "association"),
        ("motor_std", "全国旋转电机标准化技术委员会", "service_org"),
        ("motor_committee", "中小型电机专业委员会", "society"),
        ("motor_qc", "国家中小电机质量监督检验中心", "service_org"),
    ]
    for ident, name, kind in core_ring:
        eco.add_org(ident, name, kind=kind)
        eco.add_relation(ident, "motor_platform", "in_ring", ring="core_ring")
    for ident, name in (("shu", "上海大学"), ("usst", "上海理工大学"), ("ncepu", "华北电力大学")):
        eco.add_org(ident, name, kind="university")
        eco.add_relation(ident, "motor_platform", "in_ring", ring="collaboration")
    names = [*MOTOR_SUB_PLATFORMS, "子平台五(原文未列名)", "子平台六(原文未列名)"]
    for i, name in enumerate(names, 1):
        eco.add_org(f"motor_sub_{i}", name, kind="service_org", sub_platform=True,
                    named_in_source=i <= len(MOTOR_SUB_PLATFORMS))
        eco.add_relation(f"motor_sub_{i}", "motor_platform", "part_of")

    # the industry: ~2,000 motor firms, 40 backbone makers among them
    ids = [f"motor_firm_{i:04d}" for i in range(1, n_industry + 1)]
    firm = firm_names(rng, n_industry, ["电机", "电机制造", "微电机", "电器", "机电"], brand_length=3)
    firm[0] = "浙江金龙电机股份有限公司"
    backbone = np.zeros(n_industry, dtype=bool)
    backbone[0] = True
    backbone[1 + rng.choice(n_industry - 1, size=39, replace=False)] = True
    backbone_ids = np.flatnonzero(backbone)
    efficient = np.zeros(n_industry, dtype=bool)
    efficient[rng.choice(backbone_ids, size=13, replace=False)] = True
    others = np.flatnonzero(~backbone)
    radiated = np.zeros(n_industry, dtype=bool)
    radiated[rng.choice(others, size=n_radiated, replace=False)] = True
    eco.add_orgs(ids, firm, kind="enterprise", industry=["motor"] * n_industry, sme=(~backbone).tolist(),
                 backbone=[True if b else None for b in backbone], high_efficiency=[True if e else None for e in efficient],
                 named_in_source=[True] + [None] * (n_industry - 1))
    joint = [ids[i] for i in backbone_ids]
    eco.add_relations(joint, ["motor_platform"] * 40, "in_ring", ring=["collaboration"] * 40, activity=["联合设计"] * 40)
    # direct R&D and testing services: only the backbone makers (直接提供服务的企业仅40多家)
    eco.add_relations(["motor_centre"] * 40, joint, "serves", service=["研发与检测"] * 40,
                      count=(1 + rng.poisson(4, 40)).tolist())
    partners = [f"motor_partner_{i:02d}" for i in range(1, n_partner_firms + 1)]
    half = n_partner_firms // 2
    eco.add_orgs(partners, firm_names(rng, n_partner_firms, ["电气控制", "传动设备", "风机", "水泵"]),
                 industry=["motor_control"] * half + ["driven_equipment"] * (n_partner_firms - half))
    eco.add_relations(partners, ["motor_platform"] * n_partner_firms, "in_ring", ring=["collaboration"] * n_partner_firms)
    # the collaboration ring takes part in joint design with the core (共同参与联合设计)
    designers = joint + ["shu", "usst", "ncepu"] + partners
    eco.add_relations(["motor_centre"] * len(designers), designers, "collaborates",
                      project=["新一代高效节能电机联合设计"] * len(designers))
    # the core ring's bodies were integrated into the centre's platform (整合学会、协会、标委会、质检中心)
    ring_ids = [ident for ident, _, _ in core_ring]
    eco.add_relations(["motor_centre"] * len(ring_ids), ring_ids, "collaborates",
                      project=["平台资源整合"] * len(ring_ids))
    reached = [ids[i] for i in np.flatnonzero(radiated)]
    users = [f"motor_user_{i:02d}" for i in range(1, n_users + 1)]
    eco.add_orgs(users, firm_names(rng, n_users, ["钢铁", "化工", "水务", "纺织", "建材"]), industry=["motor_user"] * n_users)
    eco.add_relations(reached + users, ["motor_platform"] * (n_radiated + n_users), "in_ring",
                      ring=["radiation"] * (n_radiated + n_users))
    # the core ring is the bridge to firms: the industry association's members ...
    eco.add_relations(joint + reached, ["motor_assoc"] * (40 + n_radiated), "member_of")
    # ... and its bodies pass the results on (成果辐射, 促进技术成果转化) to the radiation ring
    channel = rng.integers(len(core_ring), size=n_radiated + n_users)
    eco.add_relations([ring_ids[c] for c in channel.tolist()], reached + users, "serves",
                      service=[_MOTOR_RADIATION_SERVICES[ring_ids[c]] for c in channel.tolist()],
                      count=(1 + rng.poisson(1, n_radiated + n_users)).tolist())
    for ident, name in (("sh_stcsm", "上海市科学技术委员会"), ("sh_ndrc", "上海市发展和改革委员会"),
                        ("sh_eitc", "上海市经济和信息化委员会"), ("sh_finance", "上海市财政局")):
        eco.add_org(ident, name, kind="government")
    eco.add_relation("sh_stcsm", "motor_platform", "funds")
    for ident in ("sh_ndrc", "sh_eitc", "sh_finance"):
        eco.add_relation("motor_platform", ident, "serves", service="政策研究与技术支持")
    return eco


#: Outside organisations able to run clinical research (synthetic, unnamed in the document, which
#: mentions "临床合同研究服务"): id, name, kind, organisation type, declared capabilities.
BIOPHARMA_CLINICAL_PARTNERS: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    ("clinical_site_a", "药物临床试验机构甲(原文未列名)", "research_institute", "hospital", ("clinical",)),
    ("clinical_site_b", "药物临床试验机构乙(原文未列名)", "research_institute", "hospital", ("clinical",)),
    ("cro_a", "临床合同研究组织甲(原文未列名)", "enterprise", "cro", ("clinical", "pharmacology")),
)


#: Shanghai's biopharma industry output (经济总量), 2008 and 2011: 800 亿 and 1,800 亿 yuan (seed 001).
BIOPHARMA_INDUSTRY_OUTPUT_YUAN: tuple[int, int] = (80_000_000_000, 180_000_000_000)

#: The platform's service revenue in fen, 2010 and H1 2011. The seed says "more than 100 million
#: yuan" (超过1亿元) and "more than 60 million yuan" (6000多万元); the exact amounts are synthetic.
BIOPHARMA_REVENUE_FEN: tuple[int, int] = (10_230_000_000, 6_120_000_000)


def shanghai_biopharma(*, seed: int = 0, repeat_share: float = 0.4,
                       government_funding_fen: int = 1_000_000_000) -> Ecosystem:
    """上海市生物医药产业技术创新服务平台: the chain (链式) alliance and its anchor unit.

    Real (seed 001, case 2): the 13 member units by name and sector (4 industry, 2 academia,
    7 research); the anchor 上海市生物医药科技产业促进中心(上海新药研究开发中心); the nine
    chain stages 药物发现 → 药物筛选 → 药理评估 → 临床研究 → 工艺研究 → 中试放大 → 注册认证 →
    批量生产 → 药品上市 (``stages`` and ``stage_names``); in 2010, 1,120 client firms
    (853 SMEs) and 1,287 service projects; in the first half of 2011, 13,694 services to 571
    users, 283 of them in Shanghai; the management committee (上海市科委) funding the anchor;
    cooperation agreements with 国药, 上药 and 复星; the named services to 上海奥齐生物,
    国药上海生物制品研究所 and 复星医药.

    The funding path is the document's (政府对平台的各项投入及资助都投入到依托单位, 再由该中心按照
    各单位的服务绩效合理分配给各成员单位): ``funds`` 上海市科委 -> anchor -> the other members; the
    amounts are synthetic (the document gives none): ``government_funding_fen`` (default 10
    million yuan, in fen) in 2010, split exactly over the 13 members in proportion to their 2010
    service projects (largest remainder, :func:`ecograph.allocation.allocate`); each
    anchor -> member edge (one per member with 2010 projects) carries the ``amount`` and the
    ``performance`` it rewards, and the anchor keeps its own share.

    Editorial: which stages each member covers (read from the unit names) and the weak points.
    Synthetic (``seed``): client firm names, sizes and regions beyond the totals above, which
    member serves which client, how 1,287 projects and 13,694 services split over clients,
    member capacities, which 2011 users were 2010 clients too (``repeat_share``), the funding
    amounts, and three outside organisations that could back up clinical research
    (:data:`BIOPHARMA_CLINICAL_PARTNERS`, two trial hospitals and a CRO with
    ``capabilities``), each collaborating with the clinical centre and one to three members
    of the neighbouring stages (pharmacology, process).

    Serves edges carry ``year``, ``count`` and ``revenue`` (fen), with ``service="专业技术服务"``:
    year 2010 edges (key ``y2010``, ``since=2010``, ``until=2011``) reach exactly 1,120 clients
    (853 with ``sme``) and their ``count`` (service projects, 服务企业项目) sums to 1,287; first
    half of 2011 edges (``period="2011H1"``, key ``y2011h1``, ``since=2011``,
    ``until=2011-07-01``) reach exactly 571 clients (283 with ``region == "上海"``) and their
    ``count`` (services, 服务次数) sums to 13,694. The ecosystem's ``periods`` are 2010 and 2011
    (H1), so ``eg.changes(eco, 2010, 2011)`` gives these figures. Revenue totals
    (:data:`BIOPHARMA_REVENUE_FEN`) are synthetic within the seed's "more than"; the industry
    output 800 亿 (2008) -> 1,800 亿 (2011) is the alliance's ``industry_output_years`` /
    ``industry_output_yuan``.

    Raises
    ------
    DatasetError
        A negative ``government_funding_fen``.

    Examples
    --------
    >>> eco = shanghai_biopharma()
    >>> chain = eco.chain("bio_platform")
    >>> len(chain.members), chain.anchor, chain.stages[0], chain.stages[-1]
    (13, 'sndc', 'discovery', 'market')
    >>> sum(d["count"] for *_e, d in eco.relations("serves") if d.get("year") == 2010)
    1287
    >>> sum(d["amount"] for u, *_e, d in eco.relations("funds") if u == "sh_stcsm")
    1000000000
    """
    rng = np.random.default_rng(seed)
    eco = Ecosystem(name="shanghai_biopharma", title_zh="上海市生物医药产业技术创新服务平台", title_en="Shanghai biopharmaceutical industry innovation service platform",
                    source=SOURCE, seed=seed, periods=[2010, 2011])
    eco.add_org(
        "bio_platform", "上海市生物医药产业技术创新服务平台", kind="alliance", founded=2009,
        stages=[s for s, _ in BIOPHARMA_STAGES], stage_names=[n for _, n in BIOPHARMA_STAGES],
        member_units=13, national_rd_centres=6, national_key_labs=1, municipal_rd_centres=3, gmp_pilot_bases=3,
        clients_2010=1120, sme_clients_2010=853, projects_2010=1287, services_2011h1=13694, users_2011h1=571,
        shanghai_users_2011h1=283, weak_points=["药效评价", "中试孵化设施", "安评与药代实验场地"],
        industry_output_years=[2008, 2011], industry_output_yuan=list(BIOPHARMA_INDUSTRY_OUTPUT_YUAN),
    )
    members = [  # id, name, kind, sector, stages (editorial, from the unit's name)
        ("tcm_eng", "国家中药制药工程技术研究中心", "research_institute", "industry", ["process", "pilot_scale_up", "production"]),
        ("formulation_eng", "药物制剂国家工程研究中心", "research_institute", "industry", ["process", "pilot_scale_up"]),
        ("zhangjiang", "上海张江生物医药基地开发有限公司", "enterprise", "industry", ["production", "market"]),
        ("biochip_eng", "生物芯片上海国家工程研究中心", "research_institute", "industry", ["discovery", "screening"]),
        ("ecust_lab", "华东理工大学生物反应器工程国家重点实验室", "university", "academia", ["process"]),
        ("biochem_eng", "国家生化工程技术(上海)研究中心", "research_institute", "academia", ["pilot_scale_up", "production"]),
        ("sndc", "上海市生物医药科技产业促进中心(上海新药研究开发中心)", "research_institute", "research", ["discovery", "registration"]),
        ("screening_centre", "国家新药筛选中心", "research_institute", "research", ["screening"]),
        ("safety_centre", "国家上海新药安全评价研究中心", "research_institute", "research", ["pharmacology"]),
        ("dmpk_centre", "上海药物代谢研究中心", "research_institute", "research", ["pharmacology"]),
        ("model_org_centre", "上海南方模式生物研究中心", "research_institute", "research", ["pharmacology"]),
        ("sph_cri", "上药集团中央研究院", "research_institute", "research", ["discovery", "registration", "market"]),
        ("clinical_centre", "上海医学临床研究中心", "research_institute", "research", ["clinical"]),
    ]
    capacity = (20 + rng.poisson(30, len(members))).tolist()
    for (ident, name, kind, sector, stages), cap in zip(members, capacity):
        eco.add_org(ident, name, kind=kind, sector=sector)
        eco.add_relation(ident, "bio_platform", "chain_member", stages=stages, capacity=int(cap),
                         role="anchor" if ident == "sndc" else "member")
    eco.add_org("sh_stcsm", "上海市科学技术委员会", kind="government", role="平台管理委员会")

    member_ids = [m[0] for m in members]
    weights = rng.dirichlet(np.full(len(members), 2.0))
    n2010, n2011, shanghai_2011 = 1120, 571, 283
    n_repeat = int(round(repeat_share * n2011))
    n_new = n2011 - n_repeat
    n_firms = n2010 + n_new
    ids = [f"bio_client_{i:04d}" for i in range(1, n_firms + 1)]
    sme = np.concatenate([choose(rng, n2010, 853), rng.random(n_new) < 0.75])
    # 2011 users: n_repeat earlier clients and n_new new firms; exactly 283 of the 571 in Shanghai
    users_2011 = np.concatenate([rng.choice(n2010, size=n_repeat, replace=False), np.arange(n2010, n_firms)])
    region = np.where(rng.random(n_firms) < 0.5, "长三角", "全国其他").astype(object)
    region[users_2011[choose(rng, n2011, shanghai_2011)]] = "上海"
    others_2010 = np.setdiff1d(np.arange(n2010), users_2011)
    region[others_2010[rng.random(len(others_2010)) < 0.5]] = "上海"
    places = {"上海": ("上海",), "长三角": _DELTA_CITIES, "全国其他": tuple(c for c in CITIES if c not in _DELTA_CITIES)}
    names = names_by_group(rng, region.tolist(), places, ["生物", "医药", "制药", "生物科技", "药业"])
    eco.add_orgs(ids, names, industry=["biopharma"] * n_firms, sme=sme.tolist(), region=region.tolist())
    revenue_rng = np.random.default_rng([seed, 2011])  # its own stream: the other synthetic parts stay as they were
    for year, clients, total, revenue_fen, until, extra in (
            (2010, np.arange(n2010), 1287, BIOPHARMA_REVENUE_FEN[0], 2011, {}),
            (2011, users_2011, 13694, BIOPHARMA_REVENUE_FEN[1], _dt.date(2011, 7, 1), {"period": "2011H1"})):
        counts = split_total(rng, total, len(clients), concentration=0.5 if year == 2011 else 5.0)
        providers = rng.choice(len(members), size=len(clients), p=weights)
        eco.add_relations([member_ids[p] for p in providers], [ids[c] for c in clients], "serves",
                          keys=["y2010" if year == 2010 else "y2011h1"] * len(clients),
                          year=[year] * len(clients), count=counts, since=[year] * len(clients),
                          until=[until] * len(clients), service=["专业技术服务"] * len(clients),
                          revenue=split_total(revenue_rng, revenue_fen, len(clients)),
                          **{k: [v] * len(clients) for k, v in extra.items()})
    named = [
        ("aoqi", "上海奥齐生物技术有限公司", "sndc", "新药研发全过程设计与临床前研究", True),
        ("sinopharm_sibp", "国药上海生物制品研究所", "formulation_eng", "疫苗制剂工艺研究", False),
        ("fosun", "上海复星医药(集团)股份有限公司", "dmpk_centre", "降糖新药药代研究", False),
    ]
    for ident, name, provider, service, small in named:
        eco.add_org(ident, name, industry="biopharma", sme=small, named_in_source=True)
        eco.add_relation(provider, ident, "serves", service=service)
    eco.add_relation("safety_centre", "fosun", "serves", service="降糖新药安全评价研究")
    eco.add_org("sinopharm", "中国医药集团有限公司", industry="biopharma", sme=False, named_in_source=True)
    eco.add_org("sph", "上海医药集团股份有限公司", industry="biopharma", sme=False, named_in_source=True)
    for partner in ("sinopharm", "sph", "fosun"):
        eco.add_relation("bio_platform", partner, "collaborates", project="合作协议")
    _fund_by_performance(eco, member_ids, government_funding_fen)
    _clinical_partners(eco, rng, members)
    return eco


def _fund_by_performance(eco: Ecosystem, member_ids: list[str], budget_fen: int) -> None:
    """Government -> anchor -> members, split by the members' 2010 service projects."""
    from ecograph.allocation import allocate

    if budget_fen < 0:
        raise DatasetError(f"shanghai_biopharma: government_funding_fen must be >= 0 fen, got {budget_fen}",
                           field="government_funding_fen", value=budget_fen)
    performance = dict.fromkeys(member_ids, 0)
    for u, _v, _k, d in eco.relations("serves"):
        if d.get("year") == 2010:
            performance[u] += d["count"]
    shares = allocate(budget_fen, performance).to_dict()
    eco.add_relation("sh_stcsm", "sndc", "funds", amount=budget_fen, year=2010,
                     purpose="政府投入经依托单位按服务绩效分配")
    others = [m for m in member_ids if m != "sndc" and shares[m] > 0]
    eco.add_relations(["sndc"] * len(others), others, "funds", amount=[shares[m] for m in others],
                      year=[2010] * len(others), performance=[performance[m] for m in others],
                      purpose=["按服务绩效分配"] * len(others))


def _clinical_partners(eco: Ecosystem, rng: np.random.Generator, members: list[tuple[Any, ...]]) -> None:
    """Outside organisations that could back up the clinical stage, tied to its neighbours."""
    adjacent = [m[0] for m in members if set(m[4]) & {"pharmacology", "process"}]
    for ident, name, kind, org_type, capabilities in BIOPHARMA_CLINICAL_PARTNERS:
        eco.add_org(ident, name, kind=kind, org_type=org_type, capabilities=list(capabilities),
                    named_in_source=False)
        partners = rng.choice(adjacent, size=int(rng.integers(1, 4)), replace=False).tolist()
        eco.add_relations([ident] * (len(partners) + 1), ["clinical_centre", *partners], "collaborates",
                          project=["临床研究合作"] * (len(partners) + 1))


#: Pudong: the Science Commission offices whose windows the centre took over ("将科管处、高新处和基金办
#: 承担的科技政策统一划归中心管理"); every policy belonged to one of them.
PUDONG_OFFICES: tuple[str, ...] = ("stc_management", "stc_hightech", "stc_fund")

#: Pudong: departments each named policy involves (policy -> departments). The technology contract
#: is the document's own case (新区科委, 税务, 市技术市场办); the others are an editorial reading:
#: the office that ran the policy's window, plus the tax office where the benefit is a tax deduction.
PUDONG_REQUIREMENTS: dict[str, tuple[str, ...]] = {
    "p_hightech": ("stc_hightech",),
    "p_tech_contract": ("pudong_stc", "pudong_tax", "sh_tech_market"),
    "p_rd_deduction": ("stc_management", "pudong_tax"),
    "p_rd_institution": ("stc_management",),
    "p_innovation_fund": ("stc_fund",),
}


def _level_split(value: str | tuple[int, ...] | list[int]) -> tuple[int, ...]:
    """``level_split`` as a tuple of ints, from a tuple/list or a comma-separated string."""
    parts = value.split(",") if isinstance(value, str) else list(value)
    try:
        split = tuple(int(str(p).strip()) for p in parts)
    except ValueError:
        split = ()
    if len(split) != 3 or min(split) < 0:
        raise DatasetError(f"pudong_policy: level_split must be three counts (national, Shanghai, Pudong) such as "
                           f"'8,7,9', got {value!r}", field="level_split", value=str(value))
    return split


def pudong_policy(*, seed: int = 0, level_split: str | tuple[int, int, int] = "8,7,9") -> Ecosystem:
    """浦东新区科技认定服务中心: the one-stop (一门式) science-and-technology policy centre.

    Real (seed 001, case 3): the centre and its platform (3 windows at the citizen centre,
    window since 2001); the units merged into it (科技认定办公室, 浦东科技信息中心, 南汇科技信息
    中心); the three Science Commission offices whose windows and policies it took over
    (科技管理处, 高新处, 基金办公室); the 24 policies of three levels (national, Shanghai,
    Pudong) it accepts, 13 of which it also approves or certifies; the departments a
    technology contract used to need (新区科委, 税务, 市技术市场办); 2011: 194 high-tech
    enterprise applications, 164 district R&D institutions certified, 2,760 R&D-deduction
    projects with 11,552,000,000 yuan of R&D expenses, 55 briefings, forum of ~250 firms per
    quarter, newsletter of 26 issues to 2,500+ firms, 8,000+ matters (36.83 % growth).

    Departments per policy (``requires``, policy -> department): the technology contract as
    the document says; the other named policies as :data:`PUDONG_REQUIREMENTS` reads them (the
    office that ran the window, the tax office for tax deductions). The 2011 figures are the
    applicants of their policies (``applicants``: 194 high-tech enterprise, 164 R&D
    institution, 2,760 R&D-deduction claims).

    Synthetic (``seed``): names of the 19 policies the document does not name, the split of the
    24 policies over the three levels (``level_split``, national/Shanghai/Pudong, a tuple or a
    comma-separated string such as ``"8,7,9"``), which unnamed policies are approved here,
    which of the three offices (:data:`PUDONG_OFFICES`) each unnamed policy belonged to (its
    one required department), and the 194 + 164 firms.

    The vocabulary adds the kinds ``policy`` and ``park`` and the relations ``administers``
    (centre -> policy, ``approves``), ``replaces`` (centre -> office whose window it replaced),
    ``merged_into``, ``requires`` (policy -> department a claim involves) and ``accepts``
    (centre -> policy, per year: matters accepted, :data:`PUDONG_MATTERS`; ``since``/``until``
    bound each year). The ecosystem's ``periods`` are 2010 and 2011 and its
    ``counted_relations`` is ``accepts``, so ``eg.changes(eco, 2010, 2011)`` gives the seed's
    2011 growth rates; the 2011 serves edges to the 194 + 164 firms run from 2011 to 2012.

    Raises
    ------
    DatasetError
        ``level_split`` is not three non-negative counts summing to 24, or has fewer policies
        at a level than the document names there (3 national, 1 Shanghai, 1 Pudong).

    Examples
    --------
    >>> eco = pudong_policy(level_split="10,6,8")
    >>> len(eco.nodes("policy")), sum(1 for *_e, d in eco.relations("administers") if d["approves"])
    (24, 13)
    >>> sorted(v for u, v, _k, _d in eco.relations("requires") if u == "p_tech_contract")
    ['pudong_stc', 'pudong_tax', 'sh_tech_market']
    """
    level_split = _level_split(level_split)
    if sum(level_split) != 24:
        raise DatasetError(f"pudong_policy: level_split must sum to the document's 24 policies, got {sum(level_split)}",
                           field="level_split", value=",".join(map(str, level_split)))
    rng = np.random.default_rng(seed)
    vocabulary = Vocabulary()
    vocabulary.add_kind("policy", sector="government")
    vocabulary.add_kind("park", sector="government")
    vocabulary.add_relation("administers", target_kinds=frozenset({"policy"}),
                            description="service centre -> policy it accepts (approves: also approves/certifies)")
    vocabulary.add_relation("replaces", description="one-stop centre -> office whose window it replaced")
    vocabulary.add_relation("merged_into", description="predecessor unit -> unit it was merged into")
    vocabulary.add_relation("requires", target_kinds=frozenset({"government"}),
                            description="policy -> department a claim under it involves")
    vocabulary.add_relation("accepts", target_kinds=frozenset({"policy"}), integers=("count",), money=("rd_expense",),
                            description="service centre -> policy: matters accepted under it in a period "
                                        "(count; rd_expense for R&D deductions)")
    eco = Ecosystem(name="pudong_policy", title_zh="浦东新区科技政策一站式服务", title_en="Pudong one-stop science and technology policy service",
                    vocabulary=vocabulary, source=SOURCE, seed=seed, periods=[2010, 2011],
                    counted_relations=["accepts"])
    eco.add_org("pudong_platform", "浦东新区科技政策服务平台", kind="platform", one_stop=True)
    eco.add_org("pudong_centre", "浦东新区科技认定服务中心", kind="service_org", windows=3, window_since=2001,
                policies_accepted=24, policies_approved=13, matters_2011_at_least=8000, matters_growth_2011=0.3683,
                rd_deduction_projects_2011=PUDONG_MATTERS[2011]["p_rd_deduction"],
                rd_expenses_2011_yuan=int(PUDONG_MATTERS[2011]["rd_expense"]), briefings_2011=55,
                forum_participants=250, newsletter_issues=26, newsletter_firms_at_least=2500)
    eco.add_relation("pudong_centre", "pudong_platform", "in_ring", ring="core")
    eco.add_org("pudong_stc", "浦东新区科学技术委员会", kind="government")
    eco.add_relation("pudong_centre", "pudong_stc", "part_of")
    for ident, name in (("stc_management", "科技管理处"), ("stc_hightech", "高新技术处"), ("stc_fund", "基金办公室")):
        eco.add_org(ident, name, kind="government")
        eco.add_relation(ident, "pudong_stc", "part_of")
        eco.add_relation("pudong_centre", ident, "replaces")
    for ident, name in (("cert_office", "科技认定办公室"), ("pd_info", "浦东科技信息中心"), ("nh_info", "南汇科技信息中心")):
        eco.add_org(ident, name, kind="service_org")
        eco.add_relation(ident, "pudong_centre", "merged_into")
    eco.add_org("pudong_tax", "浦东新区税务局", kind="government")
    eco.add_org("sh_tech_market", "上海市技术市场管理办公室", kind="government")
    eco.add_relation("pudong_centre", "sh_tech_market", "collaborates", project="技术合同认定登记")
    eco.add_org("zhangjiang_park", "张江园区", kind="park")
    eco.add_relation("pudong_centre", "zhangjiang_park", "collaborates", project="高新技术企业专项政策宣讲", year=2011)

    named = [  # id, name, level, approved here
        ("p_hightech", "高新技术企业认定", "national", False),
        ("p_tech_contract", "技术合同认定登记", "shanghai", True),
        ("p_rd_deduction", "企业研发费用税前加计扣除", "national", True),
        ("p_rd_institution", "区级企业研发机构认定", "pudong", True),
        ("p_innovation_fund", "科技型中小企业技术创新基金", "national", False),
    ]
    level_order = ("national", "shanghai", "pudong")
    needed = [sum(level == lv for _, _, level, _ in named) for lv in level_order]
    if any(have < need for have, need in zip(level_split, needed)):
        raise DatasetError(f"pudong_policy: level_split {','.join(map(str, level_split))} leaves no room for the "
                           f"named policies; each level needs at least {','.join(map(str, needed))}",
                           field="level_split", value=",".join(map(str, level_split)))
    levels = [lv for lv, count in zip(level_order, level_split) for _ in range(count)]
    for _, _, level, _ in named:
        levels.remove(level)
    levels = [levels[i] for i in rng.permutation(len(levels))]
    approved_left = 13 - sum(a for *_n, a in named)
    approves = choose(rng, len(levels), approved_left).tolist()
    level_names = {"national": "国家", "shanghai": "上海市", "pudong": "浦东新区"}
    policies = [*named, *((f"p_{i:02d}", f"{level_names[lv]}科技政策{i:02d}(原文未列名)", lv, ap)
                          for i, (lv, ap) in enumerate(zip(levels, approves), 6))]
    n_hightech, n_institutions = 194, 164
    applications = {"p_hightech": n_hightech, "p_rd_institution": n_institutions, "p_rd_deduction": 2760}
    for ident, name, level, approved in policies:
        eco.add_org(ident, name, kind="policy", level=level, named_in_source=not name.endswith("(原文未列名)"),
                    applicants=applications.get(ident))
        eco.add_relation("pudong_centre", ident, "administers", approves=bool(approved))
    unnamed = [ident for ident, *_rest in policies[len(named):]]
    offices = rng.choice(len(PUDONG_OFFICES), size=len(unnamed))
    requires = [*PUDONG_REQUIREMENTS.items(), *((p, (PUDONG_OFFICES[o],)) for p, o in zip(unnamed, offices.tolist()))]
    sources = [p for p, departments in requires for _ in departments]
    eco.add_relations(sources, [d for _, departments in requires for d in departments], "requires")

    firms = [f"pd_firm_{i:03d}" for i in range(1, n_hightech + n_institutions + 1)]
    eco.add_orgs(firms, firm_names(rng, len(firms), ["科技", "信息技术", "生物科技", "微电子", "软件"], places=("上海",)),
                 region=["浦东新区"] * len(firms))
    services = ["高新技术企业认定受理"] * n_hightech + ["区级研发机构认定"] * n_institutions
    eco.add_relations(["pudong_centre"] * len(firms), firms, "serves", service=services, year=[2011] * len(firms),
                      count=[1] * len(firms), since=[2011] * len(firms), until=[2012] * len(firms))
    _accepted_matters(eco, seed, [p[0] for p in policies], {p[0]: p[1] for p in policies})
    return eco


#: Pudong's matters accepted per year (seed 001, case 3, with the 2010 bases derived from the
#: growth rates the seed gives for 2011; "synthetic" marks what the seed does not state):
#: 2011 all matters 8,002 ("8000多项", synthetic within it) = +36.83 % on 2010's 5,848;
#: high-tech enterprises 194 (+74 %: 2010 = 111, i.e. +74.8 %; no whole number of firms gives
#: 74 % when rounded, the seed's rate is truncated); R&D institutions 164 (+264 %: 2010 = 45,
#: +264.4 %); R&D-deduction items 2,760 (2010: 1,840, synthetic) with R&D expenses of 115.52 亿
#: yuan (+79 %: 2010 = 64.54 亿, +78.99 %).
PUDONG_MATTERS: dict[int, dict[str, Any]] = {
    2010: {"all": 5848, "p_hightech": 111, "p_rd_institution": 45, "p_rd_deduction": 1840,
           "rd_expense": Decimal("6454000000")},
    2011: {"all": 8002, "p_hightech": 194, "p_rd_institution": 164, "p_rd_deduction": 2760,
           "rd_expense": Decimal("11552000000")},
}


def _accepted_matters(eco: Ecosystem, seed: int, policies: list[str], names: dict[str, str]) -> None:
    """``accepts`` centre -> policy per year: the seed's counts, the rest split over the other policies."""
    rng = np.random.default_rng([seed, 2010])  # its own stream: the other synthetic parts stay as they were
    for year, figures in PUDONG_MATTERS.items():
        named = {p: figures[p] for p in ("p_hightech", "p_rd_institution", "p_rd_deduction")}
        rest = [p for p in policies if p not in named]
        others = split_total(rng, figures["all"] - sum(named.values()), len(rest), concentration=8.0)
        counts = {**named, **dict(zip(rest, others))}
        for policy in policies:
            extra = {"rd_expense": figures["rd_expense"]} if policy == "p_rd_deduction" else {}
            eco.add_relation("pudong_centre", policy, "accepts", key=f"y{year}", count=counts[policy],
                             service=names[policy], since=year, until=year + 1, **extra)
