"""Customers through the stripe SDK: create, retrieve, update, delete, list, events."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import stripe
from sqlalchemy import select

from billfold.models import Event
from tests.shapes import shape_problems
from tests.support import Account, LiveServer


def _events(server: LiveServer, account: Account, event_type: str) -> list[dict[str, Any]]:
    """The ``data`` of this account's events of one type, oldest first (read from the database)."""
    with server.database.unit_of_work(readonly=True) as session:
        rows = session.scalars(
            select(Event).where(Event.account_id == account.id, Event.type == event_type).order_by(Event.pk),
        )
        return [dict(row.data) for row in rows]


def _error(call: Any, *args: Any, **kwargs: Any) -> stripe.InvalidRequestError:
    with pytest.raises(stripe.InvalidRequestError) as err:
        call(*args, **kwargs)
    return err.value


# -- create and retrieve --------------------------------------------------------------


def test_create_with_every_field_and_retrieve(api: Account) -> None:
    customer = stripe.Customer.create(
        email="jenny@example.com",
        name="Jenny Rosen",
        description="VIP",
        phone="+14155552671",
        address={"line1": "1 Main St", "city": "San Francisco", "state": "CA", "postal_code": "94111", "country": "US"},
        shipping={"name": "Jenny", "phone": "+14155550000", "address": {"line1": "2 Side St", "country": "US"}},
        preferred_locales=["en", "fr"],
        invoice_settings={
            "custom_fields": [{"name": "PO", "value": "42"}],
            "footer": "Thanks",
            "rendering_options": {"amount_tax_display": "exclude_tax", "template": "inrtem_1"},
        },
        balance=-500,
        tax_exempt="reverse",
        invoice_prefix="JENNY01",
        next_invoice_sequence=7,
        metadata={"plan": "pro"},
        business_name="Rosen Ltd",
        individual_name="Jenny R.",
        tax={"validate_location": "deferred"},
        validate=True,
    )
    assert re.fullmatch(r"cus_[A-Za-z0-9]{14}", customer.id)
    assert customer.object == "customer"
    assert customer.livemode is False
    data = customer.to_dict()
    assert data["address"] == {
        "line1": "1 Main St",
        "line2": None,
        "city": "San Francisco",
        "state": "CA",
        "postal_code": "94111",
        "country": "US",
    }
    assert data["shipping"]["name"] == "Jenny"
    assert data["shipping"]["address"]["line1"] == "2 Side St"
    assert data["shipping"]["address"]["city"] is None
    assert data["invoice_settings"] == {
        "custom_fields": [{"name": "PO", "value": "42"}],
        "default_payment_method": None,
        "footer": "Thanks",
        "rendering_options": {"amount_tax_display": "exclude_tax", "template": "inrtem_1"},
    }
    assert (customer.balance, customer.tax_exempt, customer.invoice_prefix) == (-500, "reverse", "JENNY01")
    assert customer.next_invoice_sequence == 7
    assert customer.preferred_locales == ["en", "fr"]
    assert (customer.business_name, customer.individual_name) == ("Rosen Ltd", "Jenny R.")
    fetched = stripe.Customer.retrieve(customer.id)
    assert fetched.to_dict() == customer.to_dict()


def test_defaults_match_stripe(api: Account, server: LiveServer) -> None:
    customer = stripe.Customer.create()
    data = customer.to_dict()
    assert data["created"] == int(server.clock.now().timestamp())
    assert {
        k: data[k] for k in ("address", "email", "name", "phone", "shipping", "test_clock", "currency")
    } == dict.fromkeys(("address", "email", "name", "phone", "shipping", "test_clock", "currency"))
    assert data["balance"] == 0
    assert data["delinquent"] is False
    assert data["discount"] is None
    assert data["default_source"] is None
    assert data["invoice_credit_balance"] == {}
    assert data["invoice_settings"] == {
        "custom_fields": None,
        "default_payment_method": None,
        "footer": None,
        "rendering_options": None,
    }
    assert data["metadata"] == {}
    assert data["next_invoice_sequence"] == 1
    assert data["preferred_locales"] == []
    assert data["tax_exempt"] == "none"


def test_shape_matches_stripe(api: Account) -> None:
    customer = stripe.Customer.create(
        email="a@example.com",
        address={"country": "DE"},
        shipping={"name": "A", "address": {"city": "Berlin"}},
        invoice_settings={"custom_fields": [{"name": "a", "value": "b"}], "rendering_options": {"template": "t"}},
    )
    assert shape_problems(customer.to_dict(), "Customer") == []
    assert shape_problems(stripe.Customer.create().to_dict(), "Customer") == []


