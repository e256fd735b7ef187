"""Promotion codes through the stripe SDK."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import stripe

from billfold.ids import new_id, random_token
from billfold.models import Customer
from tests.shapes import shape_problems
from tests.support import Account, LiveServer


def _error(call: Any, *args: Any, **kwargs: Any) -> stripe.InvalidRequestError:
    with pytest.raises(stripe.InvalidRequestError) as err:
        call(*args, **kwargs)
    return err.value


def _later(server: LiveServer, **delta: float) -> int:
    return int((server.clock.now() + dt.timedelta(**delta)).timestamp())


def _customer(server: LiveServer, account: Account) -> str:
    """A customer inserted directly, so these tests do not depend on the customers API."""
    customer_id = new_id("cus", 14)
    with server.database.unit_of_work() as session:
        session.add(
            Customer(
                id=customer_id,
                account_id=account.id,
                created=server.clock.now(),
                invoice_prefix=random_token(8).upper(),
                email="jenny@example.com",
            )
        )
    return customer_id


def _promo(coupon: str, **params: Any) -> stripe.PromotionCode:
    return stripe.PromotionCode.create(promotion={"type": "coupon", "coupon": coupon}, **params)


def test_create_retrieve_update(api: Account) -> None:
    coupon = stripe.Coupon.create(id="TEN", percent_off=10)
    promo = _promo("TEN", code="Save10", metadata={"campaign": "spring"}, max_redemptions=5)
    assert re.fullmatch(r"promo_[A-Za-z0-9]{24}", promo.id)
    assert promo.to_dict() == {
        "id": promo.id,
        "object": "promotion_code",
        "active": True,
        "code": "Save10",
        "created": promo.created,
        "customer": None,
        "customer_account": None,
        "expires_at": None,
        "livemode": False,
        "max_redemptions": 5,
        "metadata": {"campaign": "spring"},
        "promotion": {"type": "coupon", "coupon": "TEN"},
        "restrictions": {"first_time_transaction": False, "minimum_amount": None, "minimum_amount_currency": None},
        "times_redeemed": 0,
    }
    assert shape_problems(promo.to_dict(), "PromotionCode") == []
    assert stripe.PromotionCode.retrieve(promo.id).to_dict() == promo.to_dict()
    expanded = stripe.PromotionCode.retrieve(promo.id, expand=["promotion.coupon"])
    assert expanded.to_dict()["promotion"]["coupon"] == coupon.to_dict()
    updated = stripe.PromotionCode.modify(promo.id, active=False, metadata={"campaign": "", "x": "1"})
    assert (updated.active, updated.to_dict()["metadata"]) == (False, {"x": "1"})
    assert stripe.PromotionCode.modify(promo.id, active=True).active is True


def test_events(api: Account) -> None:
    stripe.Coupon.create(id="EV", percent_off=10)
    promo = _promo("EV", code="EVENT")
    stripe.PromotionCode.modify(promo.id, active=False)
    events = [e.to_dict() for e in stripe.Event.list(limit=10).data]
    assert [e["type"] for e in events] == ["promotion_code.updated", "promotion_code.created", "coupon.created"]
    assert events[1]["data"]["object"] == promo.to_dict()
    assert events[0]["data"]["previous_attributes"] == {"active": True}


def test_codes_are_unique_in_any_case_per_account(server: LiveServer, api: Account) -> None:
    stripe.Coupon.create(id="TEN", percent_off=10)
    first = _promo("TEN", code="SAVE10", active=False)
    err = _error(_promo, "TEN", code="save10")
    assert (err.http_status, err.code, err.param) == (400, "resource_already_exists", "code")
    other = server.new_account()
    stripe.Coupon.create(id="TEN", percent_off=20, api_key=other.key)
    elsewhere = _promo("TEN", code="save10", api_key=other.key)
    assert elsewhere.code == "save10"
    assert elsewhere.id != first.id


def test_generated_code_is_readable(api: Account) -> None:
    stripe.Coupon.create(id="TEN", percent_off=10)
    codes = {_promo("TEN").code for _ in range(3)}
    assert len(codes) == 3
    assert all(re.fullmatch(r"[A-HJ-NP-Z2-9]{8}", code) for code in codes)


def test_customer_restriction_and_expansion(server: LiveServer, api: Account) -> None:
    customer_id = _customer(server, api)
    stripe.Coupon.create(id="VIP", percent_off=50)
    promo = _promo("VIP", customer=customer_id, expand=["customer", "promotion.coupon"])
    body = promo.to_dict()
    assert (body["customer"]["id"], body["customer"]["email"]) == (customer_id, "jenny@example.com")
    assert body["promotion"]["coupon"]["id"] == "VIP"
    foreign = _customer(server, server.new_account())
    err = _error(_promo, "VIP", customer=foreign)
    assert (err.http_status, err.code, err.param) == (404, "resource_missing", "customer")
    err = _error(_promo, "VIP", customer="cus_missing")
    assert (err.http_status, err.code, err.param) == (404, "resource_missing", "customer")


def test_restrictions(api: Account) -> None:
    stripe.Coupon.create(id="TEN", percent_off=10)
    promo = _promo(
        "TEN",
        restrictions={"first_time_transaction": True, "minimum_amount": 5000, "minimum_amount_currency": "USD"},
    )
    assert promo.restrictions.to_dict() == {
        "first_time_transaction": True,
        "minimum_amount": 5000,
        "minimum_amount_currency": "usd",
    }


def test_expires_at_limits(server: LiveServer, api: Account) -> None:
    stripe.Coupon.create(id="DAY", percent_off=10, redeem_by=_later(server, days=1))
    hour = _later(server, hours=1)
    assert _promo("DAY", expires_at=hour).expires_at == hour
    for when in (_later(server, days=1, seconds=1), _later(server), _later(server, hours=-1)):
        err = _error(_promo, "DAY", expires_at=when)
        assert (err.http_status, err.code, err.param) == (400, None, "expires_at")


def test_max_redemptions_limited_by_coupon(api: Account) -> None:
    stripe.Coupon.create(id="FEW", percent_off=10, max_redemptions=3)
    assert _promo("FEW", max_redemptions=3).max_redemptions == 3
    err = _error(_promo, "FEW", max_redemptions=4)
    assert (err.http_status, err.code, err.param) == (400, None, "max_redemptions")


def test_coupon_must_exist_here_and_be_live(server: LiveServer, api: Account) -> None:
    err = _error(_promo, "NOPE")
    assert (err.http_status, err.code, err.param) == (404, "resource_missing", "promotion[coupon]")
    foreign = stripe.Coupon.create(percent_off=10, api_key=server.new_account().key)
    err = _error(_promo, foreign.id)
    assert (err.http_status, err.code, err.param) == (404, "resource_missing", "promotion[coupon]")
    stripe.Coupon.create(id="GONE", percent_off=10)
    stripe.Coupon.delete("GONE")
    err = _error(_promo, "GONE")
    assert (err.http_status, err.code, err.param) == (404, "resource_missing", "promotion[coupon]")


def test_expired_coupon_gets_no_new_codes(server: LiveServer, api: Account) -> None:
    stripe.Coupon.create(id="SHORT", percent_off=10, redeem_by=_later(server, hours=1))
    server.clock.advance(dt.timedelta(hours=1))
    try:
        err = _error(_promo, "SHORT")
    finally:
        server.clock.advance(dt.timedelta(hours=-1))
    assert (err.http_status, err.code, err.param) == (400, "coupon_expired", "promotion[coupon]")


def test_deleting_the_coupon_deactivates_its_codes(api: Account) -> None:
    stripe.Coupon.create(id="BYE", percent_off=10)
    active, inactive = _promo("BYE", code="BYE1"), _promo("BYE", code="BYE2", active=False)
    stripe.Coupon.delete("BYE")
    assert stripe.PromotionCode.retrieve(active.id).active is False
    assert stripe.PromotionCode.retrieve(inactive.id).active is False
    expanded = stripe.PromotionCode.retrieve(active.id, expand=["promotion.coupon"])
    assert expanded.to_dict()["promotion"]["coupon"] == {"id": "BYE", "object": "coupon", "deleted": True}
    err = _error(stripe.PromotionCode.modify, active.id, active=True)
    assert (err.http_status, err.code, err.param) == (400, None, "active")
    assert stripe.PromotionCode.modify(active.id, metadata={"k": "v"}).to_dict()["metadata"] == {"k": "v"}
    types = [e.type for e in stripe.Event.list(limit=3).data]
    assert types == ["promotion_code.updated", "coupon.deleted", "promotion_code.updated"]


def test_list_filters(server: LiveServer, api: Account) -> None:
    customer_id = _customer(server, api)
    stripe.Coupon.create(id="A", percent_off=10)
    stripe.Coupon.create(id="B", percent_off=20)
    first = _promo("A", code="Spring")
    server.clock.advance(dt.timedelta(seconds=10))
    try:
        second = _promo("B", code="Summer", customer=customer_id)
        third = _promo("A", code="Autumn", active=False)
    finally:
        server.clock.advance(dt.timedelta(seconds=-10))

    def ids(**params: Any) -> list[str]:
        return [p.id for p in stripe.PromotionCode.list(**params).data]

    assert ids() == [third.id, second.id, first.id]
    assert ids(active=True) == [second.id, first.id]
    assert ids(active=False) == [third.id]
    assert ids(code="SPRING") == [first.id]
    assert ids(code="spring") == [first.id]
    assert ids(coupon="A") == [third.id, first.id]
    assert ids(coupon="missing") == []
    assert ids(customer=customer_id) == [second.id]
    assert ids(created={"lt": second.created}) == [first.id]
    assert ids(customer_account="acct_x") == []
    assert ids(limit=1, starting_after=second.id) == [first.id]
    page = stripe.PromotionCode.list(expand=["data.promotion.coupon"], limit=1)
    assert page.data[0].to_dict()["promotion"]["coupon"]["percent_off"] == 10.0
    assert stripe.PromotionCode.list(api_key=server.new_account().key).data == []


def test_another_accounts_code_is_missing(server: LiveServer, api: Account) -> None:
    stripe.Coupon.create(id="TEN", percent_off=10)
    promo = _promo("TEN")
    other = server.new_account()
    err = _error(stripe.PromotionCode.retrieve, promo.id, api_key=other.key)
    assert (err.http_status, err.code, err.param) == (404, "resource_missing", "id")
    err = _error(stripe.PromotionCode.modify, promo.id, active=False, api_key=other.key)
    assert (err.http_status, err.code, err.param) == (404, "resource_missing", "id")


_BAD_CREATE: list[tuple[dict[str, Any], str | None, str]] = [
    ({}, "parameter_missing", "promotion"),
    ({"promotion": "TEN"}, "parameter_invalid_object", "promotion"),
    ({"promotion": {"coupon": "TEN"}}, "parameter_missing", "promotion[type]"),
    ({"promotion": {"type": "gift", "coupon": "TEN"}}, "parameter_invalid_enum", "promotion[type]"),
    ({"promotion": {"type": "coupon"}}, "parameter_missing", "promotion[coupon]"),
    ({"promotion": {"type": "coupon", "coupon": ""}}, "parameter_invalid_empty", "promotion[coupon]"),
    ({"promotion": {"type": "coupon", "coupon": "TEN", "x": 1}}, "parameter_unknown", "promotion[x]"),
    ({"coupon": "TEN"}, "parameter_unknown", "coupon"),
    ({"code": "SAVE 10"}, "parameter_invalid", "code"),
    ({"code": "SAVE_10"}, "parameter_invalid", "code"),
    ({"code": "A" * 501}, "parameter_invalid_string_too_long", "code"),
    ({"code": ""}, "parameter_invalid_empty", "code"),
    ({"active": "maybe"}, "parameter_invalid_boolean", "active"),
    ({"customer": ""}, "parameter_invalid_empty", "customer"),
    ({"customer_account": "acct_123"}, None, "customer_account"),
    ({"expires_at": "tomorrow"}, "parameter_invalid_integer", "expires_at"),
    ({"max_redemptions": 0}, "parameter_invalid_integer", "max_redemptions"),
    ({"metadata": {"k": "v" * 501}}, "parameter_invalid_metadata", "metadata[k]"),
    ({"restrictions": "none"}, "parameter_invalid_object", "restrictions"),
    (
        {"restrictions": {"first_time_transaction": "maybe"}},
        "parameter_invalid_boolean",
        "restrictions[first_time_transaction]",
    ),
    (
        {"restrictions": {"minimum_amount": "lots", "minimum_amount_currency": "usd"}},
        "parameter_invalid_integer",
        "restrictions[minimum_amount]",
    ),
    (
        {"restrictions": {"minimum_amount": 0, "minimum_amount_currency": "usd"}},
        "parameter_invalid_integer",
        "restrictions[minimum_amount]",
    ),
    ({"restrictions": {"minimum_amount": 100}}, "parameter_missing", "restrictions[minimum_amount_currency]"),
    ({"restrictions": {"minimum_amount_currency": "usd"}}, None, "restrictions[minimum_amount_currency]"),
    (
        {"restrictions": {"minimum_amount": 100, "minimum_amount_currency": "zzz"}},
        "parameter_invalid",
        "restrictions[minimum_amount_currency]",
    ),
    ({"restrictions": {"currency_options": {"eur": {"minimum_amount": 1}}}}, None, "restrictions[currency_options]"),
    ({"restrictions": {"max": 1}}, "parameter_unknown", "restrictions[max]"),
    ({"colour": "red"}, "parameter_unknown", "colour"),
]


@pytest.mark.parametrize(("params", "code", "param"), _BAD_CREATE)
def test_bad_create(api: Account, params: dict[str, Any], code: str | None, param: str) -> None:
    stripe.Coupon.create(id="TEN", percent_off=10)
    # The empty case leaves out the required promotion; the others start from a valid request.
    body = {"promotion": {"type": "coupon", "coupon": "TEN"}, **params} if params else {}
    err = _error(stripe.PromotionCode.create, **body)
    assert (err.http_status, err.code, err.param) == (400, code, param)


_BAD_UPDATE: list[tuple[dict[str, Any], str | None, str]] = [
    ({"code": "NEW"}, "parameter_unknown", "code"),
    ({"max_redemptions": 3}, "parameter_unknown", "max_redemptions"),
    ({"expires_at": 1}, "parameter_unknown", "expires_at"),
    ({"promotion": {"type": "coupon", "coupon": "TEN"}}, "parameter_unknown", "promotion"),
    ({"active": "sometimes"}, "parameter_invalid_boolean", "active"),
    ({"metadata": "x"}, "parameter_invalid_object", "metadata"),
    ({"restrictions": {"first_time_transaction": True}}, "parameter_unknown", "restrictions[first_time_transaction]"),
    ({"restrictions": {"currency_options": {"eur": {"minimum_amount": 1}}}}, None, "restrictions[currency_options]"),
]


@pytest.mark.parametrize(("params", "code", "param"), _BAD_UPDATE)
def test_bad_update(api: Account, params: dict[str, Any], code: str | None, param: str) -> None:
    stripe.Coupon.create(id="TEN", percent_off=10)
    promo = _promo("TEN")
    err = _error(stripe.PromotionCode.modify, promo.id, **params)
    assert (err.http_status, err.code, err.param) == (400, code, param)


def test_bad_list_params(api: Account) -> None:
    err = _error(stripe.PromotionCode.list, active="perhaps")
    assert (err.code, err.param) == ("parameter_invalid_boolean", "active")
    err = _error(stripe.PromotionCode.list, code="")
    assert (err.code, err.param) == ("parameter_invalid_empty", "code")
    err = _error(stripe.PromotionCode.list, restrictions={"first_time_transaction": True})
    assert (err.code, err.param) == ("parameter_unknown", "restrictions")
    err = _error(stripe.PromotionCode.list, starting_after="promo_missing")
    assert (err.http_status, err.code, err.param) == (404, "resource_missing", "starting_after")
