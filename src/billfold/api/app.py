"""Assemble the API's Starlette routes from the routers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from billfold.api.pipeline import ApiState, handle
from billfold.api.routes import ROUTERS
from billfold.api.routing import Endpoint

__all__ = ["api_routes", "endpoints"]


def endpoints() -> list[Endpoint]:
    """Every API endpoint, in matching order."""
    return [ep for router in ROUTERS for ep in router.endpoints]


def _endpoint(state: ApiState, ep: Endpoint) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        return await handle(state, request, ep)

    endpoint.__name__ = ep.handler.__name__
    return endpoint


def api_routes(state: ApiState) -> list[Route]:
    """Starlette routes; one path with several methods becomes one route."""
    by_path: dict[str, dict[str, Endpoint]] = {}
    for ep in endpoints():
        by_path.setdefault(ep.path, {})[ep.method] = ep
    routes: list[Route] = []
    for path, methods in by_path.items():
        handlers = {method: _endpoint(state, ep) for method, ep in methods.items()}

        async def dispatch(
            request: Request, handlers: dict[str, Callable[[Request], Awaitable[Response]]] = handlers
        ) -> Response:
            return await handlers[request.method](request)

        routes.append(Route(path, dispatch, methods=list(methods)))
    return routes
