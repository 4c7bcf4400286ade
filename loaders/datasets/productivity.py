"""Productivity-promotion centres (生产力促进中心): the national network and Tianjin's evaluation.

Sources: seed 000 (interview with the chair of 中国生产力促进中心协会, 2018) for the national
network; seed 003 (天津市市级生产力促进中心提质增效行动实施方案(2018—2020年)) for Tianjin's
eligibility rules, six evaluation dimensions, four grades and the 200,000-yuan reward.
"""

from __future__ import annotations

import datetime
import sys
from decimal import Decimal

import numpy as np

from ecograph.errors import DatasetError
from ecograph.model import Ecosystem

from ._synth import choose, names_by_group, split_total

__all__ = ["productivity_centers", "tianjin_centers", "DISTRICTS", "TIANJIN_DIMENSIONS", "MAX_ENTERPRISES",
           "TIANJIN_PERIODS", "TIANJIN_TARGETS"]

SOURCE_000 = "seed 000: 立足服务, 扛起推动全国生产力大旗(中国生产力促进中心协会)"
SOURCE_003 = "seed 003: 天津市市级生产力促进中心提质增效行动实施方案(2018—2020年)"

#: The ten districts (片区) and their provinces. The document names three of them
#: (东北三省, 京津冀蒙, 广东广西); the other seven groupings are editorial.
DISTRICTS: tuple[tuple[str, str, tuple[str, ...], bool], ...] = (
    ("d_northeast", "东北三省片区", ("辽宁", "吉林", "黑龙江"), True),
    ("d_jingjinjimeng", "京津冀蒙片区", ("北京", "天津", "河北", "内蒙古"), True),
    ("d_guangdong_guangxi", "广东广西片区", ("广东", "广西"), True),
    ("d_yangtze_delta", "沪苏浙皖片区", ("上海", "江苏", "浙江", "安徽"), False),
    ("d_lu_yu", "鲁豫片区", ("山东", "河南"), False),
    ("d_jin_shaan", "晋陕片区", ("山西", "陕西"), False),
    ("d_central", "湘鄂赣片区", ("湖南", "湖北", "江西"), False),
    ("d_min_qiong", "闽琼片区", ("福建", "海南"), False),
    ("d_southwest", "川渝黔滇藏片区", ("四川", "重庆", "贵州", "云南", "西藏"), False),
    ("d_northwest", "甘宁青新片区", ("甘肃", "宁夏", "青海", "新疆"), False),
)
_CENTRE_TRADES = ("建材", "机械", "食品", "皮革", "服装", "纺织", "电子", "化工", "冶金", "轻工")
_FIRM_TRADES = ("机械", "电子", "化工", "食品", "纺织", "建材", "软件", "生物", "新材料", "汽车配件",
                "环保", "农业科技", "医疗器械", "服装", "家居", "包装", "物流", "能源", "信息技术", "精密制造")

#: Largest ``n_enterprises``: the association serves "50多万家企业".
MAX_ENTERPRISES = 500_000