def test_phone_uses_the_address_country(api: Account) -> None:
    us = stripe.Customer.create(phone="(415) 555-2671", address={"country": "US"})
    assert us.phone == "(415) 555-2671"
    err = _error(stripe.Customer.create, phone="415 555 2671")
    assert (err.http_status, err.code, err.param) == (400, None, "phone")
    err = _error(stripe.Customer.create, phone="12", address={"country": "US"})
    assert (err.code, err.param) == (None, "phone")
    # On update the stored address gives the region.
    assert stripe.Customer.modify(us.id, phone="415-555-0000").phone == "415-555-0000"
    bare = stripe.Customer.create()
    err = _error(stripe.Customer.modify, bare.id, phone="415-555-0000")
    assert (err.code, err.param) == (None, "phone")
    assert stripe.Customer.modify(bare.id, phone="+44 20 7946 0958").phone == "+44 20 7946 0958"


def test_tax_id_data_creates_tax_ids(api: Account, server: LiveServer) -> None:
    customer = stripe.Customer.create(tax_id_data=[{"type": "eu_vat", "value": "DE136695976"}])
    tax_ids = stripe.Customer.list_tax_ids(customer.id)
    assert [(t.type, t.value) for t in tax_ids.data] == [("eu_vat", "DE136695976")]
    expanded = stripe.Customer.retrieve(customer.id, expand=["tax_ids"])
    assert [t["value"] for t in expanded["tax_ids"]["data"]] == ["DE136695976"]
    err = _error(stripe.Customer.create, tax_id_data=[{"type": "eu_vat", "value": "nope"}])
    assert (err.code, err.param) == ("tax_id_invalid", "tax_id_data[0][value]")
    assert stripe.Customer.list().data[0].id == customer.id  # the failed create left nothing behind


# -- update ---------------------------------------------------------------------------


def test_update_fields_and_unset(api: Account) -> None:
    customer = stripe.Customer.create(
        email="a@example.com",
        name="A",
        description="d",
        phone="+14155552671",
        address={"line1": "x", "country": "US"},
        shipping={"name": "S", "address": {"line1": "y"}},
        tax_exempt="exempt",
        preferred_locales=["en"],
        business_name="B",
    )
    updated = stripe.Customer.modify(
        customer.id,
        email="",
        name="",
        description="",
        phone="",
        address="",
        shipping="",
        tax_exempt="",
        preferred_locales="",  # type: ignore[arg-type]
        business_name="",
    )
    for field in ("email", "name", "description", "phone", "address", "shipping", "business_name"):
        assert updated[field] is None, field
    assert updated.tax_exempt == "none"
    assert updated.preferred_locales == []


def test_address_is_replaced_whole(api: Account) -> None:
    customer = stripe.Customer.create(address={"line1": "x", "city": "Paris", "country": "FR"})
    updated = stripe.Customer.modify(customer.id, address={"city": "Lyon"})
    assert updated.to_dict()["address"] == {
        "city": "Lyon",
        "country": None,
        "line1": None,
        "line2": None,
        "postal_code": None,
        "state": None,
    }


def test_invoice_settings_update_merges_given_keys(api: Account) -> None:
    customer = stripe.Customer.create(invoice_settings={"footer": "F", "custom_fields": [{"name": "a", "value": "1"}]})
    updated = stripe.Customer.modify(customer.id, invoice_settings={"footer": "G"})
    settings = updated.to_dict()["invoice_settings"]
    assert settings["footer"] == "G"
    assert settings["custom_fields"] == [{"name": "a", "value": "1"}]
    cleared = stripe.Customer.modify(customer.id, invoice_settings={"custom_fields": "", "footer": ""})
    assert cleared.to_dict()["invoice_settings"]["custom_fields"] is None
    assert cleared.to_dict()["invoice_settings"]["footer"] is None


def test_metadata_semantics(api: Account) -> None:
    customer = stripe.Customer.create(metadata={"a": "1", "b": "2"})
    merged = stripe.Customer.modify(customer.id, metadata={"c": "3", "a": "10"})
    assert merged.to_dict()["metadata"] == {"a": "10", "b": "2", "c": "3"}
    deleted_key = stripe.Customer.modify(customer.id, metadata={"b": ""})
    assert deleted_key.to_dict()["metadata"] == {"a": "10", "c": "3"}
    cleared = stripe.Customer.modify(customer.id, metadata="")
    assert cleared.to_dict()["metadata"] == {}
    err = _error(stripe.Customer.modify, customer.id, metadata={f"k{i}": "v" for i in range(51)})
    assert (err.code, err.param) == ("parameter_invalid_metadata", "metadata")
    stripe.Customer.modify(customer.id, metadata={f"k{i}": "v" for i in range(50)})
    err = _error(stripe.Customer.modify, customer.id, metadata={"one_more": "v"})
    assert (err.code, err.param) == ("parameter_invalid_metadata", "metadata")
    long_key = "k" * 41
    err = _error(stripe.Customer.create, metadata={long_key: "v"})
    assert (err.code, err.param) == ("parameter_invalid_metadata", f"metadata[{long_key}]")
    err = _error(stripe.Customer.create, metadata={"k": "v" * 501})
    assert (err.code, err.param) == ("parameter_invalid_metadata", "metadata[k]")


