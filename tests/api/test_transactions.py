"""One request, one transaction: a failure anywhere leaves nothing behind."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
import stripe

from tests.api.http import client, error_of
from tests.support import Account, LiveServer


class _FailingCommit:
    """Make the next ``n`` commits on the server's engine fail before they reach the database."""

    def __init__(self, engine: sa.Engine, n: int = 1) -> None:
        self.engine = engine
        self.remaining = n

    def __call__(self, _conn: Any) -> None:
        if self.remaining > 0:
            self.remaining -= 1
            msg = "simulated failure at commit"
            raise RuntimeError(msg)


@pytest.fixture
def failing_commit(server: LiveServer) -> Iterator[_FailingCommit]:
    hook = _FailingCommit(server.database.engine)
    sa.event.listen(hook.engine, "commit", hook)
    yield hook
    sa.event.remove(hook.engine, "commit", hook)


def _table_count(server: LiveServer, table: str, account: Account) -> int:
    with server.database.unit_of_work(readonly=True) as session:
        found = session.execute(
            sa.text(f"SELECT count(*) FROM {table} WHERE account_id = :a"),  # noqa: S608 - fixed table names
            {"a": account.id},
        ).scalar_one()
    return int(found)


def test_failed_commit_is_a_500_and_writes_nothing(
    server: LiveServer, api: Account, failing_commit: _FailingCommit
) -> None:
    with client(server, api, Idempotency_Key="commit-fails") as http:
        response = http.post("/v1/products", data={"name": "Never stored"})
        assert failing_commit.remaining == 0
        assert response.status_code == 500
        assert response.headers["request-id"].startswith("req_")
        error = error_of(response)
        assert error["type"] == "api_error"
        assert "Never stored" not in response.text
        # Nothing was written: no product, no event, no stored response for the key.
        assert stripe.Product.list().data == []
        assert stripe.Event.list().data == []
        assert _table_count(server, "idempotency_records", api) == 0
        # So the same key can be retried and now succeeds, once.
        retried = http.post("/v1/products", data={"name": "Never stored"})
    assert retried.status_code == 200, retried.text
    assert retried.headers.get("idempotent-replayed") is None
    assert [p.id for p in stripe.Product.list().data] == [retried.json()["id"]]
    assert [e.type for e in stripe.Event.list().data] == ["product.created"]


def test_connection_is_usable_after_a_failed_commit(
    server: LiveServer, api: Account, failing_commit: _FailingCommit
) -> None:
    failing_commit.remaining = 0
    product = stripe.Product.create(name="Before")
    failing_commit.remaining = 1
    with pytest.raises(stripe.APIError) as err:
        stripe.Product.modify(product.id, name="During")
    assert err.value.http_status == 500
    assert stripe.Product.retrieve(product.id).name == "Before"
    assert stripe.Product.modify(product.id, name="After").name == "After"
    assert [e.type for e in stripe.Event.list().data] == ["product.updated", "product.created"]


def test_failure_midway_through_a_service_leaves_nothing(server: LiveServer, api: Account) -> None:
    # The product row and its product.created event are flushed before the price part fails.
    with pytest.raises(stripe.InvalidRequestError) as err:
        stripe.Product.create(name="Half", default_price_data={"currency": "usd"})
    assert err.value.http_status == 400
    assert err.value.param is not None
    assert err.value.param.startswith("default_price_data[")
    assert stripe.Product.list().data == []
    assert stripe.Price.list().data == []
    assert stripe.Event.list().data == []
    assert _table_count(server, "products", api) == 0
    assert _table_count(server, "events", api) == 0


def test_failure_midway_with_an_idempotency_key(server: LiveServer, api: Account) -> None:
    kept = stripe.Product.create(
        name="Kept", default_price_data={"currency": "usd", "unit_amount_decimal": Decimal("1.5")}
    )
    # A rule error inside the work is stored (and replayed) without any of its writes.
    failing = {
        "name": "Half",
        "default_price_data[currency]": "usd",
        "default_price_data[unit_amount]": "1",
        "default_price_data[unit_amount_decimal]": "1",
    }
    with client(server, api, Idempotency_Key="midway") as http:
        first = http.post("/v1/products", data=failing)
        replay = http.post("/v1/products", data=failing)
    assert first.status_code == 400, first.text
    assert error_of(first)["param"].startswith("default_price_data[")
    assert replay.content == first.content
    assert replay.headers["idempotent-replayed"] == "true"
    assert [p.id for p in stripe.Product.list().data] == [kept.id]
    assert [p.id for p in stripe.Price.list().data] == [kept.default_price]
    assert [e.data.object.id for e in stripe.Event.list(type="product.*").data] == [kept.id]


def test_database_error_after_earlier_writes_rolls_them_back(server: LiveServer, api: Account) -> None:
    """The product row is inserted, then writing its event fails: neither survives."""
    failed: list[str] = []

    def fail_event_insert(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.startswith("INSERT INTO events") and not failed:
            failed.append(statement)
            msg = "simulated failure writing the event"
            raise RuntimeError(msg)

    sa.event.listen(server.database.engine, "before_cursor_execute", fail_event_insert)
    try:
        with pytest.raises(stripe.APIError) as err:
            stripe.Product.create(name="Orphan?")
    finally:
        sa.event.remove(server.database.engine, "before_cursor_execute", fail_event_insert)
    assert failed
    assert err.value.http_status == 500
    assert _table_count(server, "products", api) == 0
    assert _table_count(server, "events", api) == 0
    assert _table_count(server, "idempotency_records", api) == 0
    assert stripe.Product.create(name="Fine").name == "Fine"
