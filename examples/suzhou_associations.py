"""Suzhou's 25 industry associations (苏州产业创新集群行业协会商会) and their members.

The seed document (004) counts 25 associations over four leading industries (电子信息, 装备制造,
生物医药, 先进材料) and three service fields, with 11,849 member firms: 191 listed, 308 leading
(龙头: unicorns, little giants), 292 专精特新 and 1,127 high-tech, and asks the associations to
strengthen, fill and extend the chains (强链补链延链). This script profiles the members per
association and per field and points at the weak links: fields whose members include few
high-tech and 专精特新 firms, and the leading firms that could anchor them (链主). It then shows
where associations share members and which firms bridge fields (the overlap is synthetic:
8 % of the firms join a second association, see docs/datasets.md).

Run: ``python examples/suzhou_associations.py``
"""

from __future__ import annotations

from ecograph.memberships import association_overlap, bridging, composition, composition_by, membership_matrix
from loaders.datasets import suzhou_associations


def main() -> None:
    eco = suzhou_associations()
    comp = composition(eco)
    t = comp.totals
    rows = [r for r in comp.rows() if r["members"] > 0]
    print(f"{len(rows)} associations with members, {t['members']:,} member firms: "
          f"{t['listed']:,} listed, {t['leading']:,} leading, {t['specialized']:,} 专精特新, "
          f"{t['high_tech']:,} high-tech\n")

    print("Largest associations:")
    for r in sorted(rows, key=lambda r: -r["members"])[:5]:
        print(f"  {r['name']:<18} {r['members']:>5,} members, high-tech {r['high_tech_share']:.0%}, "
              f"专精特新 {r['specialized_share']:.0%}, listed {r['listed']}")

    # distinct members per field: a firm in two associations of a field counts once
    fields = composition_by(eco, "field").rows()
    print("\nBy field (强链补链延链: the weakest links first, by share of high-tech and 专精特新 members):")
    for g in sorted(fields, key=lambda g: g["high_tech_share"] + g["specialized_share"]):
        print(f"  {g['field']:<6} {g['associations']:>2} associations, {g['members']:>5,} distinct members, "
              f"high-tech {g['high_tech_share']:.1%}, 专精特新 {g['specialized_share']:.1%}, "
              f"{g['leading']} leading firms to anchor the chain")

    mm = membership_matrix(eco)
    overlap = association_overlap(mm).pairs()
    name = {a: eco.node(a)["name"] for a in mm.associations}
    print(f"\n{t['in_several']:,} firms belong to two or more associations ({t['memberships']:,} memberships); "
          f"{len(overlap)} pairs of associations share members. Largest overlaps:")
    for p in overlap[:3]:
        print(f"  {name[p['a']]} – {name[p['b']]}: {p['shared']} shared members (Jaccard {p['jaccard']:.2f})")

    bridges = bridging(eco, by="field")
    across = [m for m in bridges.members if m["bridging"] > 0]
    print(f"\n{bridges.bridges:,} firms bridge fields (members of associations in different fields); the best:")
    for m in across[:3]:
        print(f"  {m['name']} ({m['group']}): {m['associations']} associations in {m['groups']} fields")
    print("Associations that bridge fields best (cross-field pairs of the associations they share members with):")
    for a in bridges.associations[:3]:
        print(f"  {a['name']} ({a['group']}): {a['bridging']:.0f} pairs, {a['outside_share']:.1%} of its members "
              "from another field")


if __name__ == "__main__":
    main()
