"""Events: written by the services in the same transaction, read through ``/v1/events``."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import stripe

from tests.api.http import client, error_of, response_of
from tests.shapes import shape_problems
from tests.support import Account, LiveServer


def _events(**params: Any) -> list[dict[str, Any]]:
    return [e.to_dict() for e in stripe.Event.list(limit=100, **params).data]


def test_product_lifecycle_events(api: Account) -> None:
    created = stripe.Product.create(name="Basic", metadata={"tier": "1"}, idempotency_key="create-basic")
    after_create = stripe.Product.retrieve(created.id).to_dict()
    updated = stripe.Product.modify(
        created.id, name="Basic+", metadata={"tier": "", "seats": "5"}, idempotency_key="update-basic"
    )
    after_update = stripe.Product.retrieve(created.id).to_dict()
    deleted = stripe.Product.delete(created.id)

    events = _events()
    assert [e["type"] for e in events] == ["product.deleted", "product.updated", "product.created"]
    on_delete, on_update, on_create = events

    assert on_create["data"] == {"object": after_create}
    assert on_create["request"] == {"id": response_of(created).request_id, "idempotency_key": "create-basic"}

    assert on_update["data"]["object"] == after_update
    assert on_update["data"]["previous_attributes"] == {"name": "Basic", "metadata": {"tier": "1", "seats": None}}
    assert on_update["request"] == {"id": response_of(updated).request_id, "idempotency_key": "update-basic"}

    # The deleted product can no longer be fetched; the event carries its last state.
    assert on_delete["data"] == {"object": {**after_update, "active": False}}
    assert on_delete["request"]["id"] == response_of(deleted).request_id
    assert on_delete["request"]["idempotency_key"] is None  # DELETE takes no idempotency key

    for event in events:
        assert event["object"] == "event"
        assert event["id"].startswith("evt_")
        assert event["livemode"] is False
        assert event["account"] is None
        assert event["context"] is None
        assert event["pending_webhooks"] == 0
        assert event["api_version"]
        assert event["created"] == after_create["created"]
        assert shape_problems(event, "Event") == []


def test_retrieve_matches_list(api: Account) -> None:
    product = stripe.Product.create(name="One")
    listed = _events()
    assert len(listed) == 1
    fetched = stripe.Event.retrieve(listed[0]["id"])
    assert fetched.to_dict() == listed[0]
    assert fetched.data.object.id == product.id


def test_retrieve_missing_and_foreign(server: LiveServer, api: Account) -> None:
    with pytest.raises(stripe.InvalidRequestError) as err:
        stripe.Event.retrieve("evt_missing")
    assert err.value.http_status == 404
    assert err.value.code == "resource_missing"
    assert err.value.param == "id"

    other = server.new_account("Other")
    stripe.Product.create(name="Theirs", api_key=other.key)
    (theirs,) = stripe.Event.list(api_key=other.key).data
    with pytest.raises(stripe.InvalidRequestError) as err:
        stripe.Event.retrieve(theirs.id)
    assert err.value.http_status == 404
    assert _events() == []


def test_type_filters(api: Account) -> None:
    product = stripe.Product.create(name="A")
    stripe.Product.modify(product.id, name="B")
    stripe.Product.modify(product.id, name="C")

    assert [e["type"] for e in _events(type="product.updated")] == ["product.updated"] * 2
    assert len(_events(type="product.*")) == 3
    assert len(_events(type="*")) == 3
    assert [e["type"] for e in _events(type="product.c*")] == ["product.created"]
    assert _events(type="customer.*") == []
    # A prefix is matched literally: "_" is not a one-character wildcard, case matters.
    assert _events(type="product.update_*") == []
    assert _events(type="PRODUCT.*") == []
    assert _events(type="product.created.*") == []
    both = _events(types=["product.created", "product.deleted", "customer.created"])
    assert [e["type"] for e in both] == ["product.created"]


@pytest.mark.parametrize(
    ("params", "param", "code"),
    [
        ({"type": "product.created", "types": ["product.updated"]}, "type", "parameters_exclusive"),
        ({"type": "*.created"}, "type", None),
        ({"type": "product.*.x"}, "type", None),
        ({"types": [f"t{n}.created" for n in range(21)]}, "types", "parameter_invalid_array"),
        ({"delivery_success": "true"}, "delivery_success", None),
        ({"delivery_success": "maybe"}, "delivery_success", "parameter_invalid_boolean"),
        ({"type": ""}, "type", "parameter_invalid_empty"),
        ({"created": {"after": "1"}}, "created[after]", "parameter_unknown"),
        ({"limit": "0"}, "limit", "parameter_invalid_integer"),
    ],
)
def test_bad_list_parameters(api: Account, params: dict[str, Any], param: str, code: str | None) -> None:
    with pytest.raises(stripe.InvalidRequestError) as err:
        stripe.Event.list(**params)
    assert err.value.http_status == 400
    assert err.value.param == param
    assert err.value.code == code


def test_created_filter_and_pagination(server: LiveServer, api: Account) -> None:
    first = stripe.Product.create(name="t0")
    server.clock.advance(dt.timedelta(hours=1))
    second = stripe.Product.create(name="t1")
    server.clock.advance(dt.timedelta(hours=1))
    third = stripe.Product.create(name="t2")
    t1 = second.created

    def product_ids(**params: Any) -> list[str]:
        return [e["data"]["object"]["id"] for e in _events(**params)]

    assert product_ids(created={"gte": t1}) == [third.id, second.id]
    assert product_ids(created={"lt": t1}) == [first.id]
    assert product_ids(created={"gt": t1, "lte": third.created}) == [third.id]
    assert product_ids(created=t1) == [second.id]

    page = stripe.Event.list(limit=2)
    assert page.has_more is True
    rest = stripe.Event.list(limit=2, starting_after=page.data[-1].id)
    assert rest.has_more is False
    walked = [e.data.object.id for e in [*page.data, *rest.data]]
    assert walked == [third.id, second.id, first.id]
    assert [e.data.object.id for e in stripe.Event.list(limit=100).auto_paging_iter()] == walked


def test_connected_account_events(server: LiveServer, api: Account) -> None:
    connected = server.new_account("Connected", parent_id=api.id)
    product = stripe.Product.create(name="On behalf", stripe_account=connected.id)
    (event,) = stripe.Event.list(stripe_account=connected.id).data
    assert event.data.object.id == product.id
    assert _events() == []
    with client(server, api, Stripe_Account=connected.id) as http:
        assert http.get(f"/v1/events/{event.id}").json()["id"] == event.id
    with client(server, api) as http:
        error = error_of(http.get(f"/v1/events/{event.id}"))
        assert error["code"] == "resource_missing"


def test_failed_change_writes_no_event(api: Account) -> None:
    product = stripe.Product.create(name="Kept")
    with pytest.raises(stripe.InvalidRequestError):
        stripe.Product.modify(product.id, default_price="price_missing")
    assert [e["type"] for e in _events()] == ["product.created"]
    # An update that changes nothing writes no event either.
    stripe.Product.modify(product.id, name="Kept")
    assert [e["type"] for e in _events()] == ["product.created"]
