"""The landing page and the API reference pages."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from billfold import __version__
from billfold.api.app import endpoints
from tests.support import LiveServer


@pytest.fixture(scope="module")
def live() -> Iterator[LiveServer]:
    server = LiveServer("sqlite").start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def client(live: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live.url) as http:
        yield http


def test_home_says_what_runs(client: httpx.Client, live: LiveServer) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert f"Billfold {__version__} is running" in page
    assert "What runs here" in page
    assert f"{live.url}/v1" in page
    assert f'stripe.api_base = "{live.url}"' in page


def test_home_links_the_reference_and_both_answer(client: httpx.Client) -> None:
    links = set(re.findall(r"href='([^']+)'", client.get("/").text))
    assert {"/openapi.json", "/docs/api"} <= links
    for link in ("/openapi.json", "/docs/api"):
        assert client.get(link).status_code == 200, link
    assert client.get("/openapi.json").headers["content-type"] == "application/json"


def test_reference_lists_every_endpoint(client: httpx.Client) -> None:
    page = client.get("/docs/api").text
    assert "href='/openapi.json'" in page
    for ep in endpoints():
        assert f"<td class=m>{ep.method}</td><td><code>{ep.path}</code></td>" in page


def test_unknown_page_is_a_html_404(client: httpx.Client) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "href='/'" in response.text


def test_unknown_api_url_is_stripes_404(client: httpx.Client) -> None:
    response = client.get("/v1/no_such_resource")
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error"
    assert error["message"].startswith("Unrecognized request URL (GET: /v1/no_such_resource)")
    assert response.headers["request-id"].startswith("req_")
