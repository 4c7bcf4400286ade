"""``ecograph neo4j``: push an ecosystem into Neo4j, pull one back, list or drop namespaces.

::

    ecograph neo4j push (PATH | --dataset NAME) --uri bolt://127.0.0.1:7687 [--namespace NS] [--mode sync]
    ecograph neo4j pull --uri URI --namespace NS -o eco.yaml [--platform ID | --association ID | --alliance ID]
    ecograph neo4j list --uri URI
    ecograph neo4j drop --uri URI --namespace NS

``--uri`` defaults to ``$NEO4J_URI``; the user name comes from ``--user`` or ``$NEO4J_USER``
and the password only from ``$NEO4J_PASSWORD`` (never from the command line, where other users
of the machine could read it). See ``docs/neo4j.md``.
"""

from __future__ import annotations

import argparse
import json
import os
from typing import Any

from ..errors import PersistenceError
from ._common import add_source_arguments, load_source, positive_int, positive_number, progress


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "neo4j",
        help="push an ecosystem into Neo4j, pull one back, list or drop namespaces",
        description="Persist ecosystems in a Neo4j database (one namespace per ecosystem). "
        "Needs the neo4j extra: pip install 'ecograph[neo4j]'.",
    )
    sub = parser.add_subparsers(dest="neo4j_command", metavar="SUBCOMMAND", required=True)

    push = sub.add_parser("push", help="write an ecosystem into a namespace",
                          description="Write an ecosystem (PATH or --dataset) into a Neo4j namespace.")
    add_source_arguments(push)
    _add_server_arguments(push)
    push.add_argument("--namespace", metavar="NS", help="namespace to write (default: the ecosystem's name)")
    push.add_argument("--mode", choices=("merge", "sync"), default="merge",
                      help="merge: create or update, delete nothing (default); sync: also delete what the "
                      "ecosystem no longer has, inside the namespace only")
    push.add_argument("--batch-size", type=positive_int, metavar="N",
                      help="rows per transaction (default: loaders.neo4j.push's, the fastest measured)")
    push.add_argument("--workers", type=positive_int, default=1, metavar="N",
                      help="organisation batches written at the same time (default 1; more for a server "
                      "with spare cores)")
    push.set_defaults(func=run_push)

    pull = sub.add_parser("pull", help="read a namespace (or part of it) into a file",
                          description="Read a Neo4j namespace back into an ecosystem file.")
    _add_server_arguments(pull)
    pull.add_argument("--namespace", required=True, metavar="NS", help="namespace to read")
    pull.add_argument("--out", "-o", required=True, metavar="PATH",
                      help="output file or folder (.yaml, .json, .graphml, .gexf, or a CSV folder)")
    which = pull.add_mutually_exclusive_group()
    which.add_argument("--platform", metavar="ID", help="only this platform and the members of its rings")
    which.add_argument("--association", metavar="ID", help="only this association and its members")
    which.add_argument("--alliance", metavar="ID", help="only this alliance and its chain members")
    pull.set_defaults(func=run_pull)

    listing = sub.add_parser("list", help="list the namespaces of a database",
                             description="List the ecograph namespaces of a Neo4j database (JSON lines).")
    _add_server_arguments(listing)
    listing.set_defaults(func=run_list)

    drop = sub.add_parser("drop", help="delete a namespace",
                          description="Delete a namespace: its organisations, relations and namespace node.")
    _add_server_arguments(drop)
    drop.add_argument("--namespace", required=True, metavar="NS", help="namespace to delete")
    drop.set_defaults(func=run_drop)


def _add_server_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--uri", default=os.environ.get("NEO4J_URI"), metavar="URI",
                        help="Bolt URI, e.g. bolt://127.0.0.1:7687 (default: $NEO4J_URI)")
    parser.add_argument("--user", default=os.environ.get("NEO4J_USER"),
                        help="user name (default: $NEO4J_USER; password from $NEO4J_PASSWORD)")
    parser.add_argument("--database", metavar="NAME", help="database (default: the server's default database)")
    parser.add_argument("--timeout", type=positive_number, default=5.0, metavar="S", help="connection timeout in seconds")


def _server(args: argparse.Namespace) -> dict[str, Any]:
    if not args.uri:
        raise PersistenceError("no Neo4j server given: pass --uri or set NEO4J_URI", field="uri")
    auth = (args.user, os.environ.get("NEO4J_PASSWORD", "")) if args.user else None
    return {"uri": args.uri, "auth": auth, "database": args.database, "timeout": args.timeout}


def run_push(args: argparse.Namespace) -> int:
    from loaders import neo4j

    server = _server(args)
    eco = load_source(args)

    def report(stage: str, done: int, total: int) -> None:
        progress(f"neo4j push: {stage}: {done:,}/{total:,}")

    result = neo4j.push(eco, namespace=args.namespace, mode=args.mode,
                        **({} if args.batch_size is None else {"batch_size": args.batch_size}),
                        workers=args.workers, progress=report, **server)
    progress(f"neo4j push: {result.nodes:,} organisations and {result.relations:,} relations written to "
             f"namespace {result.namespace!r} in {result.seconds:.1f} s")
    print(json.dumps(result.to_dict(), ensure_ascii=False))
    return 0


def run_pull(args: argparse.Namespace) -> int:
    import loaders
    from loaders import neo4j

    eco = neo4j.pull(namespace=args.namespace, platform=args.platform, association=args.association,
                     alliance=args.alliance, **_server(args))
    loaders.write(eco, args.out)
    progress(f"neo4j pull: {len(eco):,} organisations and {eco.number_of_relations():,} relations "
             f"from namespace {args.namespace!r} written to {args.out}")
    print(args.out)
    return 0


def run_list(args: argparse.Namespace) -> int:
    from loaders import neo4j

    for entry in neo4j.namespaces(**_server(args)):
        print(json.dumps(entry, ensure_ascii=False))
    return 0


def run_drop(args: argparse.Namespace) -> int:
    from loaders import neo4j

    deleted = neo4j.drop(namespace=args.namespace, **_server(args))
    progress(f"neo4j drop: namespace {args.namespace!r}: {deleted:,} organisations deleted")
    return 0
