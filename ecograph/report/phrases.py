"""The report's words in Chinese and English: one catalogue for every section.

Section builders format result objects with :func:`say` (titles, prose); the writers translate
table headers with :func:`column` and vocabulary values (kinds, sectors, rings, relation types,
roles, levels) with :func:`value`, whose labels come from the one table :mod:`ecograph.labels`.
Translation is formatting only: the numbers come from the result objects, in both languages.

Examples
--------
>>> say("overview", "zh"), say("circle_layers", "en", name="P")
('概况', 'Circle layers: P')
>>> column("name", "zh"), column("pagerank", "zh"), value("kind", "university", "zh")
('名称', 'PageRank（影响力）', '高校')
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from ..labels import (
    INDUSTRY_LABELS, KIND_LABELS, KIND_LABELS_SHOWN, LEVEL_LABELS, METRIC_LABELS, MONEY_FIELDS, RELATION_LABELS_SHOWN, RING_LABELS,
    ROLE_LABELS, SECTOR_LABELS, STAGE_LABELS, attribute_label, is_chinese, label, plural,
)
from ..matching import REFUSAL_LABELS, STATUS_LABELS
from ..scoring import GRADE_LABELS

__all__ = ["LANGS", "TEXT", "COLUMNS", "CAPTIONS", "say", "column", "value", "caption", "is_money", "is_rate", "default_lang"]

#: Languages of a report.
LANGS = ("zh", "en")

#: key -> (Chinese template, English template), formatted with :meth:`str.format`.
TEXT: dict[str, tuple[str, str]] = {
    "report": ("生态系统分析报告：{name}", "ecograph report: {name}"),
    # overview
    "overview": ("概况", "Overview"),
    "overview.text": (
        "共 **{organisations:,}** 家机构、**{relations:,}** 项关系；平台 {platforms} 个，链式联盟 {alliances} 个，"
        "协会/学会 {associations} 个。",
        "**{organisations:,}** organisations and **{relations:,}** relations; {platforms|platform}, "
        "{alliances|chain alliance}, {associations|association}/societies.",
    ),
    # centrality
    "central": ("核心机构", "Central organisations"),
    "central.text": (
        "按全部关系计算 PageRank（影响力）最高的十家机构（{view}，共 {n:,} 家机构），及其中介中心度、度中心度和各项排名"
        "（并列者名次相同，标“并列”）。PageRank（影响力）衡量被联系紧密的机构所联系的程度；中介中心度标出处在最短路径上的"
        "“桥梁”机构（{highest}）{sampled}。",
        "The ten organisations with the highest PageRank over all relations ({view} view, {n:,|organisation}), "
        "with their betweenness and degree centrality and the rank on each (tied values share a rank, marked "
        "tied). PageRank rewards links from well-linked organisations; betweenness marks brokers on "
        "shortest paths ({highest}){sampled}.",
    ),
    "central.directed": ("有向", "directed"),
    "central.undirected": ("无向", "undirected"),
    "central.sampled": ("；由 {sources:,} 个抽样起点估计", "; estimated from {sources:,} sampled sources"),
    "central.nobody": ("没有机构位于其他两家机构之间的最短路径上", "no organisation lies on a shortest path between two others"),
    "central.highest": ("最高：{names}", "highest: {names}"),
    "central.shared": ("最高值由 {n} 家并列：{names}", "highest, shared by {n}: {names}"),
    # circle layers
    "circle_layers": ("圈层：{name}", "Circle layers: {name}"),
    "rings.members": ("**{name}** 的四个圈层共有 {total:,} 家成员（{sizes}）。",
                      "**{name}** has {total:,|member} in four circle layers ({sizes})."),
    "rings.radiation": ("辐射：{summary}。", "Radiation: {summary}."),
    "rings.no_target": ("没有可触达的目标群体", "no target population to reach"),
    "rings.reach_itself": ("核心本身是 {size:,} 家目标企业中的 {target:,} 家", "the core itself is {target:,} of {size:,} target firms"),
    "rings.reach_direct": ("核心直接触达 {size:,} 家目标企业中的 {target:,} 家（{share}）",
                           "the core reaches {target:,} of {size:,} target firms directly ({share})"),
    "rings.reach_within": ("{hop} 跳内触达 {target:,} 家（{share}）", "{target:,} within {hop|hop} ({share})"),
    "rings.no_radiation": ("未计算辐射：{reason}。", "Radiation not computed: {reason}."),
    "rings.inferred": (
        "按与核心的距离推断的圈层与申报的圈层对 {agreement} 的成员一致（Kendall τ-b = {tau:.2f}）；"
        "{disagreements:,} 家成员所处位置与申报不同。",
        "Rings inferred from distance to the core agree with the declared rings for {agreement} of the "
        "members (Kendall τ-b = {tau:.2f}); {disagreements:,|member} sit elsewhere than declared.",
    ),
    "rings.not_inferred": ("未推断圈层：{reason}。", "Rings not inferred: {reason}."),
    "rings.too_few": ("有成员的圈层少于两个", "fewer than two rings have members"),
    "rings.promotion": ("最适合进入协同创新圈的是：{name}（{reason}）。",
                        "Best placed to join the collaboration ring: {name} ({reason})."),
    "rings.tied": ("与{ties}有联系", "tied to {ties}"),
    "rings.figure": (
        "{name} 的圈层：核心 {core} 家、核心圈 {core_ring} 家、协同创新圈 {collaboration} 家、辐射圈 {radiation} 家，"
        "按类型着色、按度数定大小；浅色曲线为其联系。",
        "The circle layers of {name}: {core} core, {core_ring} core-ring, {collaboration} collaboration and "
        "{radiation} radiation members, coloured by kind and sized by degree; faint curves are their ties.",
    ),
    "rings.reach": ("辐射图统计核心在各跳数内触达的目标企业数（即上文的辐射）。",
                    "The reach chart counts the target firms the core reaches within each number of hops "
                    "(the radiation above)."),
    # chain alliances
    "chain": ("链式联盟：{name}", "Chain alliance: {name}"),
    "chain.members": ("**{name}**：{members} 家成员分布于 {n} 个环节（{stages}）。",
                      "**{name}**: {members|member} along {n|stage} ({stages})."),
    "chain.gaps": ("缺口（无成员的环节）：{gaps}。单点依赖环节：{single}。",
                   "Gaps (no member): {gaps}. Single points of failure: {single}."),
    "chain.none": ("无", "none"),
    "chain.bottlenecks": ("瓶颈{period}：{loads}。", "Bottlenecks{period}: {loads}."),
    "chain.period": ("（{key}：{value}）", " in {key} {value}"),
    "chain.load": ("{stage}（需求 {demand:,.0f}，能力 {capacity:,.1f}，负荷 {load:.2f}）",
                   "{stage} (demand {demand:,.0f} against capacity {capacity:,.1f}, load {load:.2f})"),
    "chain.anchor": ("依托单位 {name} 在工作网络中按中介中心度排第 {rank} 名（共 {members} 家成员），"
                     "跨环节中介 {cross:g} 对。",
                     "The anchor unit {name} ranks {rank} of {members|member} by betweenness in the working "
                     "network and brokers {cross:g|pair} across stages."),
    "chain.request": ("覆盖全链的需求拆分为 {tasks} 项任务{unserved}。",
                      "A request for the whole chain splits into {tasks|task}{unserved}."),
    "chain.unserved": ("；无人承接：{stages}", "; unserved: {stages}"),
    "chain.figure": ("{name}：{members} 家成员分布于 {stages} 个环节；{gaps} 个环节没有成员（缺口，红色）。依托单位以星号标出。",
                     "{name}: {members|member} along {stages|stage}; {gaps|stage} without any member (gaps, red). "
                     "The anchor unit is starred."),
    # associations
    "associations": ("协会与会员", "Associations and memberships"),
    "associations.text": (
        "{associations:,} 个协会共有会员 {memberships:,} 项，涉及 {members:,} 家不同会员单位：上市 {listed:,} 家、"
        "龙头 {leading:,} 家、专精特新 {specialized:,} 家、高新技术 {high_tech:,} 家。",
        "{associations:,|association} hold {memberships:,|membership} of {members:,|distinct member}: "
        "{listed:,} listed, {leading:,} leading (龙头), {specialized:,} 专精特新 and {high_tech:,} high-tech.",
    ),
    "associations.overlap": ("{pairs:,} 对协会有共同会员；重叠最多的是 {a} – {b}（共同会员 {shared:,} 家，Jaccard {jaccard:.2f}）。",
                             "{pairs:,|pair} of associations share members; the largest overlap is {a} – {b} "
                             "({shared:,} shared, Jaccard {jaccard:.2f})."),
    "associations.bridge": ("按{attr}跨组最多的会员：{name}（连接 {groups} 组）。",
                            "Best bridge across {attr}: {name} (links {groups|group})."),
    "associations.figure": ("每对协会的共同会员数（热力图），以及各协会会员中上市、龙头、专精特新、高新技术企业的占比。",
                            "Members shared by each pair of associations (heat map) and the share of each "
                            "association's members that are listed, leading (龙头), 专精特新 or high-tech."),
    # hierarchy
    "hierarchy": ("层级结构", "Hierarchy"),
    "hierarchy.text": ("层级结构共 {units:,} 个单位、{levels} 级；顶层单位 {roots} 个。",
                       "The hierarchy has {units:,|unit} in {levels|level}; {roots|root}."),
    "hierarchy.balance": ("{districts} 个片区，各含 {min:,.0f} 至 {max:,.0f} 家中心（平均 {mean:,.1f} 家，变异系数 {cv:.2f}，"
                          "基尼系数 {gini:.2f}）。",
                          "{districts|district} of {min:,.0f} to {max:,.0f} centres (mean {mean:,.1f}, CV {cv:.2f}, "
                          "Gini {gini:.2f})."),
    "hierarchy.proposal": ("按地区和行业均衡划分为 {districts} 个片区，与现有片区的调整兰德指数为 {ari:.2f}。",
                           "A balanced partition by region and industry into {districts|district} matches the "
                           "declared districts with adjusted Rand index {ari:.2f}."),
    "hierarchy.current_district": ("现有片区", "current district"),
    "hierarchy.figure": ("隶属（part_of）层级的旭日图：每一环为一级，每一扇区的大小与其下属单位数成正比；"
                         "单位过多的层级按类别（如中心级别）合并并注明数量。",
                         "The part_of hierarchy as a sunburst: each ring is one level, each wedge is proportional "
                         "to the units below it; crowded levels are grouped (e.g. by centre level) with their counts."),
    # evaluation
    "service_performance.text": (
        "共 {providers} 家服务机构。“服务次数”为服务记录数，“服务对象数”为不同服务对象数，“中小企业占比”为中小企业"
        "服务对象的占比，“收入”为服务收入合计（以万元显示，CSV 与 report.json 中为精确的元），“增长”为最近一年收入较上一年的增长，"
        "“触达”为该机构服务过的中小企业占全部中小企业的比例。",
        "{providers} service providers. `services` counts service records, `clients` distinct clients, "
        "`sme_share` the share of SME clients, `revenue` the summed service revenue (exact, in the unit of the "
        "data), `growth` revenue growth of the latest year over the year before, `reach` the share of all SMEs "
        "in the ecosystem that a provider served.",
    ),
    "centre_eligibility.text": (
        "{centres} 家中心中有 {passed} 家符合天津市市级生产力促进中心培育体系的准入条件（在津注册并运营两年以上、"
        "名称含“生产力”、本科以上学历人员占 {bachelor_share:.0%}、通过 ISO 9001 认证，以及企业型或事业型的相应门槛）。"
        "逐条列出未满足的条件；无数据的定性条件留待评审专家判断。",
        "{passed} of {centres|centre} meet the admission conditions of Tianjin's cultivation system "
        "(天津市市级生产力促进中心培育体系: registered in Tianjin and running {years}+ years, 生产力 in the name, {bachelor_share:.0%} "
        "bachelor's, ISO 9001, and the enterprise- or institution-type thresholds). Each failed condition is "
        "listed; qualitative conditions without data are left for the reviewers.",
    ),
    "centre_evaluation.text": (
        "{centres} 家生产力促进中心按 {indicators} 项指标评分（最小–最大标准化，熵权：{weights}），并按比例评定等级——"
        "优秀 {excellent:.0%}、良好 {good:.0%}、合格 {pass:.0%}、其余不合格（示例政策；原文规定了四个等级，未规定比例）：{counts}。",
        "{centres|productivity centre} scored on {indicators|indicator} (min–max normalisation, entropy "
        "weights: {weights}) and graded by quota — {excellent:.0%} excellent, {good:.0%} good, {pass:.0%} pass, the rest fail (an "
        "illustrative policy; the source fixes the four grades, not their shares): {counts}.",
    ),
    "centre_evaluation.reward": ("无不良信用记录的优秀中心每家奖励 {reward}，合计 {total}。",
                                 " At {reward} per excellent centre without a credit record, the rewards total {total}."),
    "evaluation_radar.figure": ("各中心的指标经最小–最大标准化后按评价维度取平均（0 = 最低的中心，1 = 最高）："
                                "平均得分最高的几家中心与全体平均值对比。",
                                "Each centre's indicators, min–max normalised and averaged per evaluation dimension "
                                "(0 = lowest centre, 1 = highest): the best centres by mean score against the average of all."),
    # helix
    "helix.text": (
        "Leydesdorff 互信息 T，衡量参与各合作项目的部门之间的协同（记录为项目；无项目的关系各自为一条记录）。"
        "在三维模型中 T 为负表示协同：各部门共同降低的不确定性超过两两之间所能解释的部分；在四维模型中纯协同的"
        "符号为正。“include_none”表示不含上述部门的项目是否计入记录。",
        "Leydesdorff's mutual information T among the sectors taking part in each collaboration project "
        "(records: projects; a relation without a project is a record of its own). In the three-dimensional "
        "model a negative T is synergy: the sectors reduce uncertainty together beyond what the pairs explain; "
        "in four dimensions the sign of pure synergy is positive. `include_none` says whether projects with "
        "none of the sectors count as records.",
    ),
    # brokers
    "brokers.text": (
        "按部门统计处于最多开放二步路径 a → v → c 中间的机构（{relations}关系）：协调者连接本部门内部，代表者把本部门的联系"
        "带出去，守门人把外部联系引进来，联络者和巡回者连接其他部门。“综合得分”将总数与同密度随机联系下的期望值相比"
        "（R sna 的 z 值）。",
        "Organisations in the middle of the most open two-paths a → v → c over {relations|relation}, by sector: "
        "coordinators link their own sector, representatives carry their sector's contacts out, gatekeepers let "
        "outside contacts in, liaisons and itinerants link other sectors. `total_z` compares the total with its "
        "expectation under random ties of the same density (R sna's z-score).",
    ),
    # one-stop service
    "onestop.counted": (
        "有申请数的 {counted:,} 项政策共 {applications:,} 件申请，没有一站式中心时需联系部门 {without:,} 次，有中心时 "
        "{with_:,} 次（少 {saved:,} 次，{share:.0%}）",
        "{applications:,|application} over {scope} with an applicant count need {without:,} department contacts "
        "without the one-stop centre and {with_:,} with it ({saved:,} fewer, {share:.0%})",
    ),
    "onestop.scope_one": ("该项政策", "the policy"),
    "onestop.scope": ("这 {n:,} 项政策", "the {n:,|policy}"),
    "onestop.fewer": ("{k:,} 项所需联系更少", "{k:,} of {n:,} {policies} fewer contacts with the centre"),
    "onestop.more": ("{k:,} 项所需联系更多", "{k:,} of {n:,} {policies} more contacts with the centre"),
    "onestop.per_claim": ("按每件申请计，{n:,} 项政策中{parts}", "per claim, {parts}"),
    "onestop.per_claim_none": ("按每件申请计，没有政策因中心而需要更少或更多的联系",
                               "per claim, no policy needs fewer or more contacts with the centre"),
    # other topics (titles)
    "brokers": ("跨部门中介机构", "Brokers between sectors"),
    "helix": ("三螺旋协同", "Triple-helix synergy"),
    "onestop": ("一站式服务：{name}", "One-stop service: {name}"),
    "service_performance": ("服务绩效", "Service performance"),
    "centre_eligibility": ("中心资格审核", "Centre eligibility"),
    "centre_evaluation": ("中心评价", "Centre evaluation"),
    "evaluation_radar": ("分维度评价", "Evaluation by dimension"),
    "action": ("百千万行动：供需对接与评估反馈", "The 百千万 action: matching supply and demand, and its evaluation"),
    "action.matched": (
        "**{problems:,}** 项技术难题中 **{matched:,}** 项已对接专家（{share:.1%}），由 {experts:,} 名专家经 {societies:,} 个"
        "学会承接；{reached:,} 家企业获得对接{coverage}。",
        "**{matched:,}** of **{problems:,}** technical problems are matched to experts ({share:.1%}), taken on by "
        "{experts:,|expert} through {societies:,|society}; {reached:,|enterprise} are served{coverage}.",
    ),
    "action.coverage": ("，占有难题企业的 {coverage:.1%}", ", {coverage:.1%} of the enterprises with problems"),
    "action.optimal": (
        "分配为全局最优：先使对接的难题最多，再使总分最高（{weights}，满分 {points:,}），再使专家负载最均衡；"
        "每位专家不超过其服务能力（capacity）。",
        "The assignment is globally optimal: first the most problems matched, then the highest total score "
        "({weights}, out of {points:,}), then the most even expert load; no expert beyond their capacity.",
    ),
    "action.load": (
        "专家负载基尼系数 {gini:.2f}，服务能力利用率 {utilisation}；行动企业的辐射区域共 {provinces} 个省份；各学会触及的"
        "省份数（radiation_provinces）与其他评分指标见学会评分表，可直接用于绩效评估与经费分配"
        "（ecograph.evaluate / ecograph.allocate）。",
        "Expert load Gini {gini:.2f}, capacity used {utilisation}; the action's enterprises span {provinces} "
        "provinces; the provinces each society reaches (radiation_provinces) and the other indicators are in the "
        "societies' table, ready for evaluation and funding (ecograph.evaluate / ecograph.allocate).",
    ),
    "action.refused": ("未对接 {counts}：每一项的原因见未对接难题表。",
                       "Not matched: {counts}; the reason for each is in the table of unmatched problems."),
    "action.refusal.no_fields": ("未注明所需领域 {n:,} 项", "{n:,} without the fields they need"),
    "action.refusal.no_expert_in_field": ("所需领域无可用专家 {n:,} 项", "{n:,} with no expert in their field"),
    "action.refusal.capacity_exhausted": ("所需领域专家容量已满 {n:,} 项",
                                          "{n:,} whose field's experts are at capacity"),
    "action.figure": ("学会—企业—地区的对接流向（带宽为已对接难题数），以及各重点区域的企业覆盖。",
                      "Matches flowing from societies to enterprises to regions (width: problems matched), and "
                      "the coverage of enterprises in each key region."),
    "changes": ("变化", "Changes"),
    "changes.pair": ("变化：{t0} → {t1}", "Changes: {t0} → {t1}"),
    "changes.management": ("变化：动态管理", "Changes: dynamic management"),
    "changes.intro": ("本生态系统有 {n} 个时期（{periods}），以下逐期比较（`eg.changes`）。",
                      "The ecosystem has {n|period} ({periods}); each is compared with the one before (`eg.changes`)."),
    "changes.organisations": ("进入 {entered} 家单位，离开 {left} 家", "{entered|organisation} entered, {left} left"),
    "changes.relations": ("新增关系 {relations_added} 条，减少 {relations_removed} 条",
                          "{relations_added|relation} added, {relations_removed} removed"),
    "changes.rings": ("圈层：新进 {ring_entries}，退出 {ring_exits}，换圈 {ring_moves}",
                      "circle layers: {ring_entries} entered, {ring_exits} left, {ring_moves} moved"),
    "changes.stages": ("产业链环节：加入 {stage_joins}，退出 {stage_leaves}",
                       "chain stages: {stage_joins} joined, {stage_leaves} left"),
    "changes.associations": ("协会会员：加入 {association_joins}，退出 {association_leaves}",
                             "association members: {association_joins} joined, {association_leaves} left"),
    "changes.total": ("“{group}”的{measure}：{before:,} → {after:,}（{rate:+.2%}）",
                      "{measure} of {group}: {before:,} → {after:,} ({rate:+.2%})"),
    "changes.summary": ("{t0} → {t1}：{parts}。", "{t0} → {t1}: {parts}."),
    "management.text": (
        "动态管理（有进有出，优胜劣汰）：每期评估纳入满一年的中心，按规则列出纳入、奖励、保留、预警、退出，"
        "每项决定注明依据条款（未纳入的申请单位见“未纳入的申请单位”表）。",
        "Dynamic management (entry and exit, the best kept): each period the centres admitted for a year or more "
        "are assessed and the rules list who is admitted, rewarded, kept, warned or removed, each decision with "
        "its clause (applicants not admitted are in their own table).",
    ),
    "management.period": ("- {period}：在册 {members} 家；纳入/奖励 {promote}，保留 {keep}，预警 {warn}，退出 {remove}，"
                          "未纳入 {reject}",
                          "- {period}: {members} on the register; {promote} admitted or rewarded, {keep} kept, "
                          "{warn} warned, {remove} removed, {reject} not admitted"),
    # network
    "network": ("网络概览", "Network overview"),
    "network.figure": (
        "所有机构按部门（政产学研金介）着色、按度数定大小，标出最核心的机构；超过 {max_nodes:,} 家机构时只画最核心的有联系机构，"
        "标题注明省略了多少。",
        "Every organisation coloured by sector (政产学研金介), sized by degree, the most central named; beyond {max_nodes:,} "
        "organisations only the most central connected ones are drawn, and the title says what is left out.",
    ),
    # writers
    "rows": ("**{name}**（{n:,} 行；[CSV](tables/{slug}.csv)）", "**{name}** ({n:,|row}; [CSV](tables/{slug}.csv))"),
    "no_rows": ("*{name}：无数据*", "*{name}: no rows*"),
    "more_rows": ("… 另有 {n:,} 行", "… {n:,} more rows"),
    "rank.tied": ("{rank} (并列)", "{rank} (tied)"),
    "first_rows": ("，仅显示前 {n} 行，全部见 tables/{slug}.csv", " — first {n} shown, all in tables/{slug}.csv"),
    "caption": ("**{name}**（{n:,} 行{more}）", "**{name}** ({n:,|row}{more})"),
}

#: Report table columns that are not planner file fields (those come from ``labels.FIELD_LABELS``).
COLUMNS: dict[str, tuple[str, str]] = {
    "count": ("数量", "count"),
    "relation": ("关系", "relation"),
    "rank": ("排名", "rank"),
    "performance": ("服务绩效", "performance"),
    "pagerank": (METRIC_LABELS["pagerank"][0], "pagerank"),
    "betweenness": ("中介中心度", "betweenness"),
    "betweenness_rank": ("中介中心度排名", "betweenness rank"),
    "degree": ("度中心度", "degree"),
    "degree_rank": ("度中心度排名", "degree rank"),
    "member": ("成员", "member"),
    "members": ("成员", "members"), "n_members": ("成员数", "members"), "inner_ties": ("圈内联系", "inner ties"),
    "unassessed": ("待评审", "unassessed"), "purpose": ("用途", "purpose"), "declares": ("申报环节", "declares"),
    "adjacent_ties": ("相邻环节联系", "adjacent ties"), "member_ties": ("成员联系", "member ties"), "relay_hops": ("转办次数", "relay hops"),
    "without_hub": ("无一站式中心", "without hub"), "with_hub": ("有一站式中心", "with hub"),
    "total_without": ("合计（无中心）", "total without"), "total_with": ("合计（有中心）", "total with"),
    "size": ("规模", "size"),
    "share": ("占比", "share"),
    "density": ("密度", "density"),
    "hops": ("跳数", "hops"),
    "target": ("触达目标企业数", "target"), "target_share": ("目标企业触达率", "target share"),
    "radiation_share": ("辐射省份占比", "radiation share"), "outside_share": ("组外会员占比", "outside share"),
    "reached": ("触达数", "reached"),
    "organisation": ("机构", "organisation"),
    "association": ("协会", "association"),
    "memberships": ("会员数", "memberships"),
    "shared": ("共同会员", "shared"),
    "jaccard": ("Jaccard 系数", "jaccard"),
    "a": ("协会甲", "a"),
    "b": ("协会乙", "b"),
    "groups": ("组数", "groups"),
    "bridging": ("跨组指数", "bridging"),
    "declared": ("申报圈层", "declared"),
    "inferred": ("推断圈层", "inferred"),
    "score": ("得分", "score"),
    "reason": ("理由", "reason"),
    "demand": ("需求", "demand"),
    "load": ("负荷", "load"),
    "covered": ("已覆盖", "covered"),
    "task": ("任务", "task"),
    "grade": ("等级", "grade"),
    "total": ("合计", "total"),
    "after": ("之后", "after"), "before": ("之前", "before"), "change": ("变化", "change"),
    "aspect": ("方面", "aspect"), "measure": ("指标", "measure"), "group": ("组", "group"),
    "growth": ("增长", "growth"), "new": ("新增", "new"), "node": ("单位", "node"), "parent": ("上级", "parent"),
    "depth": ("层级深度", "depth"), "from": ("起点圈层", "from"), "to": ("止", "to"), "from_ring": ("原圈层", "from ring"),
    "to_ring": ("现圈层", "to ring"), "hop": ("跳数", "hop"), "reach": ("触达", "reach"),
    "outside": ("圈外", "outside"), "clients": ("服务对象数", "clients"), "sme_clients": ("中小企业服务对象数", "SME clients"),
    "services": ("服务次数", "services"), "serves_count": ("服务次数", "services"),
    "serves_distinct": ("服务对象数", "clients"), "kinds": ("类型", "kinds"), "sectors": ("部门", "sectors"),
    "coordinator": ("协调者", "coordinator"), "gatekeeper": ("守门人", "gatekeeper"),
    "itinerant": ("巡回者", "itinerant"), "liaison": ("联络者", "liaison"), "representative": ("代表者", "representative"),
    "total_z": ("综合得分（z 值之和）", "total z"), "top_industry": ("主要行业", "top industry"),
    "top_sector": ("主要部门", "top sector"), "associations": ("协会数", "associations"),
    "enterprises": ("企业数", "enterprises"), "experts": ("专家数", "experts"), "problems": ("难题数", "problems"),
    "centres": ("中心数", "centres"), "districts": ("片区数", "districts"), "district": ("片区", "district"),
    "candidate": ("候选单位", "candidate"), "gap": ("缺口", "gap"), "single_point": ("单点依赖", "single point"),
    "period": ("时期", "period"), "rule": ("规则", "rule"), "clause": ("条款", "clause"),
    "decision": ("结论", "decision"), "detail": ("说明", "detail"), "eligible": ("符合条件", "eligible"),
    "failed": ("未通过", "failed"), "reasons": ("原因", "reasons"), "status": ("状态", "status"),
    "previous_grade": ("上期等级", "previous grade"), "grade_zh": ("等级", "grade"), "text": ("内容", "text"),
    "matched": ("已对接", "matched"), "served": ("已服务", "served"), "coverage": ("覆盖率", "coverage"),
    "policy": ("政策", "policy"), "departments": ("部门", "departments"), "direct": ("直接办理", "direct"),
    "saved": ("节省", "saved"), "firms": ("企业数", "firms"), "expert": ("专家", "expert"),
    "problem": ("难题", "problem"), "enterprise": ("企业", "enterprise"), "society": ("学会", "society"),
    "experts_active": ("活跃专家数", "experts active"), "problems_matched": ("已对接难题数", "problems matched"),
    "enterprises_served": ("服务企业数", "enterprises served"), "enterprises_reached": ("触达企业数", "enterprises reached"),
    "new_enterprises": ("新增企业数", "new enterprises"), "mean_score": ("平均得分", "mean score"),
    "radiation_provinces": ("辐射省份数", "radiation provinces"), "field_fit": ("领域契合", "field fit"),
    "region_fit": ("地域契合", "region fit"), "proximity": ("网络邻近", "proximity"), "points": ("千分制分值", "points"),
    "refusal": ("未对接原因", "refusal"), "fields": ("领域", "fields"), "overlap": ("重叠", "overlap"),
    "field": ("产业领域", "field"),
    "problem_coverage": ("难题覆盖率", "problem coverage"), "with_problems": ("有难题企业数", "with problems"),
    "model": ("模型", "model"), "include_none": ("含无部门项目", "include none"), "records": ("记录数", "records"),
    "T_millibits": ("T（毫比特）", "T millibits"), "regions": ("地区数", "regions"),
}

#: Table captions: a table's name (its CSV file's) -> (Chinese, English). Tables of one platform,
#: alliance, hub or pair of periods are named ``<prefix>_<id>_<suffix>``; their caption is the
#: suffix's (the section title names the platform or alliance), ``{x}`` the part the pattern captures.
CAPTIONS: dict[str, tuple[str, str]] = {
    r"by_kind": ("按类型统计的机构", "Organisations by kind"),
    r"by_sector": ("按部门统计的机构", "Organisations by sector"),
    r"by_relation": ("按类型统计的关系", "Relations by type"),
    r"central_organisations": ("核心机构", "Central organisations"),
    r"rings_.+_composition": ("各圈层的构成", "Composition of each circle layer"),
    r"rings_.+_density": ("圈层之间的联系密度", "Density of ties between circle layers"),
    r"rings_.+_radiation": ("核心逐跳触达的机构", "Organisations the core reaches, hop by hop"),
    r"rings_.+_inferred": ("申报圈层与推断圈层对照", "Declared against inferred circle layers"),
    r"rings_.+_disagreements": ("推断圈层与申报不同的成员", "Members whose inferred layer differs from the declared one"),
    r"rings_.+_promotions": ("建议进入协同创新圈的单位", "Candidates for the collaboration ring"),
    r"rings_.+_(?P<x>" + "|".join(sorted(RELATION_LABELS_SHOWN, key=len, reverse=True)) + ")": (
        "圈层之间的“{x}”关系数", "“{x}” relations between circle layers"),
    r"chain_.+_coverage": ("各环节的覆盖与负荷", "Coverage and load of each stage"),
    r"chain_.+_betweenness": ("成员在工作网络中的中介中心度", "Members' betweenness in the working network"),
    r"chain_.+_full_request": ("覆盖全链的需求拆分的任务", "Tasks of a request for the whole chain"),
    r"chain_.+_strengthening": ("可补强产业链的候选单位", "Candidates to strengthen the chain"),
    r"chain_.+_funding": ("依托单位转拨的资金", "Money the anchor unit passes on"),
    r"association_composition": ("各协会的会员构成", "Members of each association"),
    r"association_overlap": ("协会之间的共同会员", "Members shared by pairs of associations"),
    r"bridging_members_by_(?P<x>.+)": ("跨{x}组的会员", "Members bridging {x} groups"),
    r"composition_by_(?P<x>.+)": ("按{x}分组的会员构成", "Members by {x} group"),
    r"bridging_associations_by_(?P<x>.+)": ("各协会跨{x}组的程度", "Associations bridging {x} groups"),
    r"hierarchy_rollup": ("各层级单位的汇总", "Roll-up of the hierarchy's units"),
    r"district_balance": ("各片区的中心数", "Centres per district"),
    r"district_proposal": ("建议的片区划分", "Proposed districts"),
    r"district_proposal_confusion": ("建议片区与现有片区对照", "Proposed against current districts"),
    r"brokers": ("跨部门中介机构", "Brokers between sectors"),
    r"triple_helix": ("三螺旋互信息", "Triple-helix mutual information"),
    r"onestop_.+": ("各项政策的办理部门与联系次数", "Departments and contacts per policy"),
    r"service_performance": ("各服务机构的服务绩效", "Service performance of each provider"),
    r"centre_eligibility": ("各中心的准入条件审核", "Admission conditions per centre"),
    r"centre_grades": ("各中心的得分与等级", "Score and grade of each centre"),
    r"action_regions": ("各重点区域的对接情况", "Matching per key region"),
    r"action_societies": ("各学会的评分指标", "Indicators per society"),
    r"action_expert_load": ("专家负载", "Expert load"),
    r"match_assignment": ("难题与专家的对接", "Problems assigned to experts"),
    r"match_refusals": ("未对接的难题及原因", "Unmatched problems and why"),
    r"changes_(?P<x>\d+_\d+)": ("逐项变化", "Changes item by item"),
    r"changes_(?P<x>\d+_\d+)_growth": ("各组指标的增长", "Growth of each group's measures"),
    r"management_decisions": ("动态管理决定", "Dynamic-management decisions"),
    r"management_rejected": ("未纳入的申请单位", "Applicants not admitted"),
    r"management_trajectories": ("各中心的历程", "Trajectory of each centre"),
}

_GRADES = {grade: (zh, grade) for grade, zh in GRADE_LABELS.items()}

#: Columns whose values are vocabulary keys, and the label table of each (from ``labels``).
_VALUE_TABLES = {
    "kind": KIND_LABELS_SHOWN, "sector": SECTOR_LABELS, "ring": RING_LABELS, "declared": RING_LABELS,
    "inferred": RING_LABELS, "relation": RELATION_LABELS_SHOWN, "type": RELATION_LABELS_SHOWN, "role": ROLE_LABELS,
    "level": LEVEL_LABELS, "stage": STAGE_LABELS, "from_ring": RING_LABELS, "to_ring": RING_LABELS, "from": RING_LABELS,
    "grade": _GRADES, "previous_grade": _GRADES, "top_sector": SECTOR_LABELS, "status": STATUS_LABELS,
    "refusal": REFUSAL_LABELS, "industry": INDUSTRY_LABELS, "top_industry": INDUSTRY_LABELS,
}


#: ``{count|noun}`` or ``{count:spec|noun}`` in an English template: the count and the noun, plural unless one.
_COUNTED = re.compile(r"\{(\w+)(?::([^}|]*))?\|([^}]+)\}")


def say(key: str, lang: str, /, **values: Any) -> str:
    """The phrase ``key`` in ``lang`` ("zh" or "en"), filled with ``values``; a count written
    ``{n|noun}`` shows as "1 noun" or "2 nouns" (:func:`ecograph.labels.plural`).

    Examples
    --------
    >>> say("overview.text", "zh", organisations=1200, relations=3, platforms=1, alliances=0, associations=2)
    '共 **1,200** 家机构、**3** 项关系；平台 1 个，链式联盟 0 个，协会/学会 2 个。'
    >>> say("changes.organisations", "en", entered=1, left=2)
    '1 organisation entered, 2 left'
    """
    zh, en = TEXT[key]
    template = _COUNTED.sub(
        lambda m: f"{format(values[m[1]], m[2] or '')} {plural(values[m[1]], m[3])}".replace("{", "{{").replace("}", "}}"),
        zh if lang == "zh" else en)
    return template.format(**values)


def column(name: str, lang: str) -> str:
    """A table column's header in ``lang``; unknown columns keep their name; money columns carry
    their unit in Chinese (the cells show 万元, :func:`is_money`).

    Examples
    --------
    >>> column("kind", "zh"), column("betweenness_rank", "en"), column("x_1", "zh")
    ('类型', 'betweenness_rank', 'x_1')
    >>> column("n_enterprise", "zh"), column("listed_share", "zh"), column("ties_core_ring", "zh")
    ('下属企业数', '上市占比', '与核心圈联系')
    >>> column("trainings_2011", "zh"), column("revenue", "zh")
    ('2011年培训场次', '收入（万元）')
    """
    if lang != "zh":
        return name
    header = _header(name)
    return f"{header}（万元）" if is_money(name) else header


def _header(name: str) -> str:
    pair = COLUMNS.get(name) or RING_LABELS.get(name)
    if pair:
        return pair[0]
    if (attribute := attribute_label(name)) is not None:
        return attribute
    # composed names: n_<kind>, proposed_<i>, ties_<ring>, <word>_share, <word>_name
    head, _, tail = name.partition("_")
    if head == "n" and tail in KIND_LABELS:
        return f"下属{KIND_LABELS[tail][0]}数"  # the hierarchy roll-up: units of that kind below
    if head == "proposed" and tail.isdigit():
        return f"建议片区 {tail}"
    if head == "ties" and tail in RING_LABELS:
        return f"与{RING_LABELS[tail][0]}联系"
    stem, _, last = name.rpartition("_")
    if last in ("share", "name") and stem and _header(stem) != stem:
        return f"{_header(stem)}{'占比' if last == 'share' else '名称'}"
    return name


def is_money(name: str) -> bool:
    """Whether the column ``name`` holds yuan (:data:`ecograph.labels.MONEY_FIELDS`, or ``*_yuan``).

    Examples
    --------
    >>> is_money("revenue"), is_money("subsidy_yuan"), is_money("revenue_share")
    (True, True, False)
    """
    return name in MONEY_FIELDS or name.endswith("_yuan")


def is_rate(name: str) -> bool:
    """Whether the column ``name`` holds a fraction shown in per cent (a share or a growth rate).

    Examples
    --------
    >>> is_rate("target_share"), is_rate("growth"), is_rate("revenue")
    (True, True, False)
    """
    return name == "growth" or name.endswith("share")


def caption(name: str, lang: str) -> str:
    """The caption of the table ``name`` in ``lang`` (:data:`CAPTIONS`); unknown tables keep their name.

    Examples
    --------
    >>> caption("by_kind", "zh"), caption("rings_motor_platform_member_of", "zh")
    ('按类型统计的机构', '圈层之间的“会员”关系数')
    >>> caption("chain_bio_platform_coverage", "en"), caption("mine", "zh")
    ('Coverage and load of each stage', 'mine')
    """
    for pattern, (zh, en) in CAPTIONS.items():
        found = re.fullmatch(pattern, name)
        if found:
            x = found.groupdict().get("x", "")
            if pattern.startswith("rings_"):
                x = label(RELATION_LABELS_SHOWN, x, lang)
            elif pattern.startswith(("bridging_", "composition_by_")):
                x = _header(x) if lang == "zh" else x
            return (zh if lang == "zh" else en).format(x=x)
    return name


def value(name: str, cell: Any, lang: str) -> Any:
    """A table cell in ``lang``: vocabulary keys of a vocabulary column as their label.

    Examples
    --------
    >>> value("ring", "collaboration", "zh"), value("ring", "collaboration", "en"), value("count", 3, "zh")
    ('协同创新圈', 'collaboration', 3)
    """
    table = _VALUE_TABLES.get(name)
    if lang != "zh" or table is None or not isinstance(cell, str):
        return cell
    return table.get(cell, (cell, cell))[0]


def default_lang(names: Iterable[str]) -> str:
    """``"zh"`` when most of the organisation ``names`` are Chinese, else ``"en"``.

    Examples
    --------
    >>> default_lang(["上海电机", "华东理工", "Acme"]), default_lang(["Acme", "Beta"])
    ('zh', 'en')
    """
    names = list(names)
    chinese = 0
    for start in range(0, len(names), 10_000):  # stop once the majority is decided either way
        chinese += sum(map(is_chinese, names[start:start + 10_000]))
        if chinese * 2 > len(names) or (chinese + max(len(names) - start - 10_000, 0)) * 2 <= len(names):
            break
    return "zh" if chinese * 2 > len(names) else "en"
