"""Chinese and English names of the vocabulary: the one table loaders, diagrams and reports share.

Every built-in kind, sector, ring, relation type, role, level and flag has a Chinese label (what
planners write and read) and an English one. Loaders read either (plus a few common Chinese
synonyms, :data:`ALIASES`) and store the canonical key; diagrams and reports print the label.
Column headers of planner files (``编号``, ``名称``, ``起点`` ...) are in :data:`FIELD_LABELS`.

Examples
--------
>>> label(KIND_LABELS, "research_institute"), label(KIND_LABELS, "research_institute", "en")
('科研院所', 'research institute')
>>> canonical("kind", "高校"), canonical("kind", "research institute"), canonical("ring", "协同创新圈")
('university', 'research_institute', 'collaboration')
>>> closest("enterprize", DEFAULT_KIND_KEYS)
'enterprise'
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = [
    "LANGS",
    "plural",
    "KIND_LABELS",
    "SECTOR_LABELS",
    "INDUSTRY_LABELS",
    "RING_LABELS",
    "RELATION_LABELS",
    "ROLE_LABELS",
    "LEVEL_LABELS",
    "FLAG_LABELS",
    "FIELD_LABELS",
    "ATTRIBUTE_LABELS",
    "MONEY_FIELDS",
    "MEASURE_LABELS",
    "METRIC_LABELS",
    "EXTENDED_KIND_LABELS",
    "EXTENDED_RELATION_LABELS",
    "KIND_LABELS_SHOWN",
    "RELATION_LABELS_SHOWN",
    "STAGE_LABELS",
    "ALIASES",
    "DEFAULT_KIND_KEYS",
    "label",
    "bilingual",
    "canonical",
    "closest",
    "is_chinese",
    "attribute_label",
    "ecosystem_title",
]

#: Output languages: Chinese, English, or both side by side.
LANGS = ("zh", "en", "zh+en")

#: key -> (Chinese, English)
Labels = Mapping[str, tuple[str, str]]

KIND_LABELS: dict[str, tuple[str, str]] = {
    "government": ("政府部门", "government"),
    "enterprise": ("企业", "enterprise"),
    "university": ("高校", "university"),
    "research_institute": ("科研院所", "research institute"),
    "association": ("行业协会", "association"),
    "society": ("学会", "society"),
    "productivity_center": ("生产力促进中心", "productivity centre"),
    "service_org": ("服务机构", "service organisation"),
    "finance": ("金融机构", "finance"),
    "platform": ("平台", "platform"),
    "alliance": ("联盟", "alliance"),
    "district": ("片区", "district"),
    "expert": ("科技工作者", "expert"),
    "problem": ("技术难题", "technical problem"),
    "federation": ("社会组织联合会", "federation"),
}
DEFAULT_KIND_KEYS: tuple[str, ...] = tuple(KIND_LABELS)
SECTOR_LABELS: dict[str, tuple[str, str]] = {
    "government": ("政府", "government"),
    "industry": ("产业", "industry"),
    "academia": ("高校", "academia"),
    "research": ("科研", "research"),
    "intermediary": ("中介服务", "intermediary"),
    "finance": ("金融", "finance"),
}
#: The built-in datasets' industry codes (the ``industry`` attribute of firms).
INDUSTRY_LABELS: dict[str, tuple[str, str]] = {
    "motor": ("电机", "motor"),
    "motor_control": ("电机控制", "motor control"),
    "motor_user": ("电机用户", "motor users"),
    "driven_equipment": ("被驱动设备", "driven equipment"),
    "biopharma": ("生物医药", "biopharma"),
}
RING_LABELS: dict[str, tuple[str, str]] = {
    "core": ("核心", "core"),
    "core_ring": ("核心圈", "core ring"),
    "collaboration": ("协同创新圈", "collaboration ring"),
    "radiation": ("辐射圈", "radiation ring"),
}
RELATION_LABELS: dict[str, tuple[str, str]] = {
    "in_ring": ("圈层成员", "ring member"),
    "chain_member": ("链成员", "chain member"),
    "member_of": ("会员", "member of"),
    "part_of": ("隶属", "part of"),
    "serves": ("服务", "serves"),
    "collaborates": ("合作", "collaborates"),
    "funds": ("资助", "funds"),
    "poses": ("提出难题", "poses"),
}
ROLE_LABELS: dict[str, tuple[str, str]] = {
    "anchor": ("依托单位", "anchor"),
    "member": ("成员单位", "member"),
}
LEVEL_LABELS: dict[str, tuple[str, str]] = {
    "national": ("国家级", "national"),
    "industry": ("行业级", "industry"),
    "local": ("地方级", "local"),
}
FLAG_LABELS: dict[str, tuple[str, str]] = {
    "listed": ("上市", "listed"),
    "leading": ("龙头", "leading"),
    "specialized": ("专精特新", "specialised"),
    "high_tech": ("高新技术", "high-tech"),
    "sme": ("中小企业", "SME"),
}
#: Column headers of planner files (CSV, Excel): the structural columns and the usual attributes.
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "id": ("编号", "id"),
    "name": ("名称", "name"),
    "kind": ("类型", "kind"),
    "sector": ("部门", "sector"),
    "source": ("起点", "source"),
    "target": ("终点", "target"),
    "type": ("关系", "type"),
    "key": ("键", "key"),
    "ring": ("圈层", "ring"),
    "role": ("角色", "role"),
    "stages": ("所在环节", "stages"),
    "capacity": ("服务能力", "capacity"),
    "since": ("加入年份", "since"),
    "count": ("服务次数", "count"),
    "revenue": ("收入", "revenue"),
    "amount": ("金额", "amount"),
    "year": ("年份", "year"),
    "service": ("服务内容", "service"),
    "project": ("项目", "project"),
    "weight": ("权重", "weight"),
    "alliance": ("联盟", "alliance"),
    "stage": ("环节", "stage"),
    "stage_name": ("环节名称", "stage name"),
    "industry": ("行业", "industry"),
    "region": ("地区", "region"),
    "level": ("级别", "level"),
    "staff": ("员工人数", "staff"),
    "founded": ("成立时间", "founded"),
    **FLAG_LABELS,
}

#: Attributes that datasets and planner files commonly carry, as report columns; ``<attribute>_<year>``
#: reads "<year>年<label>" (:func:`attribute_label`).
ATTRIBUTE_LABELS: dict[str, tuple[str, str]] = {
    "backbone_output_share": ("骨干企业产值占比", "backbone output share"),
    "first_batch_pilots": ("首批试点企业数", "first-batch pilots"),
    "national_standards": ("国家标准数", "national standards"),
    "sub_platforms": ("子平台数", "sub-platforms"),
    "subsidised_makers": ("获补贴企业数", "subsidised makers"),
    "subsidy_yuan": ("补贴金额", "subsidy"),
    "target_population": ("目标企业数", "target population"),
    "trainees": ("培训人次", "trainees"),
    "trainings": ("培训场次", "trainings"),
    "yx3_makers": ("YX3 高效电机生产企业数", "YX3 makers"),
    "yx3_promotion_kw": ("YX3 推广功率（千瓦）", "YX3 promotion (kW)"),
    "yx3_promotion_share": ("YX3 推广占比", "YX3 promotion share"),
    "total_assets": ("总资产", "total assets"),
    "paid_in_capital": ("实收资本", "paid-in capital"),
    "business_revenue": ("营业收入", "business revenue"),
    "main_revenue": ("主营业务收入", "main revenue"),
    "revenue_per_head": ("人均收入", "revenue per head"),
    "firms_served": ("服务企业数", "firms served"),
    "tech_services": ("技术服务次数", "technical services"),
    "consulting": ("咨询服务次数", "consulting"),
    "ip_services": ("知识产权服务次数", "IP services"),
    "startup_services": ("创业服务次数", "start-up services"),
    "finance_services": ("投融资服务次数", "finance services"),
    "training_services": ("培训服务次数", "training services"),
    "bachelor_share": ("本科以上学历占比", "bachelor's share"),
    "report_timeliness": ("报送及时性", "report timeliness"),
    "industry_events": ("行业活动次数", "industry events"),
    "publicity_items": ("宣传报道数", "publicity items"),
    "management_rules": ("管理制度", "management rules"),
    "business_model": ("商业模式", "business model"),
    "capacity_building": ("能力建设", "capacity building"),
    "office_area_m2": ("办公面积（平方米）", "office area (m²)"),
    "years_registered": ("注册年数", "years registered"),
}
#: Kinds and relation types that some datasets add to their vocabulary (labels for reading; the
#: default vocabulary stays as above).
EXTENDED_KIND_LABELS: dict[str, tuple[str, str]] = {
    "policy": ("政策", "policy"),
    "park": ("园区", "park"),
}
EXTENDED_RELATION_LABELS: dict[str, tuple[str, str]] = {
    "accepts": ("受理", "accepts"),
    "requires": ("涉及部门", "requires"),
    "administers": ("主管", "administers"),
    "merged_into": ("并入", "merged into"),
    "replaces": ("取代窗口", "replaces"),
    "cultivated_by": ("纳入培育", "cultivated by"),
    "reports": ("报送", "reports"),
}
#: What reports and diagrams show: the default vocabulary and the datasets' additions.
KIND_LABELS_SHOWN = {**KIND_LABELS, **EXTENDED_KIND_LABELS}
RELATION_LABELS_SHOWN = {**RELATION_LABELS, **EXTENDED_RELATION_LABELS}
ATTRIBUTE_LABELS.update({
    "briefings": ("政策宣讲场次", "briefings"),
    "forum_participants": ("论坛参加人数", "forum participants"),
    "matters_at_least": ("受理事项数（至少）", "matters (at least)"),
    "matters_growth": ("受理事项增长", "growth of matters"),
    "newsletter_firms_at_least": ("简报覆盖企业数（至少）", "newsletter firms (at least)"),
    "newsletter_issues": ("简报期数", "newsletter issues"),
    "policies_accepted": ("受理政策数", "policies accepted"),
    "policies_approved": ("审批政策数", "policies approved"),
    "rd_deduction_projects": ("研发费用加计扣除项目数", "R&D deduction projects"),
    "rd_expenses": ("研发费用", "R&D expenses"),
    "window_since": ("窗口设立年份", "window since"),
    "academies": ("研究院数", "academies"),
    "firms_served_at_least": ("服务企业数（至少）", "firms served (at least)"),
    "industry_centres": ("行业级中心数", "industry centres"),
    "national_centres": ("国家级中心数", "national centres"),
    "windows": ("窗口数", "windows"),
})
#: Measures of :func:`ecograph.changes` growth rows (``clients.<flag>`` counts the clients with the flag).
MEASURE_LABELS: dict[str, tuple[str, str]] = {
    "relations": ("关系数", "relations"),
    "count": ("次数", "count"),
    "clients": ("服务对象数", "clients"),
    "clients.sme": ("中小企业服务对象数", "SME clients"),
    "revenue": ("收入", "revenue"),
    "rd_expense": ("研发费用（元）", "R&D expense"),
}
#: Node metrics diagrams size by (``--size-by``) and panels follow over time.
METRIC_LABELS: dict[str, tuple[str, str]] = {
    "degree": ("关系数", "degree"),
    "pagerank": ("PageRank（影响力）", "PageRank"),
    "betweenness": ("中介中心度", "betweenness"),
    "closeness": ("接近中心度", "closeness"),
    "harmonic": ("调和中心度", "harmonic centrality"),
    "eigenvector": ("特征向量中心度", "eigenvector centrality"),
    "katz": ("Katz 中心度", "Katz centrality"),
    "reach": ("触达数", "reach"),
    "core_number": ("核数", "core number"),
    "onion_layers": ("洋葱层", "onion layer"),
    "constraint": ("结构约束", "constraint"),
    "effective_size": ("有效规模", "effective size"),
}
#: Money attributes and columns, in yuan (reports show 万元 in Chinese; files keep yuan).
MONEY_FIELDS: frozenset[str] = frozenset({
    "revenue", "amount", "subsidy_yuan", "rd_expense", "total_assets", "paid_in_capital", "business_revenue",
    "main_revenue", "revenue_per_head", "reward",
})
#: Stages of chain alliances that the built-in datasets and the literature use.
STAGE_LABELS: dict[str, tuple[str, str]] = {
    "discovery": ("药物发现", "discovery"),
    "screening": ("药物筛选", "screening"),
    "pharmacology": ("药理评估", "pharmacology"),
    "clinical": ("临床研究", "clinical"),
    "process": ("工艺研究", "process"),
    "pilot_scale_up": ("中试放大", "pilot scale-up"),
    "registration": ("注册认证", "registration"),
    "production": ("批量生产", "production"),
    "market": ("药品上市", "market"),
    "rd": ("研发", "R&D"),
    "pilot": ("中试", "pilot"),
}

#: More words accepted on input, per category (the labels above are always accepted).
ALIASES: dict[str, dict[str, str]] = {
    "kind": {
        "政府": "government", "企业单位": "enterprise", "公司": "enterprise", "大学": "university",
        "院校": "university", "科研机构": "research_institute", "研究院": "research_institute",
        "研究所": "research_institute", "协会": "association", "商会": "association",
        "生产力中心": "productivity_center", "中介机构": "service_org", "金融": "finance",
        "服务平台": "platform", "产业联盟": "alliance", "链式联盟": "alliance",
        "专家": "expert", "科技人员": "expert", "难题": "problem",
    },
    "sector": {"政": "government", "产": "industry", "学": "academia", "研": "research",
               "金": "finance", "介": "intermediary", "中介": "intermediary", "企业": "industry",
               "科研院所": "research"},
    "ring": {"平台核心": "core", "协同圈": "collaboration"},
    "type": {"属于圈层": "in_ring", "链式成员": "chain_member", "会员单位": "member_of", "成员": "member_of",
             "上级": "part_of"},
    "role": {"成员": "member"},
    "field": {"ID": "id", "id号": "id", "单位名称": "name", "机构名称": "name", "机构类型": "kind",
              "类别": "kind", "领域": "sector", "来源": "source", "目标": "target", "关系类型": "type",
              "阶段": "stage", "阶段名称": "stage_name"},
}

_TABLES: dict[str, Labels] = {
    "kind": KIND_LABELS, "sector": SECTOR_LABELS, "ring": RING_LABELS, "type": RELATION_LABELS,
    "role": ROLE_LABELS, "level": LEVEL_LABELS, "field": FIELD_LABELS,
}


def _reverse(category: str) -> dict[str, str]:
    words: dict[str, str] = {}
    for key, (zh, en) in _TABLES[category].items():
        words.setdefault(key, key)
        words.setdefault(zh, key)
        words.setdefault(en, key)
    words.update(ALIASES.get(category, {}))
    return words


_WORDS: dict[str, dict[str, str]] = {category: _reverse(category) for category in _TABLES}


def plural(n: float, noun: str) -> str:
    """``noun`` (its last word) in the plural unless ``n`` is one: the one English plural rule of
    the project's messages and reports.

    Examples
    --------
    >>> plural(1, "organisation"), plural(2, "society"), plural(0, "chain alliance"), plural(3, "day")
    ('organisation', 'societies', 'chain alliances', 'days')
    """
    if n == 1:
        return noun
    if noun.endswith("y") and noun[-2:-1] not in ("a", "e", "o", "u"):
        return noun[:-1] + "ies"
    return noun + ("es" if noun.endswith(("s", "x", "ch", "sh")) else "s")


def label(table: Labels, key: str, lang: str = "zh") -> str:
    """``key``'s label in ``lang`` ("zh", "en" or "zh+en"); unknown keys show as themselves.

    Examples
    --------
    >>> label(RING_LABELS, "radiation", "zh+en"), label(RING_LABELS, "outer")
    ('辐射圈 radiation ring', 'outer')
    """
    zh, en = table.get(key, (key, key))
    if lang == "en":
        return en
    if lang == "zh+en" and zh != en:
        return f"{zh} {en}"
    return zh


def bilingual(zh: str, en: str, lang: str) -> str:
    """A phrase in ``lang`` (titles, axis labels, prose).

    Examples
    --------
    >>> bilingual("会员数", "members", "en")
    'members'
    """
    return label({"": (zh, en)}, "", lang)


def canonical(category: str, word: str) -> str | None:
    """The vocabulary key a planner's ``word`` stands for, or ``None``.

    Parameters
    ----------
    category : str
        ``kind``, ``sector``, ``ring``, ``type`` (relation type), ``role``, ``level`` or
        ``field`` (a column header).
    word : str
        A key, its Chinese or English label or an alias; case and inner blanks of English words
        are ignored (``Research Institute``).

    Examples
    --------
    >>> canonical("type", "合作"), canonical("field", "编号"), canonical("kind", "spaceship") is None
    ('collaborates', 'id', True)
    """
    words = _WORDS[category]
    if word in words:
        return words[word]
    folded = word.lower().replace("-", " ").replace("_", " ")
    for candidate, key in words.items():
        if candidate.lower().replace("-", " ").replace("_", " ") == folded:
            return key
    return None


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice most like ``word`` (a misspelling), or ``None`` when none is close.

    Examples
    --------
    >>> closest("colaborates", ["serves", "collaborates"]), closest("xyz", ["serves"])
    ('collaborates', None)
    """
    found = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return found[0] if found else None


