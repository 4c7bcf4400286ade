"""Pudong's one-stop S&T policy centre (浦东新区科技认定服务中心): contacts saved per policy.

The seed document (001, case 3): before the centre, "a firm claiming a technology contract had
to shuttle between three departments" (新区科委, 税务, 市技术市场办); now it hands its file to
the centre, which deals with the Science Commission and the technology-market office, and the
firm only goes on to the tax office for the tax relief. The centre took over the windows of the
commission's three offices (科技管理处, 高新处, 基金办公室) and accepts 24 policies.

Which departments each policy involves is not in the dataset (the document only details the
technology contract), so the requirements below are stated here: the technology contract as
the document says; for the high-tech enterprise, R&D institution and innovation fund policies
the commission office that used to run their window; for the R&D tax deduction that office and
the tax office (an editorial reading: the deduction is taken at the tax office). The numbers
of applicant firms are the dataset's 2011 figures (194 high-tech enterprise applications, 164
R&D institutions, 2,760 R&D-deduction projects); the document gives none for the others.

Run: ``python examples/pudong_one_stop.py``
"""

from __future__ import annotations

from ecograph.onestop import one_stop
from ecograph.rings import radiation
from loaders.datasets import pudong_policy

HUB = "pudong_centre"
REQUIREMENTS = {
    "p_tech_contract": ["pudong_stc", "pudong_tax", "sh_tech_market"],  # named in the document
    "p_hightech": ["stc_hightech"],
    "p_rd_institution": ["stc_management"],
    "p_innovation_fund": ["stc_fund"],
    "p_rd_deduction": ["stc_management", "pudong_tax"],
}


def main() -> None:
    eco = pudong_policy()
    centre = eco.node(HUB)
    served = {}
    for _, _, d in eco.graph.out_edges(HUB, data=True):
        if d["type"] == "serves":
            served[d["service"]] = served.get(d["service"], 0) + 1
    applicants = {
        "p_hightech": served["高新技术企业认定受理"],
        "p_rd_institution": served["区级研发机构认定"],
        "p_rd_deduction": centre["rd_deduction_projects_2011"],
    }
    print(f"{centre['name']}: {centre['policies_accepted']} policies accepted at {centre['windows']} windows\n")

    result = one_stop(eco, HUB, REQUIREMENTS, applicants=applicants)
    print("Departments a firm contacts per claim, without -> with the one-stop centre:")
    for row in result.policies:
        direct = f" (still directly: {', '.join(eco.node(d)['name'] for d in row['direct'])})" if row["direct"] else ""
        volume = (f"{row['firms']:,} applications: {row['total_without']:,} -> {row['total_with']:,} contacts"
                  if row["policy"] in applicants else "no count in the document")
        print(f"  {row['name']:<22} {row['without_hub']} -> {row['with_hub']}{direct}; {volume}")
    contract = result.policies[0]
    print(f"\nThe technology contract: {contract['without_hub']} departments without the centre, "
          f"{contract['with_hub']} with it (the centre, then the tax office).")
    counted = one_stop(eco, HUB, {p: REQUIREMENTS[p] for p in applicants}, applicants=applicants)
    print(f"Over the counted 2011 applications: {counted.summary()}.")
    print("Single-office claims gain no contact but one window instead of three; the saving is on "
          "multi-department matters.")

    reach = radiation(eco, "pudong_platform", max_hops=1)
    print(f"\nThe centre served {reach.hops[1]['target']:,} firms directly in 2011 "
          f"({reach.hops[1]['target_share']:.0%} of the dataset's {reach.target_size:,} firms).")


if __name__ == "__main__":
    main()
