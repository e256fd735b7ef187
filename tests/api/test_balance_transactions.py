"""Customer balance transactions through the stripe SDK, and the balance under concurrency."""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import stripe

from billfold.context import Ctx
from billfold.customers.balance import apply_balance_change
from billfold.db import Database
from billfold.errors import InvalidRequestError
from tests.shapes import shape_problems
from tests.support import Account, LiveServer


def _error(call: Any, *args: Any, **kwargs: Any) -> stripe.InvalidRequestError:
    with pytest.raises(stripe.InvalidRequestError) as err:
        call(*args, **kwargs)
    return err.value


def _customer() -> str:
    return str(stripe.Customer.create(name="Balance holder").id)


def test_create_retrieve_update(api: Account) -> None:
    customer = _customer()
    txn = stripe.Customer.create_balance_transaction(
        customer, amount=-500, currency="usd", description="Goodwill credit", metadata={"ticket": "42"}
    )
    data = txn.to_dict()
    assert shape_problems(data, "CustomerBalanceTransaction") == []
    assert txn.id.startswith("cbtxn_")
    assert data == {
        "id": txn.id,
        "object": "customer_balance_transaction",
        "amount": -500,
        "checkout_session": None,
        "created": data["created"],
        "credit_note": None,
        "currency": "usd",
        "customer": customer,
        "customer_account": None,
        "description": "Goodwill credit",
        "ending_balance": -500,
        "invoice": None,
        "livemode": False,
        "metadata": {"ticket": "42"},
        "type": "adjustment",
    }
    fetched = stripe.Customer.retrieve(customer)
    assert (fetched.balance, fetched.currency) == (-500, "usd")
    assert stripe.Customer.retrieve_balance_transaction(customer, txn.id).to_dict() == data

    updated = stripe.Customer.modify_balance_transaction(
        customer, txn.id, description="Credit for outage", metadata={"ticket": "", "team": "support"}
    )
    assert updated.description == "Credit for outage"
    assert updated.to_dict()["metadata"] == {"team": "support"}
    assert (updated.amount, updated.ending_balance) == (-500, -500)
    cleared = stripe.Customer.modify_balance_transaction(customer, txn.id, metadata="")
    assert cleared.to_dict()["metadata"] == {}


def test_balance_accumulates_and_currency_is_fixed(api: Account) -> None:
    customer = _customer()
    first = stripe.Customer.create_balance_transaction(customer, amount=1000, currency="USD")
    second = stripe.Customer.create_balance_transaction(customer, amount=-250, currency="usd")
    assert (first.currency, first.ending_balance) == ("usd", 1000)
    assert second.ending_balance == 750
    err = _error(stripe.Customer.create_balance_transaction, customer, amount=100, currency="eur")
    assert (err.http_status, err.code, err.param) == (400, None, "currency")
    assert stripe.Customer.retrieve(customer).balance == 750


def test_customer_updated_event(api: Account) -> None:
    customer = _customer()
    stripe.Customer.create_balance_transaction(customer, amount=-300, currency="eur")
    stripe.Customer.create_balance_transaction(customer, amount=100, currency="eur")
    events = [e.to_dict()["data"] for e in stripe.Event.list(type="customer.updated").data]
    assert [e["object"]["balance"] for e in events] == [-200, -300]
    assert events[0]["previous_attributes"] == {"balance": -300}
    assert events[1]["previous_attributes"] == {"balance": 0, "currency": None}
    assert events[0]["object"] == stripe.Customer.retrieve(customer).to_dict()


@pytest.mark.parametrize(
    ("params", "code", "param"),
    [
        ({"currency": "usd"}, "parameter_missing", "amount"),
        ({"amount": 100}, "parameter_missing", "currency"),
        ({"amount": 0, "currency": "usd"}, "parameter_invalid_integer", "amount"),
        ({"amount": "ten", "currency": "usd"}, "parameter_invalid_integer", "amount"),
        ({"amount": "1.5", "currency": "usd"}, "parameter_invalid_integer", "amount"),
        ({"amount": 10**12, "currency": "usd"}, "parameter_invalid_integer", "amount"),
        ({"amount": -(10**12), "currency": "usd"}, "parameter_invalid_integer", "amount"),
        ({"amount": "", "currency": "usd"}, "parameter_invalid_empty", "amount"),
        ({"amount": 100, "currency": ""}, "parameter_invalid_empty", "currency"),
        ({"amount": 100, "currency": "xyz"}, "parameter_invalid", "currency"),
        ({"amount": 100, "currency": "usd", "description": ""}, "parameter_invalid_empty", "description"),
        (
            {"amount": 100, "currency": "usd", "description": "x" * 351},
            "parameter_invalid_string_too_long",
            "description",
        ),
        ({"amount": 100, "currency": "usd", "metadata": "x"}, "parameter_invalid_object", "metadata"),
        (
            {"amount": 100, "currency": "usd", "metadata": {f"k{i}": "v" for i in range(51)}},
            "parameter_invalid_metadata",
            "metadata",
        ),
        ({"amount": 100, "currency": "usd", "metadata": {"k": "v" * 501}}, "parameter_invalid_metadata", "metadata[k]"),
        ({"amount": 100, "currency": "usd", "type": "initial"}, "parameter_unknown", "type"),
        ({"amount": 100, "currency": "usd", "expand": ["nope"]}, None, "expand"),
    ],
)
def test_bad_create_input(api: Account, params: dict[str, Any], code: str | None, param: str) -> None:
    customer = _customer()
    err = _error(stripe.Customer.create_balance_transaction, customer, **params)
    assert (err.http_status, err.code, err.param) == (400, code, param)
    assert stripe.Customer.retrieve(customer).balance == 0


