"""``ApiRoutes`` matches exactly as Starlette's flat list of the same routes would."""

from __future__ import annotations

import re

import pytest
from starlette.routing import Match, Route

from billfold.api.app import ApiRoutes, api_routes
from billfold.api.auth import Authenticator
from billfold.api.pipeline import ApiState
from billfold.clock import SystemClock
from billfold.config import Settings
from billfold.db import Database


@pytest.fixture(scope="module")
def routes() -> ApiRoutes:
    db = Database("sqlite://")
    state = ApiState(db=db, clock=SystemClock(), settings=Settings(), auth=Authenticator("secret"))
    found = api_routes(state)[0]
    assert isinstance(found, ApiRoutes)
    return found


def _flat(routes: list[Route], scope: dict[str, object]) -> tuple[Match, Route | None]:
    """Starlette's own rule: the first full match, else the first partial one."""
    partial = None
    for route in routes:
        match, _child = route.matches(scope)
        if match is Match.FULL:
            return match, route
        if match is Match.PARTIAL and partial is None:
            partial = route
    return (Match.PARTIAL, partial) if partial is not None else (Match.NONE, None)


def _paths(routes: ApiRoutes) -> list[str]:
    """Every route's path with sample parameters, plus paths that only look like routes."""
    paths = [re.sub(r"\{[^}]+\}", "x_1", route.path) for route in routes.routes]
    # A parameter that spells a fixed segment (e.g. ``search``), and paths that match nothing.
    paths += [re.sub(r"\{[^}]+\}", "search", route.path) for route in routes.routes if "{" in route.path]
    return [*paths, "/v1/nothing", "/v1/customers/x/y/z/w", "/v1/"]


@pytest.mark.parametrize("method", ["GET", "POST", "DELETE", "HEAD", "PUT"])
def test_every_path_finds_the_route_a_flat_list_would(routes: ApiRoutes, method: str) -> None:
    assert "/v1/billing_portal/sessions" in routes._static  # the one-lookup way is taken where it can be
    for path in _paths(routes):
        scope: dict[str, object] = {"type": "http", "path": path, "root_path": "", "method": method}
        match, child = routes.matches(scope)
        expected, route = _flat(routes.routes, scope)
        assert match is expected, (method, path)
        if route is not None:
            assert child["endpoint"] is route.endpoint, (method, path)
