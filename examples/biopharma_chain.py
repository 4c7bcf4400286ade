"""Shanghai biopharma platform (上海市生物医药产业技术创新服务平台): a chain alliance.

The seed document (001, case 2) describes 13 member units organised along the drug R&D and
industry chain (药物发现 → 药物筛选 → 药理评估 → 临床研究 → 工艺研究 → 中试放大 → 注册认证 →
批量生产 → 药品上市), an anchor unit (依托单位) that takes client requests, splits them into
tasks for the members (任务分解) and passes government money on by service performance, and a
service capacity that lags behind demand. This script measures the chain on the built-in
dataset (whose funding amounts and outside clinical partners are synthetic).

Run: ``python examples/biopharma_chain.py``
"""

from __future__ import annotations

from ecograph.chains import (
    ChainRouter, anchor_funding, anchor_position, chain_coverage, decompose_request, strengthen_chain,
)
from ecograph.errors import UnservableRequestError
from loaders.datasets import shanghai_biopharma

ALLIANCE = "bio_platform"


def main() -> None:
    eco = shanghai_biopharma()
    chain = eco.chain(ALLIANCE)
    names = {n: eco.node(n)["name"] for n in chain.members}
    print(f"{eco.node(ALLIANCE)['name']}: {len(chain.members)} members along {len(chain.stages)} stages")
    print(f"anchor unit: {names[chain.anchor]}\n")

    coverage = chain_coverage(eco, ALLIANCE)  # demand: the services of the latest year on record
    print(f"Stage coverage (demand = services in {coverage.period['year']}, capacity = members' declared capacity):")
    for s in coverage.stages:
        print(f"  {s.stage:<15} {len(s.members):>2} member(s)  capacity {s.capacity:6.1f}  demand {s.demand:7.0f}  "
              f"load {s.load:6.2f}")
    print(f"  gaps: {', '.join(coverage.gaps) or 'none'}; single points of failure: "
          f"{', '.join(coverage.single_points) or 'none'}")
    for name in coverage.bottlenecks:
        print(f"  bottleneck: {name} (demand is {coverage.stage(name).load:.2f} times its capacity)")

    position = anchor_position(eco, ALLIANCE)
    print(f"\nThe anchor ranks {position.rank} of {len(chain.members)} members by betweenness in the working network "
          f"(members and the clients they share), betweenness {position.betweenness[chain.anchor]:.3f}.")

    request = ["pharmacology", "clinical", "process"]  # e.g. 上海奥齐生物: preclinical to process
    split = decompose_request(eco, ALLIANCE, request)
    print(f"\nA client request for {', '.join(request)} splits into {len(split.tasks)} tasks:")
    for task in split.tasks:
        print(f"  {task.stage:<13} -> {names[task.member]}")

    router = ChainRouter(eco, ALLIANCE)
    while not router.route(chain.stages).unserved:  # full-chain requests, loads spread by capacity, until a stage is full
        pass
    try:
        router.route(["clinical", "toxicology"], strict=True)
    except UnservableRequestError as exc:
        print(f"\nOnce full-chain requests fill a stage, a strict request fails and says why: {exc}")

    candidates = strengthen_chain(eco, ALLIANCE)
    print(f"\nStrengthening the chain (强链补链): {len(candidates.candidates)} candidates for the single points of "
          f"failure ({', '.join(coverage.single_points)})")
    for c in candidates.candidates:
        print(f"  {c.stage}: {c.name} ({c.reason})")

    funding = anchor_funding(eco, ALLIANCE)
    top = max(funding.rows(), key=lambda row: row["amount"])
    print(f"\nGovernment money (synthetic amounts, in fen as recorded) goes to the anchor, {funding.received:,} fen "
          f"in {top['year']}, which passes {funding.passed_total:,} fen on to {len(funding.rows())} members by "
          f"service performance; largest share: {top['name']} ({top['performance']} projects, {top['amount']:,} fen).")


if __name__ == "__main__":
    main()