@pytest.mark.parametrize(
    ("params", "code", "param"),
    [
        ({"amount": 5}, "parameter_unknown", "amount"),
        ({"currency": "eur"}, "parameter_unknown", "currency"),
        ({"description": ""}, "parameter_invalid_empty", "description"),
        ({"description": "x" * 351}, "parameter_invalid_string_too_long", "description"),
        ({"metadata": {"k" * 41: "v"}}, "parameter_invalid_metadata", f"metadata[{'k' * 41}]"),
        ({"metadata": "x"}, "parameter_invalid_object", "metadata"),
    ],
)
def test_bad_update_input(api: Account, params: dict[str, Any], code: str, param: str) -> None:
    customer = _customer()
    txn = stripe.Customer.create_balance_transaction(customer, amount=100, currency="usd")
    err = _error(stripe.Customer.modify_balance_transaction, customer, txn.id, **params)
    assert (err.http_status, err.code, err.param) == (400, code, param)


@pytest.mark.parametrize(
    ("params", "code", "param"),
    [
        ({"limit": 0}, "parameter_invalid_integer", "limit"),
        ({"limit": 101}, "parameter_invalid_integer", "limit"),
        ({"created": {"gte": "soon"}}, "parameter_invalid_integer", "created[gte]"),
        ({"created": {"after": 1}}, "parameter_unknown", "created[after]"),
        ({"invoice": ""}, "parameter_invalid_empty", "invoice"),
        ({"starting_after": ""}, "parameter_invalid_empty", "starting_after"),
        ({"type": "adjustment"}, "parameter_unknown", "type"),
    ],
)
def test_bad_list_input(api: Account, params: dict[str, Any], code: str, param: str) -> None:
    err = _error(stripe.Customer.list_balance_transactions, _customer(), **params)
    assert (err.http_status, err.code, err.param) == (400, code, param)


def test_list_pagination_and_filters(api: Account, server: LiveServer) -> None:
    customer = _customer()
    first = stripe.Customer.create_balance_transaction(customer, amount=100, currency="usd")
    server.clock.advance(dt.timedelta(seconds=60))
    ids = [first.id] + [
        stripe.Customer.create_balance_transaction(customer, amount=100, currency="usd").id for _ in range(2)
    ]
    page = stripe.Customer.list_balance_transactions(customer, limit=2)
    assert [t.id for t in page.data] == ids[::-1][:2]
    assert page.has_more is True
    assert page.url == f"/v1/customers/{customer}/balance_transactions"
    rest = stripe.Customer.list_balance_transactions(customer, limit=2, starting_after=page.data[-1].id)
    assert [t.id for t in rest.data] == [first.id]
    assert rest.has_more is False
    early = stripe.Customer.list_balance_transactions(customer, created={"lt": first.created + 30})
    assert [t.id for t in early.data] == [first.id]
    exact = stripe.Customer.list_balance_transactions(customer, created=first.created)
    assert [t.id for t in exact.data] == [first.id]
    assert stripe.Customer.list_balance_transactions(customer, invoice="in_none").data == []
    # Another customer's transactions are not listed.
    assert stripe.Customer.list_balance_transactions(_customer()).data == []


def test_missing_objects(api: Account) -> None:
    customer = _customer()
    txn = stripe.Customer.create_balance_transaction(customer, amount=100, currency="usd")
    calls: list[tuple[Any, tuple[str, ...], dict[str, Any]]] = [
        (stripe.Customer.create_balance_transaction, (), {"amount": 1, "currency": "usd"}),
        (stripe.Customer.list_balance_transactions, (), {}),
        (stripe.Customer.retrieve_balance_transaction, (txn.id,), {}),
        (stripe.Customer.modify_balance_transaction, (txn.id,), {"description": "x"}),
    ]
    for call, args, kwargs in calls:
        err = _error(call, "cus_missing", *args, **kwargs)
        assert (err.http_status, err.code, err.param) == (404, "resource_missing", "customer")
    other = _customer()
    for call, kwargs in [
        (stripe.Customer.retrieve_balance_transaction, {}),
        (stripe.Customer.modify_balance_transaction, {"description": "x"}),
    ]:
        err = _error(call, other, txn.id, **kwargs)
        assert (err.http_status, err.code, err.param) == (404, "resource_missing", "transaction")
    err = _error(stripe.Customer.retrieve_balance_transaction, customer, "cbtxn_missing")
    assert (err.http_status, err.code, err.param) == (404, "resource_missing", "transaction")


