"""``ecograph serve``: run the HTTP service (FastAPI + uvicorn).

The bearer token is read from the environment variable ``ECOGRAPH_API_TOKEN`` (never from the
command line, where other users could see it); without it the service is open, so keep the
default loopback host unless it is set.
"""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="run the HTTP service (POST /allocate, /evaluate, /grade; GET /health)",
        description="Run the ecograph HTTP service with uvicorn. OpenAPI document at /openapi.json, "
        "interactive docs at /docs. Set ECOGRAPH_API_TOKEN to require a bearer token.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="TCP port (default 8000)")
    parser.add_argument(
        "--max-body-bytes",
        type=int,
        default=None,
        help="largest accepted request body (default $ECOGRAPH_MAX_BODY_BYTES or 1048576)",
    )
    parser.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        from ..service import serve
    except ImportError as exc:
        print(f"ecograph serve needs the service extra: pip install 'ecograph[service]' ({exc})", file=sys.stderr)
        return 1
    print(f"serving on http://{args.host}:{args.port} (docs at /docs)", file=sys.stderr)
    serve(args.host, args.port, max_body_bytes=args.max_body_bytes, log_level=args.log_level)
    return 0
