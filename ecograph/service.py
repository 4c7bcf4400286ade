"""HTTP service: allocation, evaluation and grading over JSON (FastAPI + uvicorn).

Endpoints (OpenAPI document at ``/openapi.json``):

- ``GET /health`` — liveness and version (never needs a token);
- ``POST /allocate`` — :func:`ecograph.allocation.allocate`, or ``cascade`` (with ``tree``),
  or ``divisor_apportion`` (with ``seats``);
- ``POST /evaluate`` — :func:`ecograph.scoring.evaluate` on an indicator table (AHP included);
- ``POST /grade`` — :func:`ecograph.scoring.grade` on scores;
- ``GET /docs`` — a page that says where the API is described: interactive Swagger UI would load
  its scripts from a CDN, so it is not served (the service works offline).

Every ``POST /<name>`` serves the request type ``name`` of :mod:`ecograph.schema`, the module
the CLI uses too: same fields, same errors. Money travels as JSON integers (fen) or decimal
strings (``"1234.56"``), never as floats (422). Amounts come back in the same form.

Safety and resource bounds:

- bodies larger than ``max_body_bytes`` (1 MiB) are refused with 413 by an ASGI middleware that
  counts the bytes before anything parses them (``Content-Length`` and chunked bodies alike);
- the event loop only moves bytes: parsing, validation, the computation and the JSON encoding
  of the answer run in a pool of ``workers`` processes (default 2), so ``/health`` and small
  requests keep answering while a maximal request runs (bodies up to 2 KiB, a few units, are
  answered on the loop: cheaper than the hand-off); at most ``16 × workers`` requests wait
  for a worker, more get 503 with ``Retry-After``;
- JSON is parsed by :func:`ecograph.documents.parse_json`: duplicate keys, ``NaN``/``Infinity``,
  nesting deeper than 64 and numbers longer than 1000 digits are refused before conversion;
- errors are 422 with ``{"detail": [{"loc": ["body", ...], "msg": ..., "type": ...}]}``: one
  item, the first problem, its message clipped, so an error body stays small whatever the
  request; any other failure is a generic 500 without a stack trace;
- with a token configured (``ECOGRAPH_API_TOKEN``), every endpoint but ``/health`` and the API
  documents needs ``Authorization: Bearer <token>`` (401 otherwise, constant-time comparison).

Run it with ``ecograph serve --host 127.0.0.1 --port 8000`` or :func:`serve`.

Examples
--------
>>> from fastapi.testclient import TestClient
>>> client = TestClient(create_app())
>>> client.post("/allocate", json={"budget": 100, "scores": {"a": 1, "b": 3}}).json()["amounts"]
{'a': 25, 'b': 75}
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import multiprocessing
import os
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from . import __version__
from .errors import EcographError, RequestError
from .limits import MAX_MESSAGE_CHARS

__all__ = ["create_app", "serve", "handle_request", "DEFAULT_MAX_BODY_BYTES", "DEFAULT_WORKERS", "TOKEN_ENV",
           "MAX_BODY_ENV", "WORKERS_ENV"]

#: Environment variable holding the bearer token; unset or empty means no authentication.
TOKEN_ENV = "ECOGRAPH_API_TOKEN"
#: Environment variable overriding the request-body limit (bytes).
MAX_BODY_ENV = "ECOGRAPH_MAX_BODY_BYTES"
#: Environment variable overriding the number of worker processes.
WORKERS_ENV = "ECOGRAPH_WORKERS"
DEFAULT_MAX_BODY_BYTES = 1_048_576
DEFAULT_WORKERS = 2
#: Bodies up to this size are answered on the event loop (a few units: well under a millisecond of
#: work, less than handing them to a worker); larger ones go to the worker pool.
INLINE_BODY_BYTES = 2048
#: Requests waiting for a worker, per worker, before the service answers 503.
QUEUE_PER_WORKER = 16
#: Longest error message returned (messages are one line; this bounds what a client can make us echo).
_MAX_ERROR_CHARS = 20 * MAX_MESSAGE_CHARS

_OPEN_PATHS = frozenset({"/health", "/openapi.json", "/docs"})
_log = logging.getLogger("ecograph.service")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


# ---------------------------------------------------------------------------------- the work (in a worker)
def _error_detail(exc: EcographError) -> dict[str, Any]:
    loc = getattr(exc, "loc", None) if isinstance(exc, RequestError) else None
    if loc is None:
        field = getattr(exc, "field", None)
        loc = [field] if field else []
    message = exc.message.splitlines()[0] if exc.message else type(exc).__name__
    if len(message) > _MAX_ERROR_CHARS:
        message = message[:_MAX_ERROR_CHARS] + "…"
    item: dict[str, Any] = {"loc": ["body", *[str(p) if not isinstance(p, int) else p for p in loc]],
                            "msg": message, "type": type(exc).__name__}
    if getattr(exc, "id", None) is not None:
        item["id"] = str(exc.id)[:MAX_MESSAGE_CHARS]  # type: ignore[attr-defined]
    return {"detail": [item]}


def handle_request(name: str, body: bytes) -> tuple[int, bytes]:
    """Parse, check and run one request body of the request type ``name``; ``(status, JSON bytes)``.

    This is everything a request costs, so the service runs it in a worker process.

    Examples
    --------
    >>> handle_request("grade", b'{"scores": {"a": NaN}}')
    (422, b'{"detail": [{"loc": ["body"], "msg": "body, line 1: invalid JSON: NaN is not a JSON number", "type": "LoadError"}]}')
    """
    from .documents import parse_json
    from .errors import LoadError
    from .schema import REQUEST_TYPES

    try:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise LoadError(f"body: byte {exc.start} is not valid UTF-8 (JSON is UTF-8)", path="body") from None
        result = REQUEST_TYPES[name].run(parse_json(text, source="body"))
        return 200, json.dumps(result, ensure_ascii=False, allow_nan=False).encode()
    except EcographError as exc:
        return 422, json.dumps(_error_detail(exc), ensure_ascii=False).encode()
    except Exception:  # a bug: logged with its traceback here, a generic 500 for the client
        _log.exception("unhandled error in %s", name)
        return 500, b'{"detail": "internal server error"}'


def _warm_up() -> None:
    """Worker initializer: import the core once, so the first request does not pay for it."""
    from . import allocation, schema, scoring  # noqa: F401


class _Pool:
    """The worker processes, shared by the apps of one process (created on first use)."""

    _lock = threading.Lock()
    _pools: dict[int, ProcessPoolExecutor] = {}

    @classmethod
    def get(cls, workers: int) -> ProcessPoolExecutor:
        with cls._lock:
            pool = cls._pools.get(workers)
            if pool is None:
                context = multiprocessing.get_context("spawn")  # no fork of a threaded server
                pool = cls._pools[workers] = ProcessPoolExecutor(workers, mp_context=context, initializer=_warm_up)
            return pool

    @classmethod
    def discard(cls, workers: int, pool: ProcessPoolExecutor) -> None:
        with cls._lock:
            if cls._pools.get(workers) is pool:
                del cls._pools[workers]
        pool.shutdown(wait=False, cancel_futures=True)


# ---------------------------------------------------------------------------------- middleware
async def _send_json(send: Send, status: int, body: dict[str, Any], headers: list[tuple[bytes, bytes]] = ()) -> None:  # type: ignore[assignment]
    payload = json.dumps(body).encode()
    await send({
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode()), *headers],
    })
    await send({"type": "http.response.body", "body": payload})


class BodyLimitMiddleware:
    """Refuse request bodies over ``max_bytes`` with 413 before the app parses anything.

    A declared ``Content-Length`` over the limit is refused at once; otherwise the body is
    read (chunked or not) while counting, and refused as soon as the count passes the limit.
    The app then receives the buffered body.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        too_big = {"detail": f"request body larger than {self.max_bytes} bytes"}
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            try:
                length = int(declared)
            except ValueError:
                await _send_json(send, 400, {"detail": "invalid Content-Length header"})
                return
            if length > self.max_bytes:
                await _send_json(send, 413, too_big, [(b"connection", b"close")])
                return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if len(body) > self.max_bytes:
                await _send_json(send, 413, too_big, [(b"connection", b"close")])
                return
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