# -- invoice prefixes -----------------------------------------------------------------


def test_invoice_prefix_generated_and_unique(api: Account, server: LiveServer) -> None:
    prefixes = {stripe.Customer.create().invoice_prefix for _ in range(5)}
    assert len(prefixes) == 5
    assert all(re.fullmatch(r"[A-Z0-9]{8}", p or "") for p in prefixes)
    taken = stripe.Customer.create(invoice_prefix="ACME")
    err = _error(stripe.Customer.create, invoice_prefix="ACME")
    assert (err.http_status, err.code, err.param) == (400, None, "invoice_prefix")
    other = stripe.Customer.create()
    err = _error(stripe.Customer.modify, other.id, invoice_prefix="ACME")
    assert (err.code, err.param) == (None, "invoice_prefix")
    assert stripe.Customer.modify(taken.id, invoice_prefix="ACME").invoice_prefix == "ACME"
    # Another account may use the same prefix; a deleted customer keeps its prefix.
    elsewhere = server.new_account()
    assert stripe.Customer.create(invoice_prefix="ACME", api_key=elsewhere.key).invoice_prefix == "ACME"
    stripe.Customer.delete(taken.id)
    err = _error(stripe.Customer.create, invoice_prefix="ACME")
    assert err.param == "invoice_prefix"


# -- delete ---------------------------------------------------------------------------


def test_delete_keeps_a_tombstone(api: Account) -> None:
    customer = stripe.Customer.create(email="gone@example.com")
    deleted = stripe.Customer.delete(customer.id)
    assert deleted.to_dict() == {"id": customer.id, "object": "customer", "deleted": True}
    fetched = stripe.Customer.retrieve(customer.id)
    assert fetched.to_dict() == {"id": customer.id, "object": "customer", "deleted": True}
    err = _error(stripe.Customer.modify, customer.id, name="x")
    assert (err.http_status, err.code, err.param) == (404, "resource_missing", "id")
    err = _error(stripe.Customer.delete, customer.id)
    assert (err.http_status, err.code) == (404, "resource_missing")
    assert customer.id not in [c.id for c in stripe.Customer.list().data]
    assert stripe.Customer.list(email="gone@example.com").data == []


def test_other_accounts_customers_are_missing(api: Account, server: LiveServer) -> None:
    customer = stripe.Customer.create()
    other = server.new_account()
    for call, args in (
        (stripe.Customer.retrieve, ()),
        (stripe.Customer.modify, ()),
        (stripe.Customer.delete, ()),
    ):
        err = _error(call, customer.id, *args, api_key=other.key)
        assert (err.http_status, err.code, err.param) == (404, "resource_missing", "id")
    assert stripe.Customer.list(api_key=other.key).data == []
    err = _error(stripe.Customer.retrieve, "cus_missing")
    assert (err.http_status, err.code, err.param) == (404, "resource_missing", "id")


# -- events ---------------------------------------------------------------------------


def test_events_written(api: Account, server: LiveServer) -> None:
    customer = stripe.Customer.create(name="A", metadata={"k": "v"})
    created = _events(server, api, "customer.created")
    assert [e["object"]["id"] for e in created] == [customer.id]
    assert created[0]["object"] == customer.to_dict()
    stripe.Customer.modify(customer.id, name="B", metadata={"k": "", "n": "1"})
    stripe.Customer.modify(customer.id, name="B")  # nothing changes: no event
    updated = _events(server, api, "customer.updated")
    assert len(updated) == 1
    assert updated[0]["object"]["name"] == "B"
    assert updated[0]["previous_attributes"] == {"name": "A", "metadata": {"k": "v", "n": None}}
    stripe.Customer.delete(customer.id)
    deleted = _events(server, api, "customer.deleted")
    assert [e["object"]["id"] for e in deleted] == [customer.id]


def test_failed_request_writes_no_event(api: Account, server: LiveServer) -> None:
    stripe.Customer.create(invoice_prefix="TAKEN")
    _error(stripe.Customer.create, invoice_prefix="TAKEN")
    assert len(_events(server, api, "customer.created")) == 1