def productivity_centers(*, n_enterprises: int = 0, seed: int = 0, services_per_firm: float = 2.0,
                         member_share: float = 0.02, progress: bool = False) -> Ecosystem:
    """中国生产力促进中心协会 → 10 districts (片区) → 2,689 productivity centres (→ firms).

    Real (seed 000): the national association (founded 1995-04-06); 2,689 centres, 247
    national-level and 350 industry-level (建材, 机械, 食品, 皮革, 服装 ...), the rest local;
    10 districts of about 200+ centres each (东北三省, 京津冀蒙, 广东广西 named); 10 productivity
    academies (生产力学院); about a third of the members run on market mechanisms; the
    association has served more than 500,000 firms (hence ``n_enterprises`` up to 500,000).

    Synthetic (``seed``): the other seven districts' provinces, the number of centres per
    district (at least 200, summing to 2,689), centre names, which centres are national /
    industry-level / market-run (896 = a third of 2,689), the academies' districts, and — when
    ``n_enterprises > 0`` — the firms: names, province, trade, ``sme`` (90 %), the centres
    serving each firm (1 + Poisson(``services_per_firm`` − 1), mostly centres of the firm's
    district) and the association's member firms (``member_share``).

    Levels are disjoint: ``level`` is ``national`` (247), ``industry`` (350) or ``local`` (2,092).
    Each centre is ``part_of`` its district and ``member_of`` the association; districts are
    ``part_of`` the association. Firms get ``serves`` edges (``count``) from centres.

    Built column-wise through :meth:`Ecosystem.add_orgs` / :meth:`Ecosystem.add_relations`;
    500,000 firms take about 7 s and 1 GB of memory (measured 2026-12-01 on 2 cores).

    Examples
    --------
    >>> eco = productivity_centers()
    >>> len(eco.nodes("productivity_center")), len(eco.nodes("district"))
    (2689, 10)
    >>> eco.number_of_relations("serves")
    0
    """
    if not 0 <= n_enterprises <= MAX_ENTERPRISES:
        raise DatasetError(f"productivity_centers: n_enterprises={n_enterprises}; expected 0 to {MAX_ENTERPRISES}",
                           field="n_enterprises", value=n_enterprises)
    if services_per_firm < 1:
        raise DatasetError(f"productivity_centers: services_per_firm={services_per_firm}; expected at least 1",
                           field="services_per_firm", value=services_per_firm)
    rng = np.random.default_rng(seed)
    eco = Ecosystem(name="productivity_centers", title_zh="全国生产力促进中心网络", title_en="National productivity-centre network",
                    source=SOURCE_000, seed=seed, n_enterprises=n_enterprises)
    eco.add_org("cppc", "中国生产力促进中心协会", kind="association", founded=datetime.date(1995, 4, 6),
                centres=2689, national_centres=247, industry_centres=350, districts=10, academies=10,
                firms_served_at_least=500_000)
    district_ids = [d[0] for d in DISTRICTS]
    eco.add_orgs(district_ids, [d[1] for d in DISTRICTS], kind="district",
                 provinces=[list(d[2]) for d in DISTRICTS], named_in_source=[d[3] for d in DISTRICTS])
    eco.add_relations(district_ids, ["cppc"] * 10, "part_of")
    academies = [f"academy_{i:02d}" for i in range(1, 11)]
    eco.add_orgs(academies, [f"生产力学院({d[1]})" for d in DISTRICTS], kind="service_org")
    eco.add_relations(academies, district_ids, "part_of")

    n_centres = 2689
    per_district = np.array(split_total(rng, n_centres, 10, minimum=200, concentration=8.0))
    district_of = np.repeat(np.arange(10), per_district)
    province = [DISTRICTS[d][2][rng.integers(len(DISTRICTS[d][2]))] for d in district_of.tolist()]
    level = np.full(n_centres, "local", dtype=object)
    order = rng.permutation(n_centres)
    level[order[:247]] = "national"
    level[order[247:597]] = "industry"
    trade = [_CENTRE_TRADES[i] for i in rng.integers(len(_CENTRE_TRADES), size=n_centres).tolist()]
    names = [
        f"{p}{'国家级示范' if lv == 'national' else ''}{t + '行业' if lv == 'industry' else ''}生产力促进中心{i:04d}"
        for i, (p, lv, t) in enumerate(zip(province, level.tolist(), trade), 1)
    ]
    centre_ids = [f"ppc_{i:04d}" for i in range(1, n_centres + 1)]
    eco.add_orgs(centre_ids, names, kind="productivity_center", level=level.tolist(), province=province,
                 industry=[t if lv == "industry" else None for t, lv in zip(trade, level.tolist())],
                 market_mechanism=choose(rng, n_centres, round(n_centres / 3)).tolist())
    eco.add_relations(centre_ids, [district_ids[d] for d in district_of.tolist()], "part_of")
    eco.add_relations(centre_ids, ["cppc"] * n_centres, "member_of")
    if n_enterprises:
        _add_firms(eco, rng, n_enterprises, centre_ids, district_of, per_district, services_per_firm, member_share, progress)
    return eco


