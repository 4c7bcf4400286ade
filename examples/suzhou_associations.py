"""Suzhou's 25 industry associations (苏州产业创新集群行业协会商会) and their members.

The seed document (004) counts 25 associations over four leading industries (电子信息, 装备制造,
生物医药, 先进材料) and three service fields, with 11,849 member firms: 191 listed, 308 leading
(龙头: unicorns, little giants), 292 专精特新 and 1,127 high-tech, and asks the associations to
strengthen, fill and extend the chains (强链补链延链). This script profiles the members per
association and per field and points at the weak links: fields whose members include few
high-tech and 专精特新 firms, and the leading firms that could anchor them (链主).

Run: ``python examples/suzhou_associations.py``
"""

from __future__ import annotations

from ecograph.memberships import association_overlap, composition, membership_matrix
from loaders.datasets import suzhou_associations


def main() -> None:
    eco = suzhou_associations()
    comp = composition(eco)
    t = comp.totals
    rows = [r for r in comp.rows() if r["members"] > 0]
    print(f"{len(rows)} associations with members, {t['members']:,} member firms: "
          f"{t['listed']:,} listed ({t['listed'] / t['members']:.1%}), {t['leading']:,} leading ({t['leading'] / t['members']:.1%}), "
          f"{t['specialized']:,} 专精特新 ({t['specialized'] / t['members']:.1%}), "
          f"{t['high_tech']:,} high-tech ({t['high_tech'] / t['members']:.1%})\n")

    print("Largest associations:")
    for r in sorted(rows, key=lambda r: -r["members"])[:5]:
        print(f"  {r['name']:<18} {r['members']:>5,} members, high-tech {r['high_tech_share']:.0%}, "
              f"专精特新 {r['specialized_share']:.0%}, listed {r['listed']}")

    fields: dict[str, dict[str, int]] = {}
    for r in rows:  # 25 rows: a plain sum per field
        field = eco.node(r["association"])["field"]
        agg = fields.setdefault(field, {"associations": 0, "members": 0, "high_tech": 0, "specialized": 0, "leading": 0})
        agg["associations"] += 1
        for key in ("members", "high_tech", "specialized", "leading"):
            agg[key] += r[key]
    print("\nBy field (强链补链延链: the weakest links first, by share of high-tech and 专精特新 members):")
    for field, agg in sorted(fields.items(), key=lambda kv: (kv[1]["high_tech"] + kv[1]["specialized"]) / kv[1]["members"]):
        strength = (agg["high_tech"] + agg["specialized"]) / agg["members"]
        print(f"  {field:<6} {agg['associations']:>2} associations, {agg['members']:>5,} members, "
              f"high-tech + 专精特新 {strength:.1%}, {agg['leading']} leading firms to anchor the chain")

    mm = membership_matrix(eco)
    overlap = association_overlap(mm).pairs()
    multi = int((mm.memberships() > 1).sum())
    print(f"\n{multi} firms belong to more than one association and {len(overlap)} pairs of associations share "
          "members: cross-association links must be built, e.g. through joint platforms.")


if __name__ == "__main__":
    main()
