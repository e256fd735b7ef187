"""The request path of every API call.

Read and parse the whole request first; then, inline and without awaiting, run one
unit of work on the process's connection: authenticate, validate, check the
idempotency key, call the handler, expand, store the idempotent response. The unit
joins the loop's commit group (billfold.db, "grouped" units); await the group's COMMIT,
then render. A failure anywhere rolls the whole unit back.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from asyncio import Future
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy.exc import IntegrityError
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.types import Receive, Scope

from billfold.api import idempotency
from billfold.api.auth import Authenticator
from billfold.api.expand import expand
from billfold.api.params.base import Params, parse_params
from billfold.api.params.forms import parse_form
from billfold.api.routing import Endpoint
from billfold.clock import Clock
from billfold.config import Settings
from billfold.context import Ctx
from billfold.db import Database
from billfold.errors import ApiError, BillfoldError, CommittedError, ConflictError, InvalidRequestError
from billfold.ids import new_id

__all__ = ["ApiState", "api_version", "error_response", "handle"]

log = logging.getLogger("billfold.api")


@dataclass(slots=True)
class ApiState:
    """What the API needs from the running app."""

    db: Database
    clock: Clock
    settings: Settings
    auth: Authenticator

    @property
    def base_url(self) -> str:
        """Where hosted pages live, without a trailing slash."""
        return self.settings.public_base_url.rstrip("/")


_VERSION = re.compile(r"^\d{4}-\d{2}-\d{2}(\.[A-Za-z0-9_]+)?$")


def api_version(request: Request, default: str) -> str:
    """The ``Stripe-Version`` the caller asked for (echoed back, as Stripe does), else ours."""
    return _checked_version(request.headers.get("stripe-version"), default)


def _checked_version(asked: str | None, default: str) -> str:
    if not asked:
        return default
    if _VERSION.match(asked) is None:
        raise InvalidRequestError(f"Invalid Stripe API version: {asked[:64]}", param="Stripe-Version")
    return asked


def _ttl(state: ApiState) -> dt.timedelta:
    return dt.timedelta(hours=state.settings.idempotency_ttl_hours)


class _KeyRace(Exception):  # noqa: N818 - internal control flow, never rendered
    """Another request committed the same idempotency key first."""


def error_body(exc: BillfoldError) -> bytes:
    """Stripe's error envelope."""
    return orjson.dumps({"error": exc.to_dict()})


def error_response(exc: BillfoldError, request_id: str, api_version: str) -> Response:
    """A rendered error with the standard headers."""
    return _response(exc.http_status, error_body(exc), request_id, api_version, replayed=False)


_CONTENT_TYPE = (b"content-type", b"application/json")
_REPLAYED = (b"idempotent-replayed", b"true")


