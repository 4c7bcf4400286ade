"""CAST's 百千万 action: national societies serve enterprises through their experts (seed 002).

Source: 中国科协办公厅《关于开展"百千万"服务区域发展行动的指导意见》(2019-04-18).
"""

from __future__ import annotations

import numpy as np

from ecograph.errors import DatasetError
from ecograph.model import Ecosystem

from ._synth import firm_names, split_total

__all__ = ["cast_service_action", "DISCIPLINES", "KEY_REGIONS", "OTHER_PROVINCES", "PROBLEM_CATEGORIES",
           "SCARCE_FIELDS", "SERVICES", "TIERS"]

SOURCE = "seed 002: 中国科协关于开展“百千万”服务区域发展行动的指导意见(2019)"

#: Disciplines (门类) and their fields of expertise (专业领域). The first eight disciplines are
#: named by the seed (电子信息, 航空航天, 机械制造, 能源化工; 电子商务和大数据, 新材料, 人工智能制造;
#: 互联网, 大数据, 人工智能); 生物医药 and 节能环保, and every field, are editorial.
DISCIPLINES: dict[str, tuple[str, ...]] = {
    "电子信息": ("集成电路", "通信网络", "光电子", "电子元器件"),
    "航空航天": ("飞行器设计", "航空发动机", "卫星应用", "无人机"),
    "机械制造": ("数控机床", "工业机器人", "精密加工", "传动与液压"),
    "能源化工": ("新能源发电", "储能电池", "石油化工", "煤化工"),
    "新材料": ("先进金属材料", "高分子材料", "复合材料", "纳米材料"),
    "人工智能": ("机器视觉", "自然语言处理", "智能控制", "智能制造"),
    "大数据": ("数据治理", "云计算", "工业互联网", "数据安全"),
    "互联网与电子商务": ("电子商务", "移动互联网", "数字营销", "供应链数字化"),
    "生物医药": ("创新药", "医疗器械", "生物制造", "中医药"),
    "节能环保": ("节能技术", "污染治理", "资源循环利用", "环境监测"),
}

#: Fields of 卡脖子 key technologies (editorial): few experts hold them, and most 卡脖子关键技术
#: problems need one of them — so the matching meets real shortages.
SCARCE_FIELDS: tuple[str, ...] = ("集成电路", "航空发动机", "数控机床")
_KEEP_SCARCE = 0.15
_SCARCE_DEMAND = 0.6

#: The seed's key regions (重点区域: 京津冀协同, 长三角一体化, 粤港澳大湾区, 东北全面振兴, 中部崛起)
#: -> province -> cities used for names. 安徽 counts in 长三角 (一体化), not twice in 中部.
KEY_REGIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "京津冀": {"北京": ("北京",), "天津": ("天津",), "河北": ("石家庄", "唐山", "保定")},
    "长三角": {"上海": ("上海",), "江苏": ("南京", "苏州", "无锡", "常州"), "浙江": ("杭州", "宁波", "嘉兴"),
              "安徽": ("合肥", "芜湖")},
    "粤港澳大湾区": {"广东": ("广州", "深圳", "佛山", "东莞", "珠海")},
    "东北": {"辽宁": ("沈阳", "大连"), "吉林": ("长春",), "黑龙江": ("哈尔滨",)},
    "中部": {"山西": ("太原",), "河南": ("郑州", "洛阳"), "湖北": ("武汉",), "湖南": ("长沙",), "江西": ("南昌",)},
}
#: Provinces outside the key regions where experts also work (region ``其他地区``).
OTHER_PROVINCES: tuple[str, ...] = ("山东", "福建", "四川", "重庆", "陕西", "甘肃", "云南", "广西")
OTHER_REGION = "其他地区"

#: Enterprise tiers: 龙头 (task 1, 4), 专精特新 (task 5) and other SMEs, with their synthetic counts.
TIERS: tuple[tuple[str, str, int], ...] = (("leading", "龙头企业", 200), ("specialized", "专精特新企业", 300),
                                           ("sme", "中小企业", 500))