def _add_firms(eco: Ecosystem, rng: np.random.Generator, n: int, centre_ids: list[str], district_of: np.ndarray,
               per_district: np.ndarray, services_per_firm: float, member_share: float, progress: bool) -> None:
    """Firms served by centres, built column-wise (the fast path for 500,000 firms)."""
    def say(message: str) -> None:
        if progress:
            print(f"productivity_centers: {message}", file=sys.stderr, flush=True)

    say(f"generating {n:,} firms")
    firm_district = rng.choice(10, size=n, p=per_district / per_district.sum())
    provinces = [DISTRICTS[d][2] for d in range(10)]
    pick = rng.random(n)
    firm_province = [provinces[d][int(r * len(provinces[d]))] for d, r in zip(firm_district.tolist(), pick.tolist())]
    ids = [f"firm_{i:06d}" for i in range(1, n + 1)]
    names = names_by_group(rng, firm_province, {p: (p,) for p in set(firm_province)}, _FIRM_TRADES, brand_length=3)
    trades = [_FIRM_TRADES[i] for i in rng.integers(len(_FIRM_TRADES), size=n).tolist()]
    eco.add_orgs(ids, names, kind="enterprise", province=firm_province, industry=trades,
                 sme=(rng.random(n) < 0.9).tolist())
    say("linking firms to centres")
    # k distinct centres per firm: the first in the firm's district, the others anywhere near it
    k = np.minimum(1 + rng.poisson(services_per_firm - 1, size=n), 8)
    firm_index = np.repeat(np.arange(n), k)
    rank = np.arange(len(firm_index)) - np.repeat(np.cumsum(k) - k, k)
    starts = np.concatenate([[0], np.cumsum(per_district)[:-1]])
    home = starts[firm_district] + (rng.random(n) * per_district[firm_district]).astype(np.int64)
    # distinct offsets 0, s, 2s ... inside the district keep the pairs unique without a check
    step = 1 + rng.integers(0, 25, size=n)
    d_of = firm_district[firm_index]
    centre = starts[d_of] + (home[firm_index] - starts[d_of] + rank * step[firm_index]) % per_district[d_of]
    counts = 1 + rng.poisson(2.0, size=len(firm_index))
    eco.add_relations([centre_ids[c] for c in centre.tolist()], [ids[f] for f in firm_index.tolist()], "serves",
                      count=counts.tolist())
    members = np.flatnonzero(rng.random(n) < member_share)
    eco.add_relations([ids[i] for i in members.tolist()], ["cppc"] * len(members), "member_of")
    say(f"{n:,} firms, {len(firm_index):,} services, {len(members):,} member firms")


#: The six evaluation dimensions of seed 003 (2.绩效评估主要内容) and their indicators.
TIANJIN_DIMENSIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("scale", "中心规模", ("total_assets", "paid_in_capital", "business_revenue", "main_revenue", "revenue_per_head")),
    ("service", "服务成效", ("firms_served", "tech_services", "consulting", "ip_services", "startup_services",
                          "finance_services", "training_services")),
    ("human_resources", "人力资源情况", ("staff", "bachelor_share")),
    ("communication", "沟通交流情况", ("report_timeliness", "industry_events", "publicity_items")),
    ("management", "规范管理情况", ("management_rules",)),
    ("sustainability", "强化可持续发展能力建设情况", ("business_model", "capacity_building")),
)
_TIANJIN_DISTRICTS = ("和平区", "河东区", "河西区", "南开区", "河北区", "红桥区", "东丽区", "西青区",
                      "津南区", "北辰区", "武清区", "宝坻区", "滨海新区", "宁河区", "静海区", "蓟州区")