class _ApiResponse(Response):
    """A JSON response with its raw headers built directly.

    Starlette's ``init_headers`` is generic: it lower-cases, encodes and scans a mapping on
    every response.
    """

    media_type = "application/json"

    def __init__(self, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
        self.status_code = status
        self.background = None
        self.body = body
        self.raw_headers = headers


def _response(status: int, body: bytes, request_id: str, api_version: str, *, replayed: bool) -> Response:
    headers = [
        (b"content-length", str(len(body)).encode()),
        _CONTENT_TYPE,
        (b"request-id", request_id.encode()),
        (b"stripe-version", api_version.encode("latin-1")),
    ]
    if replayed:
        headers.append(_REPLAYED)
    return _ApiResponse(status, body, headers)


def _query(scope: Scope) -> dict[str, Any]:
    query: bytes = scope.get("query_string", b"")
    if not query:
        return {}
    try:
        return parse_form(query.decode())
    except UnicodeDecodeError:
        raise InvalidRequestError("The query string is not valid UTF-8.") from None


class _Headers:
    """The request headers this pipeline reads, found in one pass over the raw ASGI list.

    Starlette's ``Headers.get`` scans and lower-cases the whole list on every call; ASGI
    header names are already lower-case. As with ``Headers.get``, the first occurrence wins.
    """

    __slots__ = ("_raw",)

    def __init__(self, scope: Scope) -> None:
        raw: dict[bytes, bytes] = {}
        for name, value in scope["headers"]:
            if name not in raw:
                raw[name] = value
        self._raw = raw

    def get(self, name: bytes) -> str | None:
        value = self._raw.get(name)
        return None if value is None else value.decode("latin-1")


_NO_PATH: dict[str, Any] = {}

# A request model validated from no parameters at all, per model (request models are frozen).
_NO_PARAMS: dict[type[Params], Params] = {}


def _params(model: type[Params], raw: dict[str, Any]) -> Params:
    if raw:
        return parse_params(model, raw)
    params = _NO_PARAMS.get(model)
    if params is None:
        params = _NO_PARAMS[model] = parse_params(model, raw)  # raises if a field is required
    return params


async def _body(receive: Receive) -> bytes:
    """The whole request body (what Starlette's ``Request.body`` does, without its layers)."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnect
        chunk: bytes = message.get("body", b"")
        if not message.get("more_body", False):
            return b"".join((*chunks, chunk)) if chunks else chunk
        chunks.append(chunk)


async def _read(scope: Scope, receive: Receive, headers: _Headers, method: str) -> dict[str, Any]:
    if method != "POST":
        return _query(scope)
    body = await _body(receive)
    if not body:
        return _query(scope)
    if (headers.get(b"content-type") or "").startswith("application/json"):
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError:
            raise InvalidRequestError("Invalid JSON body.", code="parameter_invalid_json") from None
        if not isinstance(data, dict):
            raise InvalidRequestError("A JSON body must be an object.", code="parameter_invalid_json")
        return data
    try:
        return parse_form(body.decode())
    except UnicodeDecodeError:
        raise InvalidRequestError("The request body is not valid UTF-8.") from None


def _run(  # noqa: PLR0917 - the request's parts, read once by the caller
    state: ApiState,
    scope: Scope,
    headers: _Headers,
    ep: Endpoint,
    raw: dict[str, Any],
    request_id: str,
) -> tuple[int, bytes, bool, Future[None] | None]:
    """The unit of work: status, body, whether replayed, and the commit group to await (if any)."""
    key = headers.get(b"idempotency-key") if ep.method == "POST" else None
    uow = state.db.unit(readonly=ep.method == "GET", grouped=True, batch_appends=ep.batch_appends)
    with uow as unit:
        account_id = state.auth.account_id(unit, headers.get(b"authorization"), headers.get(b"stripe-account"))
        ctx = Ctx(unit, account_id, state.clock, request_id, key, state.settings.api_version, state.base_url)
        params = _params(ep.params, raw)
        if key is None:
            status, body = _call(ctx, ep, params, scope.get("path_params", _NO_PATH))
            return status, body, False, uow.group
        if len(key) > 255:
            raise InvalidRequestError("Idempotency keys must be at most 255 characters.", param="Idempotency-Key")
        fingerprint = idempotency.fingerprint(ep.method, scope["path"], raw)
        stored = idempotency.lookup(ctx, key, fingerprint, ttl=_ttl(state))
        if stored is not None:
            return stored.status_code, stored.body, True, uow.group
        status, body = _run_idempotent(ctx, ep, params, scope.get("path_params", _NO_PATH))
        try:
            idempotency.store(ctx, key, fingerprint, status, body)
        except IntegrityError:
            raise _KeyRace from None
        return status, body, False, uow.group


def _run_idempotent(ctx: Ctx, ep: Endpoint, params: Any, path: dict[str, Any]) -> tuple[int, bytes]:  # noqa: ANN401
    """Run the handler in a savepoint so a rule error is stored (and replayed) without its writes."""
    try:
        with ctx.savepoint():
            return _call(ctx, ep, params, path)
    except BillfoldError as exc:
        if exc.http_status >= 500 or isinstance(exc, ConflictError):
            raise
        return exc.http_status, error_body(exc)


def _call(ctx: Ctx, ep: Endpoint, params: Any, path: dict[str, Any]) -> tuple[int, bytes]:  # noqa: ANN401
    """The handler and ``expand[]``; a ``CommittedError`` keeps the work and answers with its error."""
    try:
        payload = ep.handler(ctx, params, **path)
    except CommittedError as exc:
        ctx.session.flush()
        return exc.error.http_status, error_body(exc.error)
    paths = getattr(params, "expand", None)
    if paths:
        expand(ctx, payload, paths)
    return 200, orjson.dumps(payload)


def _replay_after_race(
    state: ApiState, scope: Scope, headers: _Headers, ep: Endpoint, raw: dict[str, Any]
) -> tuple[int, bytes, Future[None] | None]:
    key = headers.get(b"idempotency-key") or ""
    uow = state.db.unit(readonly=True, grouped=True)
    with uow as unit:
        account_id = state.auth.account_id(unit, headers.get(b"authorization"), headers.get(b"stripe-account"))
        ctx = Ctx(unit, account_id, state.clock)
        stored = idempotency.lookup(
            ctx,
            key,
            idempotency.fingerprint(ep.method, scope["path"], raw),
            ttl=_ttl(state),
        )
    if stored is None:
        raise ConflictError(
            "There is currently another in-progress request using this Stripe token (idempotency key). "
            "Please try again later.",
            code="idempotency_key_in_use",
        )
    return stored.status_code, stored.body, uow.group


async def handle(state: ApiState, scope: Scope, receive: Receive, ep: Endpoint) -> Response:
    """Serve one API request (read from the ASGI scope and ``receive`` directly)."""
    request_id = new_id("req", 14)
    version = state.settings.api_version
    replayed = False
    try:
        headers = _Headers(scope)
        version = _checked_version(headers.get(b"stripe-version"), version)
        raw = await _read(scope, receive, headers, ep.method)
        try:
            status, body, replayed, group = _run(state, scope, headers, ep, raw, request_id)
        except _KeyRace:
            status, body, group = _replay_after_race(state, scope, headers, ep, raw)
            replayed = True
        if group is not None:  # answer only once what the answer shows is committed
            await group
    except BillfoldError as exc:
        status, body = exc.http_status, error_body(exc)
    except Exception:
        log.exception("unhandled error in %s %s (%s)", ep.method, ep.path, request_id)
        failure = ApiError("An unexpected error occurred; the request was not applied.")
        status, body = failure.http_status, error_body(failure)
    return _response(status, body, request_id, version, replayed=replayed)
