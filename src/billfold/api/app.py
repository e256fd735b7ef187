"""Assemble the API's Starlette routes from the routers."""

from __future__ import annotations

from typing import Any

from starlette.routing import BaseRoute, Match, NoMatchFound, Route
from starlette.types import Receive, Scope, Send

from billfold.api.pipeline import ApiState, handle
from billfold.api.routes import ROUTERS
from billfold.api.routing import Endpoint

__all__ = ["ApiRoutes", "api_routes", "endpoints"]

_PREFIX = "/v1/"
_ROUTE = "billfold.api_route"  # the scope key carrying the matched route to ApiRoutes.handle


def endpoints() -> list[Endpoint]:
    """Every API endpoint, in matching order."""
    return [ep for router in ROUTERS for ep in router.endpoints]


def _resource(path: str) -> tuple[str, int]:
    """``/v1/customers/cus_1/tax_ids`` → ``("customers", 4)``: the resource and the depth."""
    end = path.find("/", len(_PREFIX))
    return path[len(_PREFIX) : end if end >= 0 else None], path.count("/")


class ApiRoutes(BaseRoute):
    """Every ``/v1`` route, looked up by its resource segment and depth first.

    Starlette tries its routes one regular expression at a time (about 1 µs each, and there
    are dozens of API routes); here only the routes of the requested resource with as many
    segments as the path are tried (path parameters never contain ``/``), in declaration
    order, with Starlette's own matching, so 404 and 405 behave exactly as with a flat
    list of routes. ``routes`` is that list.
    """

    def __init__(self, routes: list[Route]) -> None:
        self.routes = routes
        self._by_resource: dict[tuple[str, int], list[Route]] = {}
        # Paths without parameters that no earlier route would match: found by one dict lookup.
        self._static: dict[str, Route] = {}
        for route in routes:
            resource, depth = _resource(route.path)
            if not route.path.startswith(_PREFIX) or not resource or "{" in resource or ":path}" in route.path:
                msg = f"API paths look like /v1/<resource>[/...] without path-convertor parameters: {route.path}"
                raise ValueError(msg)
            earlier = self._by_resource.setdefault((resource, depth), [])
            if "{" not in route.path and not any(other.path_regex.match(route.path) for other in earlier):
                self._static[route.path] = route
            earlier.append(route)

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] != "http":
            return Match.NONE, {}
        path: str = scope["path"]
        root_path: str = scope.get("root_path", "")
        if root_path and path.startswith(root_path):
            path = path[len(root_path) :]
        if not path.startswith(_PREFIX):
            return Match.NONE, {}
        static = self._static.get(path)
        if static is not None and not scope.get("path_params") and scope["method"] in static.methods:  # type: ignore[operator]
            return Match.FULL, {"endpoint": static.endpoint, "path_params": {}, _ROUTE: static}
        partial: tuple[Route, Scope] | None = None
        for route in self._by_resource.get(_resource(path), ()):
            match, child = route.matches(scope)
            if match is Match.FULL:
                child[_ROUTE] = route
                return match, child
            if match is Match.PARTIAL and partial is None:
                partial = route, child
        if partial is not None:
            route, child = partial
            child[_ROUTE] = route
            return Match.PARTIAL, child
        return Match.NONE, {}

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        await scope[_ROUTE].handle(scope, receive, send)

    def url_path_for(self, name: str, /, **path_params: Any) -> Any:  # noqa: ANN401 - Starlette's URLPath
        for route in self.routes:
            try:
                return route.url_path_for(name, **path_params)
            except NoMatchFound:
                pass
        raise NoMatchFound(name, path_params)


class _Operations:
    """The ASGI app behind one API path: picks the operation by method and runs the pipeline.

    An ASGI app, not a request function, so that Starlette does not wrap it in
    ``request_response`` (a second exception-handling layer around every call and every
    ``send``): the pipeline already answers every error itself.
    """

    def __init__(self, state: ApiState, by_method: dict[str, Endpoint]) -> None:
        self._state = state
        # HEAD is served like GET (Starlette routes HEAD wherever GET is; uvicorn drops the body).
        self._by_method = {**by_method, "HEAD": by_method["GET"]} if "GET" in by_method else by_method
        self.__name__ = next(iter(by_method.values())).handler.__name__

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = await handle(self._state, scope, receive, self._by_method[scope["method"]])
        await response(scope, receive, send)


def api_routes(state: ApiState) -> list[BaseRoute]:
    """The API's routes (one :class:`ApiRoutes`); one path with several methods is one route."""
    by_path: dict[str, dict[str, Endpoint]] = {}
    for ep in endpoints():
        by_path.setdefault(ep.path, {})[ep.method] = ep
    routes = [Route(path, _Operations(state, methods), methods=list(methods)) for path, methods in by_path.items()]
    return [ApiRoutes(routes)]
