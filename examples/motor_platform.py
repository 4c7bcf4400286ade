"""Shanghai SME motor platform (上海中小型电机及系统技术创新服务平台): its four circle layers.

The seed document (001, case 1) describes a platform built in a "circle-layer mode" (圈层模式):
the national engineering research centre at the core, associations, standards committees and
the inspection centre in the core ring, 40+ backbone motor makers and three universities in the
collaboration ring, and the industry's other SMEs and users in the radiation ring. It also
names the weakness: of ~2,000 SME motor firms nationally, the platform serves only 40-odd
directly. This script measures that on the built-in dataset.

Run: ``python examples/motor_platform.py``
"""

from __future__ import annotations

from ecograph.rings import (
    infer_rings,
    radiation,
    ring_composition,
    ring_density,
    ring_flows,
    suggest_promotions,
)
from loaders.datasets import shanghai_motor

PLATFORM = "motor_platform"


def main() -> None:
    eco = shanghai_motor()
    name = eco.node(PLATFORM)["name"]
    print(f"{name}\n")

    composition = ring_composition(eco, PLATFORM)
    print("Circle layers (declared):")
    for row in composition.rows():
        print(f"  {row['ring']:<14} {row['size']:>4} members  ({row['kinds']})")

    spread = radiation(eco, PLATFORM, hops=3)
    print(f"\nRadiation into the industry ({spread.target_size:,} motor firms):")
    print(f"  {spread.summary()}.")
    for row in spread.hops[1:]:
        print(f"  within {row['hop']} hop(s): {row['target']:>5,} firms ({row['target_share']:.1%}); "
              f"rings reached: core ring {row['core_ring']}, collaboration {row['collaboration']}, "
              f"radiation {row['radiation']}")
    print("  -> the backbone makers are served directly by the centre; the radiation ring is reached only "
          "through the core ring (the association's membership, the services of its bodies), and most of the "
          "industry not at all.")

    flows = ring_flows(eco, PLATFORM)
    density = ring_density(eco, PLATFORM)
    print("\nTies between rings:")
    print(f"  services core -> collaboration ring: {flows['serves'].get('core', 'collaboration'):.0f}; "
          f"core ring -> radiation ring: {flows['serves'].get('core_ring', 'radiation'):.0f}")
    print(f"  collaborations core - collaboration ring (joint design): "
          f"{flows['collaborates'].get('core', 'collaboration'):.0f}; core - core ring (integrated bodies): "
          f"{flows['collaborates'].get('core', 'core_ring'):.0f}")
    print(f"  memberships collaboration ring -> core ring: {flows['member_of'].get('collaboration', 'core_ring'):.0f}; "
          f"radiation ring -> core ring: {flows['member_of'].get('radiation', 'core_ring'):.0f}")
    print(f"  density core-collaboration {density.get('core', 'collaboration'):.2f}, core ring-radiation "
          f"{density.get('core_ring', 'radiation'):.2f}, within the collaboration ring "
          f"{density.get('collaboration', 'collaboration'):.2f}")

    inferred = infer_rings(eco, PLATFORM, method="distance")
    print(f"\nRings inferred from distance to the core agree for {inferred.agreement:.0%} of members "
          f"(Kendall tau-b {inferred.tau:.2f}).")
    print("  declared \\ inferred   " + "  ".join(f"{r[:6]:>6}" for r in ("core", "core_ring", "collaboration", "radiation")))
    for row in inferred.confusion_rows():
        print(f"  {row['declared']:<20} " + "  ".join(f"{row[r]:>6}" for r in ("core", "core_ring", "collaboration", "radiation")))
    for d in inferred.disagreements[:4]:
        print(f"  - {d['name']}: {d['reason']}")

    promotions = suggest_promotions(eco, PLATFORM, top=3)
    print("\nRadiation-ring members best placed to join the collaboration ring:")
    for p in promotions:
        print(f"  - {p.name}: {p.reason}")


if __name__ == "__main__":
    main()