#: The seed's 创新技术难题榜 categories (task 3).
PROBLEM_CATEGORIES: tuple[str, ...] = ("行业共性技术", "卡脖子关键技术", "竞争短板技术", "提质增效核心技术")
#: Services named by the seed (tasks 1-2), used for the societies' service ties.
SERVICES: tuple[str, ...] = ("技术难题联合研发", "数字化诊断", "标准制定", "检验检测", "知识产权布局")

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬鹏斌宇浩凯健俊帆帅旭宁琳晨欣博文海波"
_REGION_SHARES = {"京津冀": 0.18, "长三角": 0.30, "粤港澳大湾区": 0.22, "东北": 0.12, "中部": 0.18}
_MUNICIPALITIES = frozenset({"北京", "天津", "上海", "重庆"})
_SOCIETY_SUFFIXES = ("学会", "工程学会", "技术学会")
_N_SOCIETIES, _N_ENTERPRISES, _N_EXPERTS = 100, 1000, 10_000
_EXPERT_SECTORS = ("academia", "research", "industry")


def cast_service_action(*, n_problems: int = 3000, seed: int = 0) -> Ecosystem:
    """中国科协"百千万"服务区域发展行动: 100 national societies, 1,000 enterprises, 10,000 experts.

    Real (seed 002): the action's three figures — **100** backbone national societies (百家骨干
    全国学会, kind ``society``), **1,000** served enterprises (千家企业, each served by at least
    one society) and **10,000** scientists and engineers (万名科技工作者, kind ``expert``, each a
    member of a society); the key regions 京津冀, 长三角, 粤港澳大湾区, 东北, 中部 where the
    enterprises are (every enterprise's ``region``); the disciplines the seed names (电子信息,
    航空航天, 机械制造, 能源化工, 电子商务, 大数据, 新材料, 人工智能, 互联网); the enterprise kinds
    it addresses (龙头 leading firms, 专精特新 and other SMEs); the services (技术难题联合研发,
    数字化诊断, 标准制定, 检验检测, 知识产权布局); the four categories of the 创新技术难题榜; the
    roles of 中国科协 (the national societies are its members), of the local associations
    (地方科协: the demand survey, 需求摸底, ``serves`` with ``service="需求摸底"``) and "一省一案"
    (one provincial association per province of the key regions).

    Synthetic (``seed``): everything else — the field list under each discipline
    (:data:`DISCIPLINES`; 生物医药 and 节能环保 are editorial), society names (``中国{field}学会``,
    ``named_in_source=False``), their fields, the split of experts over societies (at least 30
    each), each expert's name, fields (the society's main field, often its second field,
    sometimes one of another discipline), ``capacity`` (1, 2 or 3 problems at once), sector,
    province and a second membership (8 %); the enterprises' tiers (200 leading, 300 专精特新,
    500 other SMEs), regions (18/30/22/12/18 %), provinces, disciplines, names and radiation
    provinces (``radiation_provinces``: a leading firm radiates into its whole region and one
    more province, a 专精特新 firm into one more province of its region, an SME into its own);
    the societies' service ties (1 to 3 societies per enterprise, mostly of its discipline) and
    the ``n_problems`` open technical problems (``kind="problem"``, posed by the enterprises,
    each needing one or two fields). 卡脖子 key technologies are short of experts: only 15 % of
    the experts who would hold one of :data:`SCARCE_FIELDS` (集成电路, 航空发动机, 数控机床) do, and
    60 % of the 卡脖子关键技术 problems need one of them.

    Parameters
    ----------
    n_problems : int
        Open technical problems posed by the 1,000 enterprises (0 to 100,000).
    seed : int
        Seed of the synthetic parts.

    Returns
    -------
    Ecosystem

    Raises
    ------
    DatasetError
        ``n_problems`` out of range.

    Examples
    --------
    >>> eco = cast_service_action(n_problems=10)
    >>> [len(eco.nodes(k)) for k in ("society", "enterprise", "expert", "problem")]
    [100, 1000, 10000, 10]
    """
    if not 0 <= n_problems <= 100_000:
        raise DatasetError(f"cast_service_action: n_problems={n_problems}; expected 0 to 100000",
                           field="n_problems", value=n_problems)
    rng = np.random.default_rng(seed)
    eco = Ecosystem(name="cast_service_action", title_zh="中国科协“百千万”科技服务行动", title_en="CAST hundred-thousand-ten-thousand science and technology service action",
                    source=SOURCE, seed=seed, year=2019,
                    societies=_N_SOCIETIES, enterprises=_N_ENTERPRISES, experts=_N_EXPERTS,
                    key_regions=list(KEY_REGIONS), disciplines=list(DISCIPLINES))
    eco.add_org("cast", "中国科学技术协会", kind="association", role="organiser")
    provinces = [p for region in KEY_REGIONS.values() for p in region]
    local_ids = [f"cast_local_{i:02d}" for i in range(1, len(provinces) + 1)]
    local_of = dict(zip(provinces, local_ids))
    eco.add_orgs(local_ids, [f"{p}{'市' if p in _MUNICIPALITIES else '省'}科学技术协会" for p in provinces], kind="association",
                 province=provinces, region=[REGION_OF[p] for p in provinces], role=["local"] * len(provinces))
    eco.add_relations(local_ids, ["cast"] * len(local_ids), "part_of")

    society_ids, society_fields, society_discipline = _add_societies(eco)
    enterprise_ids, enterprise_discipline, enterprise_province = _add_enterprises(eco, rng)
    _add_experts(eco, rng, society_ids, society_fields)
    _add_service_ties(eco, rng, society_ids, society_discipline, enterprise_ids, enterprise_discipline)
    eco.add_relations([local_of[p] for p in enterprise_province], enterprise_ids, "serves",
                      service=["需求摸底"] * len(enterprise_ids), year=[2019] * len(enterprise_ids))
    _add_problems(eco, rng, n_problems, enterprise_ids, enterprise_discipline)
    return eco


