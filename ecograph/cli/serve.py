"""``ecograph serve``: run the HTTP service (FastAPI + uvicorn).

The bearer token is read from the environment variable ``ECOGRAPH_API_TOKEN`` (never from the
command line, where other users could see it); without it the service is open, so keep the
default loopback host unless it is set.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import sys

from ..errors import EcographError
from ._common import port_number, positive_int


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="run the HTTP service (POST /allocate, /evaluate, /grade; GET /health)",
        description="Run the ecograph HTTP service with uvicorn (requests run in worker processes). API description at "
        "/openapi.json. Set ECOGRAPH_API_TOKEN to require a bearer token.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=port_number, default=8000, help="TCP port, 1-65535 (default 8000)")
    parser.add_argument(
        "--max-body-bytes",
        type=positive_int,
        default=None,
        help="largest accepted request body (default $ECOGRAPH_MAX_BODY_BYTES or 1048576)",
    )
    parser.add_argument("--workers", type=positive_int, default=None,
                        help="worker processes for the requests (default $ECOGRAPH_WORKERS or 2)")
    parser.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    parser.set_defaults(func=run)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def run(args: argparse.Namespace) -> int:
    try:
        from ..service import TOKEN_ENV, serve
    except ImportError as exc:
        raise EcographError(f"ecograph serve needs the service extra: pip install 'ecograph[service]' ({exc})") from None
    if not _is_loopback(args.host) and not os.environ.get(TOKEN_ENV):
        print(f"warning: serving on {args.host} without a token: anyone who can reach this port can use the API; "
              f"set {TOKEN_ENV} to require a bearer token", file=sys.stderr)
    print(f"serving on http://{args.host}:{args.port} (API description at /openapi.json)", file=sys.stderr)
    serve(args.host, args.port, max_body_bytes=args.max_body_bytes, workers=args.workers, log_level=args.log_level)
    return 0