def test_another_accounts_customer_is_missing(api: Account, server: LiveServer) -> None:
    other = server.new_account("Other Ltd")
    theirs = stripe.Customer.create(api_key=other.key)
    txn = stripe.Customer.create_balance_transaction(theirs.id, amount=100, currency="usd", api_key=other.key)
    err = _error(stripe.Customer.create_balance_transaction, theirs.id, amount=100, currency="usd")
    assert (err.http_status, err.code, err.param) == (404, "resource_missing", "customer")
    err = _error(stripe.Customer.retrieve_balance_transaction, theirs.id, txn.id)
    assert (err.http_status, err.code, err.param) == (404, "resource_missing", "customer")
    assert stripe.Customer.retrieve(theirs.id, api_key=other.key).balance == 100


def test_expand_customer(api: Account) -> None:
    customer = _customer()
    txn = stripe.Customer.create_balance_transaction(customer, amount=100, currency="usd", expand=["customer"])
    expanded = txn.to_dict()["customer"]
    assert (expanded["id"], expanded["object"], expanded["balance"]) == (customer, "customer", 100)
    listed = stripe.Customer.list_balance_transactions(customer, expand=["data.customer"]).to_dict()
    assert listed["data"][0]["customer"]["name"] == "Balance holder"


def test_domain_function_records_invoice_and_type(api: Account, server: LiveServer) -> None:
    customer = _customer()
    with server.database.unit_of_work() as session:
        txn = apply_balance_change(
            Ctx(session, api.id, server.clock), customer, -700, "gbp", type_="applied_to_invoice", invoice_id="in_123"
        )
    fetched = stripe.Customer.retrieve_balance_transaction(customer, txn.id)
    assert (fetched.type, fetched.invoice, fetched.ending_balance) == ("applied_to_invoice", "in_123", -700)
    listed = stripe.Customer.list_balance_transactions(customer, invoice="in_123")
    assert [t.id for t in listed.data] == [txn.id]
    with pytest.raises(InvalidRequestError) as err, server.database.unit_of_work() as session:
        apply_balance_change(Ctx(session, api.id, server.clock), customer, 1, "usd", type_="adjustment")
    assert err.value.param == "currency"


def _expected(count: int) -> list[int]:
    return [100 * n for n in range(1, count + 1)]


def test_concurrent_api_adjustments_lose_nothing(api: Account) -> None:
    customer = _customer()

    def add(_: int) -> int:
        txn = stripe.Customer.create_balance_transaction(customer, amount=100, currency="usd")
        return int(txn.ending_balance)

    with ThreadPoolExecutor(max_workers=4) as pool:
        endings = list(pool.map(add, range(20)))
    assert sorted(endings) == _expected(20)
    assert stripe.Customer.retrieve(customer).balance == 2000


def test_concurrent_domain_adjustments_from_two_connections(api: Account, server: LiveServer) -> None:
    # The live server runs one unit of work at a time, so race two separate connections
    # (two Database objects, as two server processes would have) on the same customer row.
    # PostgreSQL relies on the row lock and the in-SQL addition; SQLite on BEGIN IMMEDIATE.
    customer = _customer()
    databases = [Database(server.database_url) for _ in range(2)]
    start = threading.Barrier(len(databases))

    def run(db: Database) -> list[int]:
        start.wait()
        endings = []
        for _ in range(10):
            with db.unit_of_work() as session:
                txn = apply_balance_change(Ctx(session, api.id, server.clock), customer, 100, "usd", type_="adjustment")
                endings.append(txn.ending_balance)
        return endings

    try:
        with ThreadPoolExecutor(max_workers=len(databases)) as pool:
            results = list(pool.map(run, databases))
    finally:
        for db in databases:
            db.close()
    assert sorted(results[0] + results[1]) == _expected(20)
    assert stripe.Customer.retrieve(customer).balance == 2000
    assert sorted(t.ending_balance for t in stripe.Customer.list_balance_transactions(customer, limit=100).data) == (
        _expected(20)
    )


def test_unknown_parameter_on_retrieve(api: Account) -> None:
    customer = _customer()
    txn = stripe.Customer.create_balance_transaction(customer, amount=100, currency="usd")
    err = _error(stripe.Customer.retrieve_balance_transaction, customer, txn.id, colour="red")
    assert (err.http_status, err.code, err.param) == (400, "parameter_unknown", "colour")
    err = _error(stripe.Customer.retrieve_balance_transaction, customer, txn.id, expand=["nope"])
    assert (err.http_status, err.code, err.param) == (400, None, "expand")
