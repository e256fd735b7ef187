"""The ``billfold`` command against a temporary SQLite database."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from billfold.cli import app
from billfold.config import Settings, get_settings
from billfold.demo import DEMO_ACCOUNT_ID, DEMO_BUSINESS_NAME, demo_secret_key
from tests.support import SECRET, LiveServer

runner = CliRunner()

_COUNTED = (
    "accounts",
    "api_keys",
    "products",
    "prices",
    "coupons",
    "promotion_codes",
    "customers",
    "tax_ids",
    "events",
)


@pytest.fixture
def database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """``BILLFOLD_DATABASE_URL`` pointing at a new file; settings re-read from the environment."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("BILLFOLD_DATABASE_URL", url)
    monkeypatch.setenv("BILLFOLD_SECRET_KEY", SECRET)
    monkeypatch.setenv("BILLFOLD_PUBLIC_BASE_URL", "http://127.0.0.1:8123")
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def _invoke(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, (args, result.output, result.exception)
    return result.output


def _counts(url: str) -> dict[str, int]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        counts = {table: conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one() for table in _COUNTED}  # noqa: S608 - fixed table names
    engine.dispose()
    return counts


def _get(url: str, path: str, key: str) -> httpx.Response:
    """A request to an app served on ``url``'s database."""
    server = LiveServer("sqlite", database_url=url).start()
    try:
        return httpx.get(f"{server.url}{path}", headers={"Authorization": f"Bearer {key}"})
    finally:
        server.stop(drop=False)


def test_help_lists_the_commands() -> None:
    output = _invoke("--help")
    for command in ("serve", "migrate", "demo", "accounts", "keys"):
        assert command in output
    assert "create" in _invoke("accounts", "--help")
    assert "create" in _invoke("keys", "--help")


def test_migrate_creates_the_schema_and_is_repeatable(database_url: str) -> None:
    assert "is up to date" in _invoke("migrate")
    assert "is up to date" in _invoke("migrate")
    assert set(_counts(database_url).values()) == {0}


def test_accounts_create_then_keys_create_gives_a_working_key(database_url: str) -> None:
    _invoke("migrate")
    account_id = _invoke("accounts", "create", "--business-name", "Acme Inc.", "--email", "ops@acme.example").strip()
    assert re.fullmatch(r"acct_[A-Za-z0-9]{16}", account_id)
    key = _invoke("keys", "create", "--account", account_id).strip()
    assert re.fullmatch(r"sk_test_[A-Za-z0-9]{48}", key)

    response = _get(database_url, "/v1/products", key)
    assert response.status_code == 200, response.text
    assert response.json()["object"] == "list"
    assert _get(database_url, "/v1/products", key + "x").status_code == 401


def test_keys_create_for_an_unknown_account_fails(database_url: str) -> None:
    _invoke("migrate")
    result = runner.invoke(app, ["keys", "create", "--account", "acct_nope"])
    assert result.exit_code == 1
    assert "No such account: acct_nope" in result.output


def test_worker_refuses_more_than_one_process_on_sqlite(database_url: str) -> None:
    _invoke("migrate")
    result = runner.invoke(app, ["worker", "--once", "--concurrency", "2"])
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--concurrency'" in result.output
    assert "SQLite" in result.output
    assert "Processed 0 due items." in _invoke("worker", "--once", "--concurrency", "1")


def test_demo_seeds_once_and_prints_a_working_key(database_url: str) -> None:
    output = _invoke("demo", "--no-serve")
    key = demo_secret_key(SECRET)
    assert f"Billfold demo ({DEMO_BUSINESS_NAME}) is ready." in output
    assert f"Demo secret key:   {key}" in output
    for url in ("http://127.0.0.1:8123/", "http://127.0.0.1:8123/docs/api", "http://127.0.0.1:8123/openapi.json"):
        assert url in output
    first = _counts(database_url)
    assert first["accounts"] == 1
    assert first["api_keys"] == 1
    assert first["products"] >= 3
    assert first["prices"] > first["products"]
    assert first["coupons"] >= 2
    assert first["promotion_codes"] >= 1
    assert first["tax_ids"] >= 1
    assert 3 <= first["customers"] <= 5

    again = _invoke("demo", "--no-serve")
    assert f"Demo secret key:   {key}" in again
    assert _counts(database_url) == first

    response = _get(database_url, "/v1/customers?limit=100", key)
    assert response.status_code == 200, response.text
    assert len(response.json()["data"]) == first["customers"]
    account = _get(database_url, "/v1/products", key)
    assert account.status_code == 200
    assert len(account.json()["data"]) == first["products"]


def test_demo_key_depends_on_the_server_secret() -> None:
    assert demo_secret_key("a") == demo_secret_key("a")
    assert demo_secret_key("a") != demo_secret_key("b")
    assert demo_secret_key("a").startswith("sk_test_demo_")


def test_demo_account_has_a_business_profile(database_url: str) -> None:
    from billfold.db import Database
    from billfold.demo import seed_demo
    from billfold.models import Account

    _invoke("migrate")
    result = seed_demo(Settings())
    assert result.account_id == DEMO_ACCOUNT_ID
    db = Database(database_url)
    with db.unit_of_work(readonly=True) as session:
        account = session.scalars(sa.select(Account).where(Account.id == DEMO_ACCOUNT_ID)).one()
        profile = account.business_profile
    db.close()
    assert profile["name"] == DEMO_BUSINESS_NAME
    assert profile["support_email"]
    assert profile["support_url"].startswith("https://")
    assert profile["support_address"]["country"]