def tianjin_centers(*, n_centres: int = 80, seed: int = 0) -> Ecosystem:
    """天津市市级生产力促进中心: candidates for the cultivation system and their indicators.

    Real (seed 003): the eligibility rules, stored as ecosystem attributes — registered in
    Tianjin and operating 2+ years, "生产力" in the name, independent legal person, 70 %+ staff
    with a bachelor's degree, ISO 9001; enterprise-type centres 15+ staff and 150,000+ yuan
    service revenue per head; institution-type centres 5,000,000+ yuan assets and 300+ m² of
    office and service space — the six evaluation dimensions (``TIANJIN_DIMENSIONS``), the four
    grades 优秀/良好/合格/不合格, the 200,000-yuan reward for "excellent", a three-year cycle,
    about 10 centres in 2018 and about 70 by 2020; Tianjin's 16 districts, whose science
    bureaus review the centres.

    Synthetic (``seed``): the ``n_centres`` centres — names (a few without "生产力"), district,
    type, every eligibility attribute and every indicator value (some centres fail one rule
    or another on purpose), and the prior status (national demo / municipal demo / qualified).
    Money is ``Decimal`` yuan; shares are floats in [0, 1].

    Examples
    --------
    >>> eco = tianjin_centers()
    >>> len(eco.nodes("productivity_center")), eco.attrs["excellent_reward_yuan"]
    (80, Decimal('200000'))
    """
    if n_centres < 1:
        raise DatasetError(f"tianjin_centers: n_centres={n_centres}; expected at least 1", field="n_centres")
    rng = np.random.default_rng(seed)
    eco = Ecosystem(
        name="tianjin_centers", title_zh="天津市市级生产力促进中心", title_en="Tianjin municipal productivity centres",
        source=SOURCE_003, seed=seed,
        dimensions=[d[0] for d in TIANJIN_DIMENSIONS], dimension_names=[d[1] for d in TIANJIN_DIMENSIONS],
        **{f"indicators_{d[0]}": list(d[2]) for d in TIANJIN_DIMENSIONS},
        grades=["excellent", "good", "pass", "fail"], grade_names=["优秀", "良好", "合格", "不合格"],
        excellent_reward_yuan=Decimal("200000"), evaluation_cycle_years=3, periods=list(TIANJIN_PERIODS),
        target_years=list(TIANJIN_PERIODS), targets=list(TIANJIN_TARGETS),
        min_years_registered=2, name_must_contain="生产力", min_bachelor_share=0.7, requires_iso9001=True,
        enterprise_min_staff=15, enterprise_min_revenue_per_head_yuan=Decimal("150000"),
        institution_min_assets_yuan=Decimal("5000000"), institution_min_office_area_m2=300,
    )
    eco.vocabulary.add_relation("cultivated_by", target_kinds=frozenset({"government"}),
                                description="centre -> 市科委: in the municipal cultivation system (since/until)")
    eco.vocabulary.add_relation("reports", target_kinds=frozenset({"government"}),
                                description="centre -> 市科委: one period's indicators and flags (submitted, operating)")
    eco.add_org("tj_stc", "天津市科学技术委员会", kind="government")
    bureau_ids = [f"tj_bureau_{i:02d}" for i in range(1, len(_TIANJIN_DISTRICTS) + 1)]
    eco.add_orgs(bureau_ids, [f"{d}科技行政管理部门" for d in _TIANJIN_DISTRICTS], kind="government",
                 district=list(_TIANJIN_DISTRICTS))
    eco.add_relations(bureau_ids, ["tj_stc"] * len(bureau_ids), "part_of")

    n = n_centres
    district = rng.integers(len(_TIANJIN_DISTRICTS), size=n)
    enterprise_type = rng.random(n) < 0.5
    has_word = rng.random(n) < 0.92
    names = [
        f"天津市{_TIANJIN_DISTRICTS[d]}{'生产力促进中心' if w else '科技服务中心'}{'有限公司' if e else ''}({i:02d})"
        for i, (d, w, e) in enumerate(zip(district.tolist(), has_word.tolist(), enterprise_type.tolist()), 1)
    ]
    staff = np.maximum(3, rng.normal(24, 10, n)).astype(int)
    revenue_per_head = np.round(rng.lognormal(np.log(190_000), 0.35, n), -2).astype(np.int64)
    assets = np.round(rng.lognormal(np.log(7_000_000), 0.6, n), -3).astype(np.int64)
    status = rng.choice(["national_demo", "municipal_demo", "qualified", "none"], size=n, p=[0.1, 0.2, 0.3, 0.4])
    cols = {
        "center_type": np.where(enterprise_type, "enterprise", "institution").tolist(),
        "district": [_TIANJIN_DISTRICTS[d] for d in district.tolist()],
        "prior_status": status.tolist(),
        "registered_in_tianjin": (rng.random(n) < 0.97).tolist(),
        "independent_legal_person": (rng.random(n) < 0.95).tolist(),
        "years_registered": rng.integers(1, 30, size=n).tolist(),
        "bachelor_share": np.round(rng.beta(8, 3, n), 3).tolist(),
        "iso9001": (rng.random(n) < 0.85).tolist(),
        "staff": staff.tolist(),
        "revenue_per_head": [Decimal(int(v)) for v in revenue_per_head.tolist()],
        "total_assets": [Decimal(int(v)) for v in assets.tolist()],
        "office_area_m2": np.round(rng.lognormal(np.log(600), 0.5, n)).astype(int).tolist(),
        "paid_in_capital": [Decimal(int(v)) for v in np.round(assets * rng.uniform(0.2, 0.8, n), -3).astype(np.int64).tolist()],
        "business_revenue": [Decimal(int(v)) for v in (revenue_per_head * staff * rng.uniform(1.0, 1.4, n)).astype(np.int64).tolist()],
        "main_revenue": [Decimal(int(v)) for v in (revenue_per_head * staff).astype(np.int64).tolist()],
        "firms_served": rng.integers(20, 800, size=n).tolist(),
        "tech_services": rng.poisson(60, n).tolist(),
        "consulting": rng.poisson(40, n).tolist(),
        "ip_services": rng.poisson(15, n).tolist(),
        "startup_services": rng.poisson(10, n).tolist(),
        "finance_services": rng.poisson(6, n).tolist(),
        "training_services": rng.poisson(12, n).tolist(),
        "report_timeliness": np.round(rng.uniform(0.6, 1.0, n), 2).tolist(),
        "industry_events": rng.poisson(5, n).tolist(),
        "publicity_items": rng.poisson(8, n).tolist(),
        "management_rules": rng.integers(1, 6, size=n).tolist(),
        "business_model": rng.integers(1, 6, size=n).tolist(),
        "capacity_building": rng.integers(1, 6, size=n).tolist(),
    }
    ids = [f"tj_ppc_{i:02d}" for i in range(1, n + 1)]
    eco.add_orgs(ids, names, kind="productivity_center", **cols)
    eco.add_relations(ids, [bureau_ids[d] for d in district.tolist()], "part_of")
    _tianjin_history(eco, ids, cols, seed)
    return eco