class BearerAuthMiddleware:
    """Require ``Authorization: Bearer <token>`` (constant-time compare) outside open paths."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.token = token.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("path") not in _OPEN_PATHS:
            header = dict(scope.get("headers") or []).get(b"authorization", b"")
            scheme, _, given = header.partition(b" ")
            if scheme.lower() != b"bearer" or not hmac.compare_digest(given.strip(), self.token):
                await _send_json(send, 401, {"detail": "missing or invalid bearer token"},
                                 [(b"www-authenticate", b'Bearer realm="ecograph"')])
                return
        await self.app(scope, receive, send)


# ---------------------------------------------------------------------------------- app
_DOCS_PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>ecograph API</title></head>
<body style="font-family: sans-serif; max-width: 46em; margin: 2em auto">
<h1>ecograph API {version}</h1>
<p>The service runs offline, so it does not serve Swagger UI (its scripts come from a CDN).
The OpenAPI document is at <a href="/openapi.json">/openapi.json</a>: open it in any OpenAPI viewer.</p>
<p>本服务离线运行，不加载 CDN 上的 Swagger UI；接口说明见 <a href="/openapi.json">/openapi.json</a>。</p>
<ul>{endpoints}</ul></body></html>"""


def create_app(*, max_body_bytes: int | None = None, token: str | None = None, workers: int | None = None) -> FastAPI:
    """Build the FastAPI application.

    Parameters
    ----------
    max_body_bytes : int, optional
        Largest accepted request body; default ``$ECOGRAPH_MAX_BODY_BYTES`` or 1 MiB.
    token : str, optional
        Bearer token required on the API endpoints; default ``$ECOGRAPH_API_TOKEN``
        (no authentication when unset or empty).
    workers : int, optional
        Worker processes for the requests; default ``$ECOGRAPH_WORKERS`` or 2.

    Returns
    -------
    fastapi.FastAPI

    Raises
    ------
    ValueError
        A limit that is not a positive integer.

    Examples
    --------
    >>> from fastapi.testclient import TestClient
    >>> TestClient(create_app(token="s3cret")).post("/grade", json={}).status_code
    401
    """
    from .schema import REQUEST_TYPES

    if max_body_bytes is None:
        max_body_bytes = int(os.environ.get(MAX_BODY_ENV) or DEFAULT_MAX_BODY_BYTES)
    if workers is None:
        workers = int(os.environ.get(WORKERS_ENV) or DEFAULT_WORKERS)
    if max_body_bytes < 1 or workers < 1:
        raise ValueError(f"max_body_bytes and workers must be positive, got {max_body_bytes} and {workers}")
    if token is None:
        token = os.environ.get(TOKEN_ENV) or None
    app = FastAPI(
        title="ecograph",
        version=__version__,
        description="Exact budget allocation, performance evaluation and grading for innovation-service "
        "ecosystems. Money is an integer (fen) or a decimal string, never a float.",
        docs_url=None,
        redoc_url=None,
    )
    waiting = asyncio.Semaphore(QUEUE_PER_WORKER * workers)

    @app.exception_handler(EcographError)
    async def ecograph_error(request: Request, exc: EcographError) -> JSONResponse:
        return JSONResponse(_error_detail(exc), status_code=422)

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
        _log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse({"detail": "internal server error"}, status_code=500)

    @app.get("/health", summary="Liveness check")
    async def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        items = "".join(f"<li><code>POST /{name}</code> — {rt.summary}</li>" for name, rt in REQUEST_TYPES.items())
        return HTMLResponse(_DOCS_PAGE.format(version=__version__, endpoints=items))

    async def run_in_worker(name: str, body: bytes) -> Response:
        if len(body) <= INLINE_BODY_BYTES:  # a few units: answered at once, cheaper than a hand-off
            status, payload = handle_request(name, body)
            return Response(payload, status_code=status, media_type="application/json")
        if waiting.locked():
            return JSONResponse({"detail": "busy: too many requests waiting; retry shortly"}, status_code=503,
                                headers={"Retry-After": "1"})
        async with waiting:
            pool = _Pool.get(workers)
            try:
                status, payload = await asyncio.get_running_loop().run_in_executor(pool, handle_request, name, body)
            except BrokenProcessPool:  # a worker died (killed, out of memory): start afresh
                _Pool.discard(workers, pool)
                _log.error("a worker process died while serving %s", name)
                return JSONResponse({"detail": "a worker failed; retry"}, status_code=503, headers={"Retry-After": "1"})
        return Response(payload, status_code=status, media_type="application/json")

    def endpoint(name: str) -> Callable[[Request], Awaitable[Response]]:
        async def serve_request(request: Request) -> Response:
            return await run_in_worker(name, await request.body())

        serve_request.__name__ = f"{name}_endpoint"
        return serve_request

    for name, request_type in REQUEST_TYPES.items():
        app.add_api_route(
            f"/{name}", endpoint(name), methods=["POST"], summary=request_type.summary,
            openapi_extra={"requestBody": {"required": True, "content": {
                "application/json": {"schema": request_type.json_schema()}}}},
        )

    app.add_middleware(BodyLimitMiddleware, max_bytes=max_body_bytes)
    if token:
        app.add_middleware(BearerAuthMiddleware, token=token)  # added last: runs first
    return app


def serve(host: str = "127.0.0.1", port: int = 8000, *, max_body_bytes: int | None = None,
          token: str | None = None, workers: int | None = None, log_level: str = "info") -> None:
    """Run the service with uvicorn until interrupted.

    Parameters
    ----------
    host, port : str, int
        Where to listen (loopback by default).
    max_body_bytes, token, workers :
        See :func:`create_app`.
    log_level : str
        uvicorn's log level.
    """
    import uvicorn

    uvicorn.run(create_app(max_body_bytes=max_body_bytes, token=token, workers=workers), host=host, port=port,
                log_level=log_level)