KEY_REGIONS_CITIES: dict[str, tuple[str, ...]] = {p: c for region in KEY_REGIONS.values() for p, c in region.items()}
REGION_OF: dict[str, str] = {p: r for r, region in KEY_REGIONS.items() for p in region}
_FIELDS: tuple[str, ...] = tuple(f for fields in DISCIPLINES.values() for f in fields)


def _add_societies(eco: Ecosystem) -> tuple[list[str], list[list[str]], list[str]]:
    """Ten societies per discipline; society k leads field k % 4 and also covers the next one."""
    ids, names, fields, disciplines = [], [], [], []
    for d, (discipline, own) in enumerate(DISCIPLINES.items()):
        for k in range(_N_SOCIETIES // len(DISCIPLINES)):
            ids.append(f"society_{d * 10 + k + 1:03d}")
            names.append(f"中国{own[k % 4]}{_SOCIETY_SUFFIXES[k // 4]}")
            fields.append([own[k % 4], own[(k + 1) % 4]])
            disciplines.append(discipline)
    eco.add_orgs(ids, names, kind="society", discipline=disciplines, fields=fields, national=[True] * len(ids),
                 named_in_source=[False] * len(ids))
    eco.add_relations(ids, ["cast"] * len(ids), "member_of", role=["全国学会"] * len(ids))
    return ids, fields, disciplines


def _add_enterprises(eco: Ecosystem, rng: np.random.Generator) -> tuple[list[str], list[str], list[str]]:
    n = _N_ENTERPRISES
    regions = list(KEY_REGIONS)
    per_region = rng.multinomial(n, [_REGION_SHARES[r] for r in regions])
    region = np.repeat(np.arange(len(regions)), per_region)
    province = [list(KEY_REGIONS[regions[r]])[rng.integers(len(KEY_REGIONS[regions[r]]))] for r in region.tolist()]
    tier = np.repeat(np.arange(len(TIERS)), [t[2] for t in TIERS])[rng.permutation(n)]
    disciplines = list(DISCIPLINES)
    discipline = [disciplines[i] for i in rng.integers(len(disciplines), size=n).tolist()]
    names = [""] * n
    by_place: dict[tuple[str, ...], list[int]] = {}
    for i, p in enumerate(province):
        by_place.setdefault(KEY_REGIONS_CITIES[p], []).append(i)
    for places, members in by_place.items():  # names start with a city of the firm's province
        for i, name in zip(members, firm_names(rng, len(members), _TRADES, places=places)):
            names[i] = name
    radiation = []
    for p, t in zip(province, tier.tolist()):
        home = list(KEY_REGIONS[REGION_OF[p]])
        others = [q for q in home if q != p]
        if TIERS[t][0] == "leading":
            outside = [q for q in REGION_OF if REGION_OF[q] != REGION_OF[p]]
            radiation.append([p, *others, outside[rng.integers(len(outside))]])
        elif TIERS[t][0] == "specialized" and others:
            radiation.append([p, others[rng.integers(len(others))]])
        else:
            radiation.append([p])
    ids = [f"cast_firm_{i:04d}" for i in range(1, n + 1)]
    tiers = [TIERS[t][0] for t in tier.tolist()]
    eco.add_orgs(ids, names, kind="enterprise", tier=tiers, tier_name=[TIERS[t][1] for t in tier.tolist()],
                 leading=[t == "leading" or None for t in tiers],
                 specialized=[t == "specialized" or None for t in tiers],
                 sme=[t != "leading" or None for t in tiers],
                 region=[regions[r] for r in region.tolist()], province=province, discipline=discipline,
                 radiation_provinces=radiation)
    return ids, discipline, province


_TRADES = ("电子", "智能科技", "新材料", "精密机械", "能源", "化工", "信息技术", "航空科技", "生物科技", "环保科技",
           "数据科技", "装备")


def _add_experts(eco: Ecosystem, rng: np.random.Generator, society_ids: list[str],
                 society_fields: list[list[str]]) -> None:
    n = _N_EXPERTS
    sizes = split_total(rng, n, len(society_ids), minimum=30, concentration=1.5)
    society = np.repeat(np.arange(len(society_ids)), sizes)
    second_field = rng.random(n) < 0.5
    cross = rng.random(n) < 0.25
    cross_field = rng.integers(len(_FIELDS), size=n)
    keep_scarce = rng.random(n) < _KEEP_SCARCE
    fields = []
    for s, two, other, f, keep in zip(society.tolist(), second_field.tolist(), cross.tolist(), cross_field.tolist(),
                                      keep_scarce.tolist()):
        own = society_fields[s][:2 if two else 1]
        own = own + [_FIELDS[f]] if other and _FIELDS[f] not in own else own
        if not keep:  # few experts hold a 卡脖子 field; the others have their society's other field instead
            other_field = next(x for x in society_fields[s] if x not in SCARCE_FIELDS)
            own = list(dict.fromkeys(other_field if x in SCARCE_FIELDS else x for x in own))
        fields.append(own)
    capacity = rng.choice([1, 2, 3], size=n, p=[0.6, 0.3, 0.1])
    sector = rng.choice(len(_EXPERT_SECTORS), size=n, p=[0.45, 0.35, 0.2])
    key_provinces = list(REGION_OF)
    in_key = rng.random(n) < 0.75
    province = [key_provinces[rng.integers(len(key_provinces))] if k else OTHER_PROVINCES[rng.integers(len(OTHER_PROVINCES))]
                for k in in_key.tolist()]
    surname = rng.integers(len(_SURNAMES), size=n)
    given = rng.integers(len(_GIVEN), size=(n, 2))
    two_chars = rng.random(n) < 0.6
    names = [_SURNAMES[s] + _GIVEN[g[0]] + (_GIVEN[g[1]] if t else "")
             for s, g, t in zip(surname.tolist(), given.tolist(), two_chars.tolist())]
    # ids run through the sectors in turn, so that each sector is one add_orgs batch
    order = np.argsort(sector, kind="stable")
    society, capacity, sector = society[order], capacity[order], sector[order]
    fields, province, names = ([column[i] for i in order.tolist()] for column in (fields, province, names))
    ids = [f"expert_{i:05d}" for i in range(1, n + 1)]
    for code, name in enumerate(_EXPERT_SECTORS):
        rows = np.flatnonzero(sector == code).tolist()
        eco.add_orgs([ids[i] for i in rows], [names[i] for i in rows], kind="expert", sector=name,
                     fields=[fields[i] for i in rows], capacity=capacity[rows].tolist(),
                     province=[province[i] for i in rows], region=[REGION_OF.get(province[i], OTHER_REGION) for i in rows])
    eco.add_relations(ids, [society_ids[s] for s in society.tolist()], "member_of", role=["会员"] * n)
    # a second society of the same discipline for 8 % of the experts
    second = np.flatnonzero(rng.random(n) < 0.08)
    shift = rng.integers(1, 10, size=len(second))
    per = _N_SOCIETIES // len(DISCIPLINES)
    others = [(s // per) * per + (s % per + k) % per for s, k in zip(society[second].tolist(), shift.tolist())]
    eco.add_relations([ids[i] for i in second.tolist()], [society_ids[s] for s in others], "member_of",
                      role=["会员"] * len(second))


def _add_service_ties(eco: Ecosystem, rng: np.random.Generator, society_ids: list[str], society_discipline: list[str],
                      enterprise_ids: list[str], enterprise_discipline: list[str]) -> None:
    """1-3 distinct societies serve each enterprise; each is of the enterprise's discipline with p = 0.8."""
    n, per = len(enterprise_ids), _N_SOCIETIES // len(DISCIPLINES)
    first_of = {d: society_discipline.index(d) for d in DISCIPLINES}
    base = np.array([first_of[d] for d in enterprise_discipline])
    own = base[:, None] + rng.random((n, per)).argsort(axis=1)[:, :3]  # three distinct societies of the discipline
    anywhere = rng.integers(len(society_ids), size=(n, 3))
    picks = np.where(rng.random((n, 3)) < 0.8, own, anywhere)
    wanted = 1 + rng.binomial(2, 0.4, size=n)
    service = rng.integers(len(SERVICES), size=(n, 3))
    sources, targets, services = [], [], []
    for firm, row, k, kinds in zip(enterprise_ids, picks.tolist(), wanted.tolist(), service.tolist()):
        for s in dict.fromkeys(row[:k]):  # a repeated pick is one tie
            sources.append(society_ids[s])
            targets.append(firm)
            services.append(SERVICES[kinds[len(services) % 3]])
    eco.add_relations(sources, targets, "serves", service=services, year=[2019] * len(sources))


def _add_problems(eco: Ecosystem, rng: np.random.Generator, n: int, enterprise_ids: list[str],
                  enterprise_discipline: list[str]) -> None:
    """Problems spread over the enterprises; the first field is mostly of the firm's discipline."""
    if n == 0:
        return
    per_firm = split_total(rng, n, len(enterprise_ids), minimum=0, concentration=1.0)
    firm = np.repeat(np.arange(len(enterprise_ids)), per_firm)
    own = rng.random(n) < 0.7
    own_pick = rng.integers(4, size=n)
    any_pick = rng.integers(len(_FIELDS), size=n)
    two = rng.random(n) < 0.35
    second_pick = rng.integers(len(_FIELDS), size=n)
    category = [PROBLEM_CATEGORIES[c] for c in rng.choice(len(PROBLEM_CATEGORIES), size=n, p=[0.35, 0.15, 0.2, 0.3])]
    scarce = rng.random(n) < _SCARCE_DEMAND
    scarce_pick = rng.integers(len(SCARCE_FIELDS), size=n)
    fields = []
    for f, o, op, ap, t, sp, c, sc, spk in zip(firm.tolist(), own.tolist(), own_pick.tolist(), any_pick.tolist(),
                                                two.tolist(), second_pick.tolist(), category, scarce.tolist(),
                                                scarce_pick.tolist()):
        if c == "卡脖子关键技术" and sc:
            first = SCARCE_FIELDS[spk]
        else:
            first = DISCIPLINES[enterprise_discipline[f]][op] if o else _FIELDS[ap]
        fields.append([first, _FIELDS[sp]] if t and _FIELDS[sp] != first else [first])
    ids = [f"cast_problem_{i:05d}" for i in range(1, n + 1)]
    titles = [f"{'、'.join(fs)}：{c}难题" for fs, c in zip(fields, category)]
    eco.add_orgs(ids, titles, kind="problem", fields=fields, category=category, status=["open"] * n)
    eco.add_relations([enterprise_ids[f] for f in firm.tolist()], ids, "poses", year=[2019] * n)