#: Tianjin's evaluation periods and the number of centres in the cultivation system after each
#: period's admissions: about 10 in 2018 and about 70 by 2020 (seed 003); 40 in 2019 is synthetic.
TIANJIN_PERIODS: tuple[int, ...] = (2018, 2019, 2020)
TIANJIN_TARGETS: tuple[int, ...] = (10, 40, 70)
#: Indicators that stay as they are from year to year (staff and qualifications, 1–5 ratings).
_TIANJIN_STEADY = frozenset({"staff", "bachelor_share", "management_rules", "business_model", "capacity_building"})


def _tianjin_history(eco: Ecosystem, ids: list[str], cols: dict[str, list], seed: int) -> None:
    """Yearly reports and the cultivation-system history the dynamic-management rules imply.

    Each year every centre still in the running files a ``reports`` edge to 天津市科委 with that
    year's indicators (the base values times a seeded yearly factor); the rules of
    ``ecograph.management`` then decide, year by year, who enters (``cultivated_by`` from that
    year) and who leaves (``until`` the next year). In 2020 one member does not hand in its
    materials and one is found not operating (synthetic).
    """
    from ecograph.management import manage

    rng = np.random.default_rng([seed, 2018])  # its own stream: the single-year attributes stay as they were
    indicators = [i for _d, _n, names in TIANJIN_DIMENSIONS for i in names]
    left: set[str] = set()
    for year in TIANJIN_PERIODS:
        members = [u for u, *_e in eco.at(year).relations("cultivated_by")]
        flagged = {}
        if year == TIANJIN_PERIODS[-1] and len(members) >= 2:
            picked = rng.choice(len(members), size=2, replace=False).tolist()
            flagged = {members[picked[0]]: {"submitted": False}, members[picked[1]]: {"operating": False}}
        reporting = [u for u in ids if u not in left]
        for u in reporting:
            i = ids.index(u)
            factor = float(rng.lognormal(0.05 * (year - TIANJIN_PERIODS[0]), 0.08))  # ~5 % growth a year
            values = {}
            for name in indicators:
                base = cols[name][i]
                if name in _TIANJIN_STEADY:
                    values[name] = base
                elif isinstance(base, Decimal):
                    values[name] = Decimal(int(round(float(base) * factor)))
                elif isinstance(base, float):
                    values[name] = min(1.0, round(base * factor, 3))
                else:
                    values[name] = int(round(base * factor))
            eco.add_relation(u, "tj_stc", "reports", key=f"y{year}", since=year, until=year + 1, **values,
                             submitted=flagged.get(u, {}).get("submitted", True),
                             operating=flagged.get(u, {}).get("operating", True))
        decisions = [d for d in manage(eco, TIANJIN_PERIODS[:TIANJIN_PERIODS.index(year) + 1]).decisions
                     if d.period == year]
        for d in decisions:
            if d.rule == "admit_eligible":
                eco.add_relation(d.id, "tj_stc", "cultivated_by", since=year)
            elif d.decision == "remove":
                since = next(a.get("since") for u, v, k, a in eco.relations("cultivated_by")
                             if (u, v, k) == (d.id, "tj_stc", "cultivated_by"))
                eco.remove_relation(d.id, "tj_stc", "cultivated_by")
                eco.add_relation(d.id, "tj_stc", "cultivated_by", since=since, until=year + 1)
                left.add(d.id)
