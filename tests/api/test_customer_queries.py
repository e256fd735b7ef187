"""How many SQL statements the customer endpoints run: retrieve is the hot path."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import stripe
from sqlalchemy import event

from tests.support import Account, LiveServer

# Only data statements: BEGIN/SAVEPOINT/PRAGMA differ between backends and are not work.
DATA = {"SELECT", "INSERT", "UPDATE", "DELETE", "WITH"}


@pytest.fixture
def queries(server: LiveServer) -> Iterator[list[str]]:
    """The data statements the live server runs while the test is active."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if statement.lstrip().split(None, 1)[0].upper() in DATA:
            seen.append(statement)

    engine = server.database.engine
    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def test_retrieve_is_one_statement_once_the_key_is_known(api: Account, queries: list[str]) -> None:
    customer = stripe.Customer.create(email="hot@example.com", metadata={"a": "b"})
    queries.clear()
    stripe.Customer.retrieve(customer.id)
    assert len(queries) == 1, queries
    assert "customers" in queries[0]


def test_retrieve_with_a_cold_key_adds_only_the_key_lookup(api: Account, queries: list[str]) -> None:
    queries.clear()
    with pytest.raises(stripe.InvalidRequestError):
        stripe.Customer.retrieve("cus_missing")
    assert len(queries) == 2, queries
    assert "api_keys" in queries[0]
    queries.clear()
    with pytest.raises(stripe.InvalidRequestError):
        stripe.Customer.retrieve("cus_missing")
    assert len(queries) == 1, queries


def test_retrieve_of_a_deleted_customer_is_one_statement(api: Account, queries: list[str]) -> None:
    customer = stripe.Customer.create()
    stripe.Customer.delete(customer.id)
    queries.clear()
    assert stripe.Customer.retrieve(customer.id).deleted is True
    assert len(queries) == 1, queries


def _list_count(queries: list[str], **params: Any) -> int:
    queries.clear()
    page = stripe.Customer.list(limit=100, **params)
    assert page.data
    return len(queries)


def test_list_does_not_grow_with_the_customers(api: Account, queries: list[str]) -> None:
    for i in range(3):
        stripe.Customer.create(email=f"c{i}@example.com", metadata={"i": str(i)})
    few = _list_count(queries)
    cursor = stripe.Customer.list(limit=1).data[0].id
    few_after = _list_count(queries, starting_after=cursor)
    for i in range(27):
        stripe.Customer.create(email=f"d{i}@example.com", address={"country": "US"})
    assert _list_count(queries) == few == 1
    assert _list_count(queries, starting_after=cursor) == few_after == 2


def test_search_does_not_grow_with_the_results(api: Account, queries: list[str]) -> None:
    for _ in range(3):
        stripe.Customer.create(metadata={"batch": "x"})
    queries.clear()
    stripe.Customer.search(query="metadata['batch']:'x'", limit=100)
    few = len(queries)
    for _ in range(27):
        stripe.Customer.create(metadata={"batch": "x"})
    queries.clear()
    assert len(stripe.Customer.search(query="metadata['batch']:'x'", limit=100).data) == 30
    assert len(queries) == few == 1


def test_create_and_update_statements(api: Account, queries: list[str]) -> None:
    stripe.Customer.list()  # the key lookup is cached from here on
    queries.clear()
    customer = stripe.Customer.create(email="w@example.com")
    # The SDK sends an Idempotency-Key: its lookup and its stored response, around the
    # invoice-prefix check, the customer and the customer.created event.
    assert len(queries) == 5, queries
    queries.clear()
    stripe.Customer.modify(customer.id, name="W")
    # Key lookup, load, update, customer.updated event, stored response.
    assert len(queries) == 5, queries
