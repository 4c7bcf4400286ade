"""Suzhou's industry associations serving its innovation clusters (seed document 004).

Source: 苏州日报 report on the 2023 长三角社会组织协同发展(苏州)大会 and the 调研报告 of the
市民政局 and 市社会组织总会 on 25 industry associations and chambers.
"""

from __future__ import annotations

import numpy as np

from ecograph.model import Ecosystem

from ._synth import choose, firm_names, split_total

__all__ = ["suzhou_associations", "SUZHOU_FIELDS"]

SOURCE = "seed 004: 苏州行业协会商会聚焦产业创新集群服务高质量发展(苏州日报)"
_SUZHOU_PLACES = ("苏州", "昆山", "常熟", "张家港", "太仓", "吴江", "吴中", "相城", "姑苏")

#: The four leading industries and three emerging service fields the 25 associations cover.
SUZHOU_FIELDS: tuple[str, ...] = ("电子信息", "装备制造", "生物医药", "先进材料", "数字服务", "知识服务", "现代文商旅")

# named in the document: id, name, field, members (None: not given)
_NAMED = (
    ("sz_robot", "苏州市机器人产业协会", "装备制造", None),
    ("sz_photonics", "苏州市光子产业协会", "电子信息", None),
    ("sz_ai", "苏州市人工智能行业协会", "数字服务", None),
    ("sz_design", "苏州市设计产业协会", "知识服务", None),
    ("sz_meddevice", "苏州市医疗器械行业协会", "生物医药", 528),
    ("sz_ic", "苏州市集成电路行业协会", "电子信息", None),
    ("sz_nano", "苏州市纳米新材料协会", "先进材料", None),
    ("sz_pharma", "苏州市医药行业协会", "生物医药", None),
)
# synthetic sub-fields for the 17 associations the document does not name
_UNNAMED = (
    ("新型显示", "电子信息"), ("软件和信息服务", "电子信息"), ("通信设备", "电子信息"),
    ("高端装备", "装备制造"), ("智能网联汽车", "装备制造"), ("航空航天", "装备制造"), ("工业母机", "装备制造"),
    ("生物技术药", "生物医药"), ("创新中药", "生物医药"),
    ("新能源材料", "先进材料"), ("高性能纤维", "先进材料"), ("先进金属材料", "先进材料"),
    ("数字金融", "数字服务"), ("工业互联网", "数字服务"),
    ("检验检测", "知识服务"), ("知识产权服务", "知识服务"),
    ("文化旅游", "现代文商旅"),
)
#: Synthetic: the share of member firms that also join a second association, the share of those
#: that join a third, and the chance that an extra membership stays in the firm's own field.
MULTI_SHARE, THIRD_SHARE, WITHIN_FIELD = 0.08, 0.1, 0.8

_TRADES = {
    "电子信息": ["电子", "光电", "半导体", "信息科技"], "装备制造": ["机械", "智能装备", "自动化", "精密"],
    "生物医药": ["生物", "医疗器械", "医药", "生命科技"], "先进材料": ["新材料", "材料科技", "纳米科技", "化学"],
    "数字服务": ["数字科技", "网络科技", "数据", "软件"], "知识服务": ["设计", "咨询", "检测", "知识产权"],
    "现代文商旅": ["文化", "旅游", "商贸", "传媒"],
}


