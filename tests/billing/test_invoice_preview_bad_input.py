"""``create_preview`` rejects bad input with Stripe's codes, naming the parameter as sent."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import stripe

from tests.billing.helpers import customer_with_card, monthly_price
from tests.support import START, Account

LATER = int((START + dt.timedelta(days=60)).timestamp())


def _error(**params: Any) -> stripe.InvalidRequestError:
    with pytest.raises(stripe.InvalidRequestError) as err:
        stripe.Invoice.create_preview(**params)
    return err.value


@pytest.fixture
def sub(api: Account) -> stripe.Subscription:
    customer = customer_with_card()
    return stripe.Subscription.create(customer=customer.id, items=[{"price": monthly_price(1_000).id}])


@pytest.mark.parametrize(
    ("params", "code", "param"),
    [
        ({"schedule": "sub_sched_1"}, None, "schedule"),
        ({"schedule_details": {"end_behavior": "cancel"}}, None, "schedule_details"),
        ({"subscription_details": {"default_tax_rates": ["txr_1"]}}, None, "subscription_details[default_tax_rates]"),
        (
            {"subscription_details": {"items": [{"price": "price_x", "tax_rates": ["txr_1"]}]}},
            None,
            "subscription_details[items][0][tax_rates]",
        ),
        ({"automatic_tax": {"enabled": True}}, None, "automatic_tax[enabled]"),
        ({"customer_details": {"tax_exempt": "none"}}, None, "customer_details"),
        ({"preview_mode": "soon"}, "parameter_invalid_enum", "preview_mode"),
        ({"colour": "red"}, "parameter_unknown", "colour"),
        (
            {"subscription_details": {"proration_behavior": "sometimes"}},
            "parameter_invalid_enum",
            "subscription_details[proration_behavior]",
        ),
        (
            {"subscription_details": {"proration_date": "soon"}},
            "parameter_invalid_integer",
            "subscription_details[proration_date]",
        ),
        (
            {"subscription_details": {"items": [{"quantity": -1}]}},
            "parameter_invalid_integer",
            "subscription_details[items][0][quantity]",
        ),
        ({"invoice_items": [{"amount": "lots"}]}, "parameter_invalid_integer", "invoice_items[0][amount]"),
        ({"invoice_items": [{"period": {"start": 1}}]}, "parameter_missing", "invoice_items[0][period][end]"),
    ],
)
def test_rejected_parameters(sub: stripe.Subscription, params: dict[str, Any], code: str | None, param: str) -> None:
    error = _error(subscription=sub.id, **params)
    assert (error.http_status, error.code, error.param) == (400, code, param)


def test_needs_a_customer_or_subscription(api: Account) -> None:
    error = _error(preview_mode="next")
    assert (error.code, error.param) == ("parameter_missing", "customer")
    missing = _error(subscription="sub_missing")
    assert (missing.http_status, missing.code, missing.param) == (404, "resource_missing", "subscription")
    nobody = _error(customer="cus_missing")
    assert (nobody.http_status, nobody.param) == (404, "customer")


def test_subscription_of_another_customer(sub: stripe.Subscription) -> None:
    other = stripe.Customer.create()
    assert _error(customer=other.id, subscription=sub.id).param == "customer"
    assert _error(subscription=sub.id, currency="eur").param == "currency"


def test_subscription_errors_are_named_under_subscription_details(sub: stripe.Subscription) -> None:
    item = sub["items"].data[0]
    unknown = _error(subscription=sub.id, subscription_details={"items": [{"id": item.id, "price": "price_nope"}]})
    assert (unknown.http_status, unknown.param) == (404, "subscription_details[items][0][price]")
    outside = _error(subscription=sub.id, subscription_details={"proration_date": LATER})
    assert outside.param == "subscription_details[proration_date]"
    no_item = _error(subscription=sub.id, subscription_details={"items": [{"id": "si_nope"}]})
    assert no_item.param == "subscription_details[items][0][id]"
    anchor = _error(
        subscription=sub.id, subscription_details={"billing_cycle_anchor": {"type": "timestamp", "timestamp": LATER}}
    )
    assert anchor.param == "subscription_details[billing_cycle_anchor]"
    none_left = _error(subscription=sub.id, subscription_details={"items": [{"id": item.id, "deleted": True}]})
    assert none_left.param == "subscription_details[items]"


def test_invoice_item_errors(sub: stripe.Subscription) -> None:
    missing = _error(subscription=sub.id, invoice_items=[{"description": "nothing"}])
    assert (missing.code, missing.param) == ("parameter_missing", "invoice_items[0][amount]")
    both = _error(subscription=sub.id, invoice_items=[{"amount": 1, "price": "price_x", "currency": "usd"}])
    assert (both.code, both.param) == ("parameters_exclusive", "invoice_items[0][price]")
    euro = _error(subscription=sub.id, invoice_items=[{"amount": 100, "currency": "eur"}])
    assert euro.param == "invoice_items[0][currency]"
    missing_price = _error(subscription=sub.id, invoice_items=[{"price": "price_nope"}])
    assert (missing_price.http_status, missing_price.param) == (404, "invoice_items[0][price]")
    bad_data = _error(
        subscription=sub.id,
        invoice_items=[{"price_data": {"currency": "usd", "product": "prod_nope", "unit_amount": 1}}],
    )
    assert bad_data.param == "invoice_items[0][price_data][product]"
    units = _error(
        subscription=sub.id, invoice_items=[{"unit_amount": 1, "unit_amount_decimal": "1", "currency": "usd"}]
    )
    assert (units.code, units.param) == ("parameters_exclusive", "invoice_items[0][unit_amount_decimal]")
    not_pending = _error(subscription=sub.id, invoice_items=[{"invoiceitem": "ii_nope", "amount": 5}])
    assert (not_pending.http_status, not_pending.param) == (404, "invoice_items[0][invoiceitem]")
    taxed = _error(subscription=sub.id, invoice_items=[{"amount": 1, "currency": "usd", "tax_rates": ["txr_1"]}])
    assert taxed.param == "invoice_items[0][tax_rates]"


def test_discount_errors(sub: stripe.Subscription) -> None:
    error = _error(subscription=sub.id, discounts=[{"coupon": "nope"}])
    assert error.param == "discounts[0][coupon]"


def test_details_without_items_need_a_subscription(api: Account) -> None:
    customer = stripe.Customer.create()
    error = _error(customer=customer.id, subscription_details={"proration_behavior": "none"})
    assert error.param == "subscription"
    new_with_id = _error(customer=customer.id, subscription_details={"items": [{"id": "si_1", "price": "p"}]})
    assert new_with_id.param == "subscription_details[items][0][id]"


def test_canceled_subscription_has_no_upcoming_invoice(sub: stripe.Subscription) -> None:
    stripe.Subscription.cancel(sub.id)
    assert _error(subscription=sub.id).code == "invoice_upcoming_none"
    changed = _error(subscription=sub.id, subscription_details={"proration_behavior": "none"})
    assert changed.param == "subscription_details[proration_behavior]"
