"""HTTP service: allocation, evaluation and grading over JSON (FastAPI + uvicorn).

Endpoints (OpenAPI document at ``/openapi.json``, interactive docs at ``/docs``):

- ``GET /health`` — liveness and version (never needs a token);
- ``POST /allocate`` — :func:`ecograph.allocation.allocate`;
- ``POST /evaluate`` — :func:`ecograph.evaluation.evaluate` on an indicator table;
- ``POST /grade`` — :func:`ecograph.evaluation.grade` on scores.

Money travels as JSON integers (smallest unit, fen) or decimal strings (``"1234.56"``), never
as floats: a float budget, unit, floor, cap, fixed amount or reserve is refused with 422.
Amounts come back in the same form (integers for integer input, strings for decimal input).

Safety: request bodies larger than ``max_body_bytes`` are refused with 413 by an ASGI
middleware that counts the bytes before anything parses them (declared ``Content-Length`` and
chunked bodies alike); with a token configured (``ECOGRAPH_API_TOKEN``), every endpoint but
``/health`` and the API documents needs ``Authorization: Bearer <token>`` (401 otherwise,
constant-time comparison); validation errors are 422 naming the field; any other failure is a
generic 500 JSON without a stack trace.

Run it with ``ecograph serve --host 127.0.0.1 --port 8000`` or :func:`serve`.

Examples
--------
>>> from fastapi.testclient import TestClient
>>> client = TestClient(create_app())
>>> client.post("/allocate", json={"budget": 100, "scores": {"a": 1, "b": 3}}).json()["amounts"]
{'a': 25, 'b': 75}
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import re
from collections.abc import Awaitable, Callable, MutableMapping
from decimal import Decimal
from typing import Annotated, Any, Literal, Union

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictFloat, StrictInt, StrictStr

from . import __version__
from .allocation import allocate
from .errors import EcographError
from .evaluation import IndicatorTable, ahp_weights, evaluate, grade

__all__ = ["create_app", "serve", "DEFAULT_MAX_BODY_BYTES", "TOKEN_ENV", "MAX_BODY_ENV"]

#: Environment variable holding the bearer token; unset or empty means no authentication.
TOKEN_ENV = "ECOGRAPH_API_TOKEN"
#: Environment variable overriding the request-body limit (bytes).
MAX_BODY_ENV = "ECOGRAPH_MAX_BODY_BYTES"
DEFAULT_MAX_BODY_BYTES = 1_048_576

_OPEN_PATHS = frozenset({"/health", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"})
_DECIMAL = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
_log = logging.getLogger("ecograph.service")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


# ---------------------------------------------------------------------------------- request models
def _decimal_text(value: int | str) -> int | Decimal:
    if isinstance(value, int):
        return value
    if not _DECIMAL.match(value):
        raise ValueError("expected an integer or a decimal string such as '1234.56'")
    return Decimal(value)


#: Money: a JSON integer (fen) or a decimal string; floats are refused.
Money = Annotated[Union[StrictInt, StrictStr], AfterValidator(_decimal_text)]
#: A score or weight: any JSON number, or a decimal string.
Number = Annotated[Union[StrictInt, StrictFloat, StrictStr], AfterValidator(lambda v: _decimal_text(v) if isinstance(v, str) else v)]
GradeName = Literal["excellent", "good", "pass", "fail"]
PassingGrade = Literal["excellent", "good", "pass"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AllocateRequest(_Strict):
    """Body of ``POST /allocate`` (see :func:`ecograph.allocation.allocate`)."""

    budget: Money
    scores: dict[str, Number] = Field(min_length=1)
    unit: Money = 1
    floor: Union[Money, dict[str, Money]] = 0
    cap: Union[Money, dict[str, Money], None] = None
    eligible: Union[list[str], None] = None
    exclude: Union[list[str], dict[str, str], None] = None
    grades: Union[dict[str, GradeName], None] = None
    grade_weights: Union[dict[GradeName, Number], None] = None
    fixed: Union[dict[str, Money], None] = None
    reserve: Union[dict[str, Money], None] = None
    explain: bool = True


class AhpRequest(_Strict):
    matrix: list[list[Union[StrictInt, StrictFloat]]]
    force: bool = False


class EvaluateRequest(_Strict):
    """Body of ``POST /evaluate`` (see :func:`ecograph.evaluation.evaluate`)."""

    units: dict[str, dict[str, Union[StrictInt, StrictFloat, None]]] = Field(min_length=1)
    indicators: Union[list[str], None] = None
    directions: dict[str, Literal["higher", "lower"]] = Field(default_factory=dict)
    normalization: Literal["minmax", "vector", "zscore"] = "minmax"
    weights: Union[Literal["entropy", "equal"], dict[str, Union[StrictInt, StrictFloat]]] = "entropy"
    ahp: Union[AhpRequest, None] = None
    method: Literal["weighted_sum", "topsis"] = "weighted_sum"
    missing: Literal["error", "zero", "mean", "exclude"] = "error"
    thresholds: Union[dict[PassingGrade, Union[StrictInt, StrictFloat]], None] = None
    quota: Union[dict[PassingGrade, Union[StrictInt, StrictFloat]], None] = None
    fail: Union[list[str], dict[str, str]] = Field(default_factory=list)


class GradeRequest(_Strict):
    """Body of ``POST /grade`` (see :func:`ecograph.evaluation.grade`)."""

    scores: dict[str, Union[StrictInt, StrictFloat]] = Field(min_length=1)
    thresholds: Union[dict[PassingGrade, Union[StrictInt, StrictFloat]], None] = None
    quota: Union[dict[PassingGrade, Union[StrictInt, StrictFloat]], None] = None
    fail: Union[list[str], dict[str, str]] = Field(default_factory=list)


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
def _error_detail(exc: EcographError, kind: str) -> dict[str, Any]:
    field = getattr(exc, "field", None)
    loc = ["body"] + ([field] if field else [])
    item: dict[str, Any] = {"loc": loc, "msg": exc.message, "type": kind}
    if getattr(exc, "id", None) is not None:
        item["id"] = str(exc.id)  # type: ignore[attr-defined]
    return {"detail": [item]}


def create_app(*, max_body_bytes: int | None = None, token: str | None = None) -> FastAPI:
    """Build the FastAPI application.

    Parameters
    ----------
    max_body_bytes : int, optional
        Largest accepted request body; default ``$ECOGRAPH_MAX_BODY_BYTES`` or 1 MiB.
    token : str, optional
        Bearer token required on the API endpoints; default ``$ECOGRAPH_API_TOKEN``
        (no authentication when unset or empty).

    Returns
    -------
    fastapi.FastAPI

    Examples
    --------
    >>> from fastapi.testclient import TestClient
    >>> TestClient(create_app(token="s3cret")).post("/grade", json={}).status_code
    401
    """
    if max_body_bytes is None:
        max_body_bytes = int(os.environ.get(MAX_BODY_ENV) or DEFAULT_MAX_BODY_BYTES)
    if token is None:
        token = os.environ.get(TOKEN_ENV) or None
    app = FastAPI(
        title="ecograph",
        version=__version__,
        description="Exact budget allocation, performance evaluation and grading for innovation-service "
        "ecosystems. Money is an integer (fen) or a decimal string, never a float.",
    )

    @app.exception_handler(EcographError)
    async def ecograph_error(request: Request, exc: EcographError) -> JSONResponse:
        return JSONResponse(_error_detail(exc, type(exc).__name__), status_code=422)

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
        _log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse({"detail": "internal server error"}, status_code=500)

    @app.get("/health", summary="Liveness check")
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    @app.post("/allocate", summary="Allocate a budget exactly by score")
    def allocate_endpoint(body: AllocateRequest) -> dict[str, Any]:
        result = allocate(
            body.budget,
            body.scores,
            unit=body.unit,
            floor=body.floor,
            cap=body.cap,
            eligible=body.eligible,
            exclude=body.exclude,
            grades=body.grades,
            grade_weights=body.grade_weights,
            fixed=body.fixed,
            reserve=body.reserve,
        )
        return result.to_json(explain=body.explain)

    @app.post("/evaluate", summary="Score and grade units from an indicator table")
    def evaluate_endpoint(body: EvaluateRequest) -> dict[str, Any]:
        table = IndicatorTable.from_records(body.units, body.indicators)
        weights: Any = body.weights
        if body.ahp is not None:
            weights = ahp_weights(body.ahp.matrix, table.indicators, force=body.ahp.force)
        result = evaluate(
            table,
            body.directions,
            normalization=body.normalization,
            weights=weights,
            method=body.method,
            missing=body.missing,
            thresholds=body.thresholds,
            quota=body.quota,
            fail=body.fail,
        )
        out = result.to_dict()
        if result.grades is not None:
            out["grades_zh"] = result.grades.to_dict(chinese=True)
        return out

    @app.post("/grade", summary="Grade scores by thresholds or quota")
    def grade_endpoint(body: GradeRequest) -> dict[str, Any]:
        grades = grade(body.scores, thresholds=body.thresholds, quota=body.quota, fail=body.fail)
        return {
            "grades": grades.to_dict(),
            "grades_zh": grades.to_dict(chinese=True),
            "counts": grades.counts(),
            "rule": grades.rule,
        }

    app.add_middleware(BodyLimitMiddleware, max_bytes=max_body_bytes)
    if token:
        app.add_middleware(BearerAuthMiddleware, token=token)  # added last: runs first
    return app


def serve(host: str = "127.0.0.1", port: int = 8000, *, max_body_bytes: int | None = None,
          token: str | None = None, log_level: str = "info") -> None:
    """Run the service with uvicorn until interrupted.

    Parameters
    ----------
    host, port : str, int
        Where to listen (loopback by default).
    max_body_bytes, token :
        See :func:`create_app`.
    log_level : str
        uvicorn's log level.
    """
    import uvicorn

    uvicorn.run(create_app(max_body_bytes=max_body_bytes, token=token), host=host, port=port, log_level=log_level)
