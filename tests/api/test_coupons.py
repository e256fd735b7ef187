"""Coupons through the stripe SDK."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import stripe

from tests.api.http import client, error_of
from tests.shapes import shape_problems
from tests.support import Account, LiveServer


def _error(call: Any, *args: Any, **kwargs: Any) -> stripe.InvalidRequestError:
    with pytest.raises(stripe.InvalidRequestError) as err:
        call(*args, **kwargs)
    return err.value


def _later(server: LiveServer, **delta: float) -> int:
    return int((server.clock.now() + dt.timedelta(**delta)).timestamp())


def test_create_retrieve_update_delete(api: Account) -> None:
    coupon = stripe.Coupon.create(percent_off=12.5, duration="repeating", duration_in_months=3, name="Launch")
    assert re.fullmatch(r"[A-Za-z0-9]{8}", coupon.id)
    assert coupon.to_dict() == {
        "id": coupon.id,
        "object": "coupon",
        "amount_off": None,
        "created": coupon.created,
        "currency": None,
        "currency_options": None,
        "duration": "repeating",
        "duration_in_months": 3,
        "livemode": False,
        "max_redemptions": None,
        "metadata": {},
        "name": "Launch",
        "percent_off": 12.5,
        "redeem_by": None,
        "times_redeemed": 0,
        "valid": True,
    }
    assert shape_problems(coupon.to_dict(), "Coupon") == []
    assert stripe.Coupon.retrieve(coupon.id).to_dict() == coupon.to_dict()
    updated = stripe.Coupon.modify(coupon.id, name="Launch 2", metadata={"a": "1"})
    assert (updated.name, updated.to_dict()["metadata"]) == ("Launch 2", {"a": "1"})
    deleted = stripe.Coupon.delete(coupon.id)
    assert deleted.to_dict() == {"id": coupon.id, "object": "coupon", "deleted": True}
    err = _error(stripe.Coupon.retrieve, coupon.id)
    assert (err.http_status, err.code, err.param) == (404, "resource_missing", "id")
    assert _error(stripe.Coupon.delete, coupon.id).http_status == 404


def test_events(api: Account) -> None:
    coupon = stripe.Coupon.create(id="EVENTS", amount_off=100, currency="usd")
    stripe.Coupon.modify("EVENTS", name="Renamed")
    stripe.Coupon.modify("EVENTS", name="Renamed")  # no change, no event
    stripe.Coupon.delete("EVENTS")
    events = [e.to_dict() for e in stripe.Event.list(limit=10).data]
    assert [e["type"] for e in events] == ["coupon.deleted", "coupon.updated", "coupon.created"]
    assert events[2]["data"]["object"] == coupon.to_dict()
    assert events[1]["data"]["previous_attributes"] == {"name": None}
    assert events[0]["data"]["object"]["valid"] is False


@pytest.mark.parametrize(("given", "stored"), [("33.33", 33.33), ("12.50", 12.5), ("100", 100.0), ("0.01", 0.01)])
def test_percent_off_is_exact(api: Account, given: str, stored: float) -> None:
    coupon = stripe.Coupon.create(percent_off=given)  # type: ignore[arg-type]
    assert coupon.percent_off == stored


def test_amount_off_with_currency(api: Account) -> None:
    coupon = stripe.Coupon.create(amount_off=500, currency="EUR", duration="forever", max_redemptions=3)
    assert (coupon.amount_off, coupon.currency, coupon.percent_off) == (500, "eur", None)
    assert (coupon.duration, coupon.max_redemptions, coupon.duration_in_months) == ("forever", 3, None)


def test_caller_chosen_ids(server: LiveServer, api: Account) -> None:
    stripe.Coupon.create(id="SUMMER-25", percent_off=25)
    assert stripe.Coupon.retrieve("SUMMER-25").percent_off == 25.0
    err = _error(stripe.Coupon.create, id="SUMMER-25", percent_off=10)
    assert (err.http_status, err.code, err.param) == (400, "resource_already_exists", "id")
    other = server.new_account()
    mine_elsewhere = stripe.Coupon.create(id="SUMMER-25", percent_off=30, api_key=other.key)
    assert mine_elsewhere.percent_off == 30.0
    assert stripe.Coupon.retrieve("SUMMER-25").percent_off == 25.0
    err = _error(stripe.Coupon.retrieve, "SUMMER-25", api_key=server.new_account().key)
    assert (err.http_status, err.code) == (404, "resource_missing")


def test_deleted_id_is_not_reused(api: Account) -> None:
    stripe.Coupon.create(id="ONCE", percent_off=5)
    stripe.Coupon.delete("ONCE")
    err = _error(stripe.Coupon.create, id="ONCE", percent_off=5)
    assert (err.code, err.param) == ("resource_already_exists", "id")


def test_redeem_by_and_validity_follow_the_clock(server: LiveServer, api: Account) -> None:
    redeem_by = _later(server, days=1)
    coupon = stripe.Coupon.create(percent_off=5, redeem_by=redeem_by)
    assert (coupon.redeem_by, coupon.valid) == (redeem_by, True)
    server.clock.advance(dt.timedelta(days=1))
    try:
        assert stripe.Coupon.retrieve(coupon.id).valid is False
    finally:
        server.clock.advance(dt.timedelta(days=-1))


@pytest.mark.parametrize("delta", [0, -60])
def test_redeem_by_must_be_in_the_future(server: LiveServer, api: Account, delta: int) -> None:
    err = _error(stripe.Coupon.create, percent_off=5, redeem_by=_later(server, seconds=delta))
    assert (err.http_status, err.code, err.param) == (400, None, "redeem_by")


def test_applies_to_products(server: LiveServer, api: Account) -> None:
    first, second = stripe.Product.create(name="A"), stripe.Product.create(name="B")
    coupon = stripe.Coupon.create(percent_off=5, applies_to={"products": [first.id, second.id]})
    assert coupon.to_dict()["applies_to"] == {"products": [first.id, second.id]}
    expanded = stripe.Coupon.retrieve(coupon.id, expand=["applies_to"])
    assert expanded.to_dict()["applies_to"] == {"products": [first.id, second.id]}
    plain = stripe.Coupon.create(percent_off=5)
    assert "applies_to" not in plain
    err = _error(stripe.Coupon.create, percent_off=5, applies_to={"products": [first.id, "prod_nope"]})
    assert (err.http_status, err.code, err.param) == (404, "resource_missing", "applies_to[products][1]")
    foreign = stripe.Product.create(name="C", api_key=server.new_account().key)
    err = _error(stripe.Coupon.create, percent_off=5, applies_to={"products": [foreign.id]})
    assert (err.http_status, err.code, err.param) == (404, "resource_missing", "applies_to[products][0]")


def test_list_pages_and_created_filter(server: LiveServer, api: Account) -> None:
    first = stripe.Coupon.create(percent_off=1)
    server.clock.advance(dt.timedelta(seconds=10))
    try:
        second = stripe.Coupon.create(percent_off=2)
        third = stripe.Coupon.create(percent_off=3)
        stripe.Coupon.delete(stripe.Coupon.create(percent_off=4).id)
    finally:
        server.clock.advance(dt.timedelta(seconds=-10))
    assert [c.id for c in stripe.Coupon.list().data] == [third.id, second.id, first.id]
    page = stripe.Coupon.list(limit=2)
    assert ([c.id for c in page.data], page.has_more) == ([third.id, second.id], True)
    assert [c.id for c in stripe.Coupon.list(starting_after=second.id).data] == [first.id]
    assert [c.id for c in stripe.Coupon.list(created={"lt": second.created}).data] == [first.id]
    assert [c.id for c in stripe.Coupon.list(created=first.created).data] == [first.id]
    assert stripe.Coupon.list(api_key=server.new_account().key).data == []


_BAD_CREATE: list[tuple[dict[str, Any], str | None, str]] = [
    ({"percent_off": "abc"}, "parameter_invalid_decimal", "percent_off"),
    ({"percent_off": "0"}, "parameter_invalid_decimal", "percent_off"),
    ({"percent_off": "100.01"}, "parameter_invalid_decimal", "percent_off"),
    ({"percent_off": "12.345"}, "parameter_invalid_decimal", "percent_off"),
    ({"percent_off": "NaN"}, "parameter_invalid_decimal", "percent_off"),
    ({"percent_off": ""}, "parameter_invalid_empty", "percent_off"),
    ({"amount_off": "ten", "currency": "usd"}, "parameter_invalid_integer", "amount_off"),
    ({"amount_off": 0, "currency": "usd"}, "parameter_invalid_integer", "amount_off"),
    ({"amount_off": 100, "currency": "xyz"}, "parameter_invalid", "currency"),
    ({"amount_off": 100, "currency": ""}, "parameter_invalid_empty", "currency"),
    ({"amount_off": 100}, "parameter_missing", "currency"),
    ({"percent_off": 5, "currency": "usd"}, None, "currency"),
    ({}, "parameter_missing", "percent_off"),
    ({"percent_off": 5, "amount_off": 100, "currency": "usd"}, "parameters_exclusive", "percent_off"),
    ({"percent_off": 5, "duration": "weekly"}, "parameter_invalid_enum", "duration"),
    ({"percent_off": 5, "duration": "repeating"}, "parameter_missing", "duration_in_months"),
    ({"percent_off": 5, "duration_in_months": 3}, None, "duration_in_months"),
    (
        {"percent_off": 5, "duration": "repeating", "duration_in_months": 0},
        "parameter_invalid_integer",
        "duration_in_months",
    ),
    ({"percent_off": 5, "max_redemptions": 0}, "parameter_invalid_integer", "max_redemptions"),
    ({"percent_off": 5, "max_redemptions": "many"}, "parameter_invalid_integer", "max_redemptions"),
    ({"percent_off": 5, "redeem_by": "soon"}, "parameter_invalid_integer", "redeem_by"),
    ({"percent_off": 5, "name": "x" * 41}, "parameter_invalid_string_too_long", "name"),
    ({"percent_off": 5, "id": "x" * 201}, "parameter_invalid_string_too_long", "id"),
    ({"percent_off": 5, "id": ""}, "parameter_invalid_empty", "id"),
    ({"percent_off": 5, "applies_to": "all"}, "parameter_invalid_object", "applies_to"),
    ({"percent_off": 5, "applies_to": {"products": "prod_1"}}, "parameter_invalid_array", "applies_to[products]"),
    ({"percent_off": 5, "applies_to": {"prices": ["x"]}}, "parameter_unknown", "applies_to[prices]"),
    ({"percent_off": 5, "metadata": {"k" * 41: "v"}}, "parameter_invalid_metadata", f"metadata[{'k' * 41}]"),
    ({"amount_off": 5, "currency": "usd", "currency_options": {"eur": {"amount_off": 5}}}, None, "currency_options"),
    ({"percent_off": 5, "colour": "red"}, "parameter_unknown", "colour"),
]


@pytest.mark.parametrize(("params", "code", "param"), _BAD_CREATE)
def test_bad_create(api: Account, params: dict[str, Any], code: str | None, param: str) -> None:
    err = _error(stripe.Coupon.create, **params)
    assert (err.http_status, err.code, err.param) == (400, code, param)


_BAD_UPDATE: list[tuple[dict[str, Any], str | None, str]] = [
    ({"percent_off": 10}, "parameter_unknown", "percent_off"),
    ({"duration": "forever"}, "parameter_unknown", "duration"),
    ({"max_redemptions": 5}, "parameter_unknown", "max_redemptions"),
    ({"name": "x" * 41}, "parameter_invalid_string_too_long", "name"),
    ({"name": ""}, "parameter_invalid_empty", "name"),
    ({"metadata": "nope"}, "parameter_invalid_object", "metadata"),
    ({"currency_options": {"eur": {"amount_off": 5}}}, None, "currency_options"),
]


@pytest.mark.parametrize(("params", "code", "param"), _BAD_UPDATE)
def test_bad_update(api: Account, params: dict[str, Any], code: str | None, param: str) -> None:
    coupon = stripe.Coupon.create(percent_off=5)
    err = _error(stripe.Coupon.modify, coupon.id, **params)
    assert (err.http_status, err.code, err.param) == (400, code, param)


def test_metadata_can_be_cleared(api: Account) -> None:
    coupon = stripe.Coupon.create(percent_off=5, metadata={"a": "1", "b": "2"})
    assert stripe.Coupon.modify(coupon.id, metadata={"a": ""}).to_dict()["metadata"] == {"b": "2"}
    assert stripe.Coupon.modify(coupon.id, metadata="").to_dict()["metadata"] == {}


def test_another_accounts_coupon_is_missing(server: LiveServer, api: Account) -> None:
    coupon = stripe.Coupon.create(percent_off=5)
    other = server.new_account()
    for call in (stripe.Coupon.retrieve, stripe.Coupon.delete):
        err = _error(call, coupon.id, api_key=other.key)
        assert (err.http_status, err.code, err.param) == (404, "resource_missing", "id")
    err = _error(stripe.Coupon.modify, coupon.id, name="x", api_key=other.key)
    assert (err.http_status, err.code) == (404, "resource_missing")


def test_bad_list_params(api: Account) -> None:
    err = _error(stripe.Coupon.list, limit=0)
    assert (err.code, err.param) == ("parameter_invalid_integer", "limit")
    err = _error(stripe.Coupon.list, created={"after": 1})
    assert (err.code, err.param) == ("parameter_unknown", "created[after]")
    err = _error(stripe.Coupon.list, active=True)
    assert (err.code, err.param) == ("parameter_unknown", "active")


def test_json_body_and_number_rendering(server: LiveServer, api: Account) -> None:
    with client(server, api) as http:
        response = http.post("/v1/coupons", json={"id": "JSON", "percent_off": 12.5, "metadata": {"a": "b"}})
        assert response.status_code == 200, response.text
        assert b'"percent_off":12.5' in response.content
        response = http.post("/v1/coupons", json={"percent_off": 10.001})
        assert response.status_code == 400
        assert (error_of(response)["code"], error_of(response)["param"]) == ("parameter_invalid_decimal", "percent_off")


def test_idempotent_create_replays(api: Account) -> None:
    first = stripe.Coupon.create(id="IDEM", percent_off=5, idempotency_key="coupon-idem")
    again = stripe.Coupon.create(id="IDEM", percent_off=5, idempotency_key="coupon-idem")
    assert again.to_dict() == first.to_dict()
    err = _error(stripe.Coupon.create, id="IDEM", percent_off=5, idempotency_key="coupon-idem-2")
    assert (err.code, err.param) == ("resource_already_exists", "id")
