"""Fixtures shared by the whole suite.

``server`` is a live uvicorn server per test module and backend (SQLite always,
PostgreSQL when BILLFOLD_TEST_DATABASE_URL is set); ``api`` points the official
``stripe`` SDK at it with a fresh account for each test, so tests never see each
other's objects.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import stripe

from tests.support import START, Account, LiveServer, backends, remove_templates


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Leave no template database or temporary file behind (each xdist worker has its own)."""
    remove_templates()


@pytest.fixture(scope="module", params=backends())
def server(request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    """A live server on a fresh database of the given backend."""
    live = LiveServer(request.param).start()
    yield live
    live.stop()


@pytest.fixture
def account(server: LiveServer) -> Account:
    """A new account with a secret key."""
    return server.new_account()


@pytest.fixture
def api(server: LiveServer, account: Account) -> Iterator[Account]:
    """The ``stripe`` SDK configured against the live server as ``account``."""
    server.clock.set(START)  # every test starts at the same instant, whatever others did
    stripe.api_base = server.url
    stripe.api_key = account.key
    stripe.max_network_retries = 0
    stripe.enable_telemetry = False
    yield account
    stripe.api_key = None
