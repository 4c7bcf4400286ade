"""Pudong's one-stop S&T policy centre (浦东新区科技认定服务中心): contacts saved per policy.

The seed document (001, case 3): before the centre, "a firm claiming a technology contract had
to shuttle between three departments" (新区科委, 税务, 市技术市场办); now it hands its file to
the centre, which deals with the Science Commission and the technology-market office, and the
firm only goes on to the tax office for the tax relief. The centre took over the windows of the
commission's three offices (科技管理处, 高新处, 基金办公室) and accepts 24 policies.

The dataset records which departments each policy involves (``requires``, policy -> department):
the technology contract as the document says; for the other named policies the commission office
that used to run their window, plus the tax office for the R&D tax deduction (an editorial
reading); each unnamed policy one of the three offices (seeded). The numbers of applicant firms
are the dataset's 2011 figures on the policies (``applicants``: 194 high-tech enterprise
applications, 164 R&D institutions, 2,760 R&D-deduction projects); the document gives none for
the others.

Run: ``python examples/pudong_one_stop.py``
"""

from __future__ import annotations

from ecograph.onestop import one_stop
from ecograph.rings import radiation
from loaders.datasets import pudong_policy

HUB = "pudong_centre"


def main() -> None:
    eco = pudong_policy()
    centre = eco.node(HUB)
    print(f"{centre['name']}: {centre['policies_accepted']} policies accepted at {centre['windows']} windows\n")

    result = one_stop(eco, HUB)  # requirements: requires relations; applicants: the 2011 counts on the policies
    print("Departments a firm contacts per claim, without -> with the one-stop centre (the named policies):")
    for row in result.policies:
        if not eco.node(row["policy"])["named_in_source"]:
            continue
        direct = f" (still directly: {', '.join(eco.node(d)['name'] for d in row['direct'])})" if row["direct"] else ""
        volume = (f"{row['firms']:,} applications: {row['total_without']:,} -> {row['total_with']:,} contacts"
                  if row["firms"] is not None else "no count in the document")
        print(f"  {row['name']:<22} {row['without_hub']} -> {row['with_hub']}{direct}; {volume}")
    unnamed = {(row["without_hub"], row["with_hub"]) for row in result.policies
               if not eco.node(row["policy"])["named_in_source"]}
    print("  the unnamed policies: " + "; ".join(f"{a} -> {b}" for a, b in sorted(unnamed)) + " each")
    contract = next(row for row in result.policies if row["policy"] == "p_tech_contract")
    print(f"\nThe technology contract: {contract['without_hub']} departments without the centre, "
          f"{contract['with_hub']} with it (the centre, then the tax office).")
    print(f"In all: {result.summary()}.")
    print("Single-office claims gain no contact but one window instead of three; the saving is on "
          "multi-department matters.")

    reach = radiation(eco, "pudong_platform", hops=1)
    print(f"\nThe centre served {reach.hops[1]['target']:,} firms directly in 2011 "
          f"({reach.hops[1]['target_share']:.0%} of the dataset's {reach.target_size:,} firms).")


if __name__ == "__main__":
    main()