# -- list -----------------------------------------------------------------------------


def test_list_pagination(api: Account) -> None:
    ids = [stripe.Customer.create(name=f"c{i}").id for i in range(5)]
    newest_first = list(reversed(ids))
    page = stripe.Customer.list(limit=2)
    assert [c.id for c in page.data] == newest_first[:2]
    assert page.has_more is True
    assert page.url == "/v1/customers"
    after = stripe.Customer.list(limit=2, starting_after=newest_first[1])
    assert [c.id for c in after.data] == newest_first[2:4]
    before = stripe.Customer.list(limit=2, ending_before=newest_first[3])
    assert [c.id for c in before.data] == newest_first[1:3]
    assert [c.id for c in stripe.Customer.list(limit=2).auto_paging_iter()] == newest_first
    last = stripe.Customer.list(limit=10)
    assert last.has_more is False


def test_list_filters(api: Account, server: LiveServer) -> None:
    first = stripe.Customer.create(email="one@example.com")
    start = int(server.clock.now().timestamp())
    server.clock.advance(dt.timedelta(seconds=100))
    second = stripe.Customer.create(email="two@example.com")
    clock = stripe.test_helpers.TestClock.create(frozen_time=int(server.clock.now().timestamp()))
    clocked = stripe.Customer.create(email="one@example.com", test_clock=clock.id)
    assert [c.id for c in stripe.Customer.list(email="one@example.com").data] == [first.id]
    assert stripe.Customer.list(email="ONE@example.com").data == []
    assert [c.id for c in stripe.Customer.list(created=start).data] == [first.id]
    assert [c.id for c in stripe.Customer.list(created={"gt": start}).data] == [second.id]
    assert [c.id for c in stripe.Customer.list(created={"gte": start}).data] == [second.id, first.id]
    assert [c.id for c in stripe.Customer.list(created={"lt": start + 100}).data] == [first.id]
    assert [c.id for c in stripe.Customer.list(created={"lte": start + 100, "gte": start + 1}).data] == [second.id]
    assert [c.id for c in stripe.Customer.list(test_clock=clock.id).data] == [clocked.id]
    assert clocked.test_clock == clock.id
    assert clocked.id not in [c.id for c in stripe.Customer.list().data]


@pytest.mark.parametrize(
    ("params", "code", "param"),
    [
        ({"limit": 0}, "parameter_invalid_integer", "limit"),
        ({"limit": 101}, "parameter_invalid_integer", "limit"),
        ({"limit": "x"}, "parameter_invalid_integer", "limit"),
        ({"email": ""}, "parameter_invalid_empty", "email"),
        ({"created": {"after": 1}}, "parameter_unknown", "created[after]"),
        ({"created": {"gt": "soon"}}, "parameter_invalid_integer", "created[gt]"),
        ({"starting_after": "cus_nope"}, "resource_missing", "starting_after"),
        ({"ending_before": "cus_nope"}, "resource_missing", "ending_before"),
        ({"starting_after": "a", "ending_before": "b"}, "parameters_exclusive", "starting_after"),
        ({"colour": "red"}, "parameter_unknown", "colour"),
        ({"test_clock": ""}, "parameter_invalid_empty", "test_clock"),
    ],
)
def test_list_bad_input(api: Account, params: dict[str, Any], code: str, param: str) -> None:
    err = _error(stripe.Customer.list, **params)
    assert (err.code, err.param) == (code, param)


def test_list_cursor_of_another_account(api: Account, server: LiveServer) -> None:
    theirs = stripe.Customer.create(api_key=server.new_account().key)
    err = _error(stripe.Customer.list, starting_after=theirs.id)
    assert (err.http_status, err.code, err.param) == (404, "resource_missing", "starting_after")


def test_default_payment_method_must_be_attached(api: Account) -> None:
    customer = stripe.Customer.create(email="a@example.com")
    other = stripe.Customer.create(email="b@example.com")
    elsewhere = stripe.PaymentMethod.attach("pm_card_visa", customer=other.id)
    for value in ("pm_card_visa", elsewhere.id):
        with pytest.raises(stripe.InvalidRequestError) as err:
            stripe.Customer.modify(customer.id, invoice_settings={"default_payment_method": value})
        assert err.value.param == "invoice_settings[default_payment_method]"
    mine = stripe.PaymentMethod.attach("pm_card_visa", customer=customer.id)
    updated = stripe.Customer.modify(customer.id, invoice_settings={"default_payment_method": mine.id})
    assert updated.invoice_settings is not None
    assert updated.invoice_settings.default_payment_method == mine.id
