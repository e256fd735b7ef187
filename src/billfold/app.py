"""``create_app()``: the API, the landing page, the API reference and the hosted invoice pages."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match, Mount
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from billfold.api.app import api_routes
from billfold.api.auth import Authenticator
from billfold.api.pipeline import ApiState, api_version, error_response
from billfold.clock import Clock, SystemClock
from billfold.config import Settings, get_settings
from billfold.db import Database
from billfold.errors import BillfoldError, InvalidRequestError
from billfold.hosted import hosted_routes
from billfold.ids import new_id
from billfold.web import landing
from billfold.web.templating import STATIC_DIR

__all__ = ["create_app"]


def create_app(
    settings: Settings | None = None, *, clock: Clock | None = None, database: Database | None = None
) -> Starlette:
    """The whole web application, wired to ``settings`` (from the environment by default)."""
    settings = settings or get_settings()
    db = database or Database(settings.database_url, background_checkpoints=True)
    state = ApiState(db=db, clock=clock or SystemClock(), settings=settings, auth=Authenticator(settings.secret_key))

    async def not_found(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 404
        if request.url.path.startswith("/v1/"):
            message = (
                f"Unrecognized request URL ({request.method}: {request.url.path}). "
                "Please see https://stripe.com/docs or we can help at https://support.stripe.com/."
            )
            err = InvalidRequestError(message)
            err.http_status = 404
            try:
                version = api_version(request, settings.api_version)
            except BillfoldError:
                version = settings.api_version
            return error_response(err, new_id("req", 14), version)
        return landing.not_found(request, status)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        # What exists now (modules, routes, compiled statements) lives as long as the process:
        # keep it out of the collector's way, so collections scan only per-request garbage.
        gc.collect()
        gc.freeze()
        if db.checkpointer is not None:
            db.checkpointer.start()
        yield
        if database is None:
            db.close()

    api = api_routes(state)
    routes: list[BaseRoute] = [
        *api,  # first: the API is the hot path (and owns every /v1/ path)
        *landing.routes(settings),
        *hosted_routes(state),
        Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
    ]
    app = _App(api[0], routes=routes, exception_handlers={404: not_found, 405: not_found}, lifespan=lifespan)
    app.state.api = state
    return app


class _App(Starlette):
    """Starlette, with matched API calls sent straight to their route.

    The pipeline answers every error of an API call itself, so Starlette's two exception
    middlewares, which wrap the call and each ``send``, only cost time there; every other
    request (and an API path that does not match: 404, 405) takes Starlette's usual way.
    """

    def __init__(self, api: BaseRoute, **kwargs: Any) -> None:  # noqa: ANN401
        super().__init__(**kwargs)
        self._api = api

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/v1/"):
            match, child = self._api.matches(scope)
            if match is Match.FULL:
                scope["app"] = self
                scope.update(child)
                await self._api.handle(scope, receive, send)
                return
        await super().__call__(scope, receive, send)