def suzhou_associations(*, seed: int = 0) -> Ecosystem:
    """苏州产业创新集群 25 家行业协会商会 and their 11,849 member firms.

    Real (seed 004): 25 associations (8 named: 机器人, 光子, 人工智能, 设计产业, 医疗器械 with its
    528 members, 集成电路, 纳米新材料, 医药) over four leading industries and three service
    fields; 11,849 member firms, of which exactly 191 listed, 308 leading (龙头: unicorns,
    little giants), 292 专精特新 (``specialized``), 1,127 high-tech and 59 in the 2022 top-100
    private firms of Suzhou; the umbrella 市社会组织总会 and 市民政局 behind the joint report;
    named member firms (长光华医, 罗氏诊断(苏州), 新波生物, 贝康医疗; 汇博, 绿的谐波, 艾利特,
    北人), the robot association's research consortium (近10家 firms with 哈尔滨工业大学 and
    苏州大学) and the IC association's secretary-general unit 苏州纳米科技发展有限公司.

    Synthetic (``seed``): the 17 unnamed associations' sub-fields and names, the sizes of every
    association except 医疗器械 (summing to the real total), firm names, and which firms carry
    which flags (each flag's count is exact; flags overlap at random, ``specialized`` firms
    mostly also high-tech), and the overlap: every firm has a first association (its ``field``);
    :data:`MULTI_SHARE` (8 %, 948 firms) of the firms also join a second association and
    :data:`THIRD_SHARE` of those (95 firms) a third, each extra membership in the firm's own
    field with probability :data:`WITHIN_FIELD` (where the field has another association), else
    in another field. 医疗器械 takes no extra members (its 528 stay exact), so the 11,849 firms
    hold 11,849 + 1,043 memberships.

    Examples
    --------
    >>> eco = suzhou_associations()
    >>> len(eco.associations()), eco.kind_of("sz_federation"), sum(1 for n in eco if eco.node(n).get("listed"))
    (25, 'federation', 191)
    >>> len(eco.members("sz_meddevice")), eco.number_of_relations("member_of")
    (528, 12892)
    """
    rng = np.random.default_rng(seed)
    eco = Ecosystem(name="suzhou_associations", title_zh="苏州市行业协会及其会员", title_en="Suzhou industry associations and their members",
                    source=SOURCE, seed=seed, year=2023)
    # the umbrella of Suzhou's social organisations: a federation, not one of the 25 associations
    eco.add_org("sz_federation", "苏州市社会组织总会", kind="federation", role="umbrella")
    eco.add_org("sz_civil_affairs", "苏州市民政局", kind="government")
    associations = [(i, n, f, m, True) for i, n, f, m in _NAMED]
    associations += [(f"sz_assoc_{k:02d}", f"苏州市{sub}行业协会", field, None, False)
                     for k, (sub, field) in enumerate(_UNNAMED, 1)]
    for ident, name, field, _members, named in associations:
        eco.add_org(ident, name, kind="association", field=field, named_in_source=named)
        eco.add_relation("sz_federation", ident, "collaborates", project="产业创新集群服务高质量发展调研报告", year=2023)
    eco.add_relation("sz_civil_affairs", "sz_federation", "collaborates", project="产业创新集群服务高质量发展调研报告", year=2023)

    total, fixed = 11849, 528
    sizes = split_total(rng, total - fixed, len(associations) - 1, minimum=150, concentration=3.0)
    sizes.insert(4, fixed)  # 医疗器械 keeps its real 528
    owner = np.repeat(np.arange(len(associations)), sizes)
    ids = [f"sz_firm_{i:05d}" for i in range(1, total + 1)]
    fields = np.array([associations[a][2] for a in owner], dtype=object)
    names: list[str] = [""] * total
    for field in SUZHOU_FIELDS:  # trade words differ by field, so names are distinct overall
        where = np.flatnonzero(fields == field)
        for i, name in zip(where.tolist(), firm_names(rng, len(where), _TRADES[field], places=_SUZHOU_PLACES)):
            names[i] = name
    named_firms = {
        "sz_meddevice": ["苏州长光华医生物医学工程有限公司", "罗氏诊断产品(苏州)有限公司", "苏州新波生物技术有限公司",
                         "苏州贝康医疗器械有限公司"],
        "sz_robot": ["江苏汇博机器人技术股份有限公司", "苏州绿的谐波传动科技股份有限公司", "艾利特机器人(苏州)有限公司",
                     "苏州北人机器人系统股份有限公司"],
        "sz_ic": ["苏州纳米科技发展有限公司"],
    }
    flag_named = np.zeros(total, dtype=bool)
    for ident, firm_list in named_firms.items():
        start = int(np.flatnonzero(owner == [a[0] for a in associations].index(ident))[0])
        for offset, name in enumerate(firm_list):
            names[start + offset] = name
            flag_named[start + offset] = True
    high_tech = choose(rng, total, 1127)
    specialized = np.zeros(total, dtype=bool)  # 专精特新: 80 % drawn among high-tech firms
    in_ht = int(round(0.8 * 292))
    specialized[rng.choice(np.flatnonzero(high_tech), size=in_ht, replace=False)] = True
    specialized[rng.choice(np.flatnonzero(~high_tech), size=292 - in_ht, replace=False)] = True

    def flag(mask: np.ndarray) -> list[bool | None]:
        return [True if m else None for m in mask]

    eco.add_orgs(
        ids, names, field=fields.tolist(), listed=flag(choose(rng, total, 191)),
        leading=flag(choose(rng, total, 308)), specialized=flag(specialized), high_tech=flag(high_tech),
        private_top100=flag(choose(rng, total, 59)), named_in_source=flag(flag_named),
    )
    eco.add_relations(ids, [associations[a][0] for a in owner], "member_of")
    extra_firms, extra_associations = _extra_memberships(rng, owner, [a[2] for a in associations],
                                                          closed=[a[0] for a in associations].index("sz_meddevice"))
    eco.add_relations([ids[i] for i in extra_firms], [associations[a][0] for a in extra_associations], "member_of")
    robot_firms = np.flatnonzero(owner == 0)[:9]  # 近10家: 9 firms, the 4 named first
    for ident, name in (("hit", "哈尔滨工业大学"), ("suda", "苏州大学")):
        eco.add_org(ident, name, kind="university")
        eco.add_relations([ids[i] for i in robot_firms], [ident] * len(robot_firms), "collaborates",
                          project=["核心技术攻关联合体"] * len(robot_firms))
    return eco


def _extra_memberships(rng: np.random.Generator, owner: np.ndarray, fields: list[str],
                       closed: int) -> tuple[list[int], list[int]]:
    """(firm, association) pairs of the synthetic second and third memberships (see
    :func:`suzhou_associations`); association ``closed`` takes no extra member."""
    n_multi = round(MULTI_SHARE * len(owner))
    multi = np.sort(rng.choice(len(owner), size=n_multi, replace=False))
    third = set(rng.choice(multi, size=round(THIRD_SHARE * n_multi), replace=False).tolist())
    open_ = [a for a in range(len(fields)) if a != closed]
    firms: list[int] = []
    targets: list[int] = []
    for firm in multi.tolist():
        joined = {int(owner[firm])}
        for _ in range(2 if firm in third else 1):
            home = fields[int(owner[firm])]
            within = [a for a in open_ if fields[a] == home and a not in joined]
            across = [a for a in open_ if fields[a] != home and a not in joined]
            pool = within if within and rng.random() < WITHIN_FIELD else across
            choice = pool[int(rng.integers(len(pool)))]
            joined.add(choice)
            firms.append(firm)
            targets.append(choice)
    return firms, targets