_IDEOGRAPHS = re.compile("[\u3400-\u9fff]+")


def is_chinese(text: str) -> bool:
    """Whether ``text`` is mostly CJK ideographs (of its letters).

    Examples
    --------
    >>> is_chinese("上海电机平台"), is_chinese("Motor platform 1")
    (True, False)
    """
    if text.isalpha() and _IDEOGRAPHS.fullmatch(text):  # the common case, without a loop per character
        return True
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum("\u3400" <= c <= "\u9fff" for c in letters) * 2 > len(letters)


def attribute_label(name: str, lang: str = "zh") -> str | None:
    """The label of an attribute column, ``<attribute>_<year>`` included; ``None`` when unknown.

    Examples
    --------
    >>> attribute_label("trainees_2011"), attribute_label("trainees_2011", "en"), attribute_label("staff")
    ('2011年培训人次', 'trainees 2011', '员工人数')
    >>> attribute_label("rd_expenses_2011_yuan"), attribute_label("matters_2011_at_least")
    ('2011年研发费用', '2011年受理事项数（至少）')
    >>> attribute_label("x_2011") is None
    True
    """
    pair = FIELD_LABELS.get(name) or ATTRIBUTE_LABELS.get(name)
    if pair:
        return label({name: pair}, name, lang)
    words = name.split("_")
    years = [w for w in words if len(w) == 4 and w.isdigit()]
    stem = "_".join(w for w in words if w not in years)
    if stem.endswith("_yuan"):  # the unit goes into the header (phrases.column)
        stem = stem[: -len("_yuan")]
    pair = FIELD_LABELS.get(stem) or ATTRIBUTE_LABELS.get(stem)
    if pair is None or len(years) > 1 or stem == name:
        return None
    if not years:
        return label({stem: pair}, stem, lang)
    return f"{years[0]}年{pair[0]}" if lang == "zh" else f"{pair[1]} {years[0]}"


def ecosystem_title(eco: Any, lang: str = "zh") -> str:
    """What reports and diagrams call the ecosystem ``eco``: its ``title_zh`` / ``title_en``
    attribute in ``lang`` (Chinese for "zh+en"), else its name.

    Examples
    --------
    >>> from ecograph import Ecosystem
    >>> eco = Ecosystem(name="motor", title_zh="电机平台", title_en="Motor platform")
    >>> ecosystem_title(eco), ecosystem_title(eco, "en"), ecosystem_title(Ecosystem(name="demo"))
    ('电机平台', 'Motor platform', 'demo')
    """
    return eco.attrs.get("title_en" if lang == "en" else "title_zh") or eco.name
