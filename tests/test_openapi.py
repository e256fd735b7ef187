"""``/openapi.json``: valid OpenAPI 3.1, exactly the routed endpoints (as the README lists them), no 5xx on GETs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from starlette.routing import Route

from billfold import __version__
from billfold.api.app import endpoints
from tests.support import LiveServer

_PATH_PARAM = re.compile(r"{(\w+)}")
README = Path(__file__).resolve().parents[1] / "README.md"


@pytest.fixture(scope="module")
def live() -> Iterator[LiveServer]:
    server = LiveServer("sqlite").start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def document(live: LiveServer) -> dict[str, Any]:
    response = httpx.get(f"{live.url}/openapi.json")
    assert response.status_code == 200
    data: dict[str, Any] = response.json()
    return data


def _operations(doc: dict[str, Any]) -> set[tuple[str, str]]:
    return {(method.upper(), path) for path, ops in doc["paths"].items() for method in ops}


def test_is_valid_openapi_31(document: dict[str, Any], live: LiveServer) -> None:
    assert document["openapi"] == "3.1.0"
    assert document["info"]["title"] == "Billfold API"
    assert document["info"]["version"] == __version__
    assert document["servers"] == [{"url": live.url}]
    assert set(document["components"]["securitySchemes"]) == {"bearerAuth", "basicAuth"}
    # Checked against the OpenAPI 3.1 meta-schema that schemathesis ships.
    schemathesis.openapi.from_dict(document).validate()


def test_lists_exactly_the_implemented_endpoints(document: dict[str, Any]) -> None:
    assert _operations(document) == {(ep.method, ep.path) for ep in endpoints()}


def _routes(routes: list[Any]) -> Iterator[Any]:
    """Every route, looking inside groups of routes (the API's routes are one ``ApiRoutes``)."""
    for route in routes:
        yield route
        yield from _routes(getattr(route, "routes", []))


def test_lists_exactly_what_the_app_routes(document: dict[str, Any], live: LiveServer) -> None:
    routed = {
        (method, route.path)
        for route in _routes(live.app.routes)
        if isinstance(route, Route) and route.path.startswith("/v1/")
        for method in route.methods or ()
        if method != "HEAD"
    }
    assert _operations(document) == routed


def test_operations_are_complete(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    seen_ids: set[str] = set()
    for path, ops in document["paths"].items():
        for method, op in ops.items():
            assert op["summary"], (method, path)
            assert op["operationId"] not in seen_ids
            seen_ids.add(op["operationId"])
            assert {"200", "default"} <= set(op["responses"])
            declared = {p["name"] for p in op["parameters"] if p["in"] == "path"}
            assert declared == set(_PATH_PARAM.findall(path)), (method, path)
            if method == "post":
                for media in op["requestBody"]["content"].values():
                    assert media["schema"]["$ref"].rsplit("/", 1)[-1] in schemas


def test_every_reference_resolves(document: dict[str, Any]) -> None:
    refs: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                refs.append(ref)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document)
    for ref in refs:
        assert ref.startswith("#/components/schemas/"), ref
        assert ref.removeprefix("#/components/schemas/") in document["components"]["schemas"], ref


# -- schemathesis: generated GET requests never produce a server error ----------------


@pytest.fixture(scope="module")
def api_key(live: LiveServer) -> str:
    return live.new_account().key


def _get_paths() -> list[str]:
    return [ep.path for ep in endpoints() if ep.method == "GET"]


# schemathesis's own pytest plugin (``from_fixture(...).parametrize()``) does not run under
# this pytest version, so each GET operation's strategy is drawn from in a plain hypothesis test.
@pytest.mark.parametrize("path", _get_paths())
def test_get_endpoints_never_fail_on_the_server(live: LiveServer, api_key: str, path: str) -> None:
    schema = schemathesis.openapi.from_url(f"{live.url}/openapi.json")
    operation = schema[path]["GET"]
    headers = {"Authorization": f"Bearer {api_key}"}

    @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(case=operation.as_strategy())
    def call(case: schemathesis.Case[Any]) -> None:
        response = case.call(headers=headers)
        assert response.status_code < 500, (case.method, case.formatted_path, case.query, response.text)
        assert response.headers["content-type"] == ["application/json"]

    call()


def _lists_with_created() -> list[str]:
    return [
        ep.path
        for ep in endpoints()
        if ep.method == "GET" and "created" in ep.params.model_fields and "{" not in ep.path
    ]


# Found by the test above: a ``created`` outside datetime's range must be a 400, not a 500.
@pytest.mark.parametrize("path", _lists_with_created())
@pytest.mark.parametrize("query", ["created=-62135596801", "created[gte]=99999999999999"])
def test_out_of_range_created_is_a_client_error(live: LiveServer, api_key: str, path: str, query: str) -> None:
    response = httpx.get(f"{live.url}{path}?{query}", headers={"Authorization": f"Bearer {api_key}"})
    assert response.status_code == 400, response.text
    assert response.json()["error"]["param"].startswith("created")


def test_readme_lists_exactly_the_implemented_endpoints() -> None:
    section = README.read_text().split("## What is implemented so far", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"`(GET|POST|DELETE) (/v1/[^`]*)`", section))
    assert listed == {(ep.method, ep.path) for ep in endpoints()}
