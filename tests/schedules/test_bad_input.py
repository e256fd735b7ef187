"""Bad input when creating schedules: every parameter refused with Stripe's status, code and param."""

from __future__ import annotations

from typing import Any

import stripe

from tests.billing.helpers import customer_with_card, monthly_price
from tests.schedules.helpers import Schedule, create, fails, unix
from tests.support import Account, LiveServer

END = unix("2026-03-15T12:00:00")


def test_create_bad_top_level_parameters(api: Account, server: LiveServer) -> None:
    customer, price = customer_with_card().id, monthly_price(1_000).id
    phases = [{"items": [{"price": price}]}]
    fails(lambda: create(customer, phases, foo="1"), 400, "parameter_unknown", "foo")
    fails(
        lambda: Schedule.create(start_date="now", phases=phases),
        400,
        "parameter_missing",
        "customer",
    )
    fails(
        lambda: Schedule.create(customer=customer, phases=phases),
        400,
        "parameter_missing",
        "start_date",
    )
    fails(
        lambda: Schedule.create(customer=customer, start_date="now"),
        400,
        "parameter_missing",
        "phases",
    )
    fails(
        lambda: Schedule.create(customer=customer, start_date=unix("2026-01-01T00:00:00"), phases=phases),
        400,
        None,
        "start_date",
    )
    fails(
        lambda: Schedule.create(customer=customer, start_date="tomorrow", phases=phases),
        400,
        "parameter_invalid_integer",
        "start_date",
    )
    fails(lambda: create(customer, phases, end_behavior="sometimes"), 400, "parameter_invalid_enum", "end_behavior")
    fails(lambda: create(customer, phases, end_behavior="renew"), 400, None, "end_behavior")
    fails(
        lambda: create(customer, phases, metadata={f"k{i}": "v" for i in range(51)}),
        400,
        "parameter_invalid_metadata",
        "metadata",
    )
    fails(lambda: create(customer, phases * 11), 400, "parameter_invalid_array", "phases")
    fails(lambda: create("cus_missing", phases), 404, "resource_missing", "customer")
    fails(
        lambda: create(customer, phases, default_settings={"collection_method": "send_invoice"}),
        400,
        "parameter_missing",
        "default_settings[invoice_settings][days_until_due]",
    )
    fails(
        lambda: create(customer, phases, default_settings={"default_payment_method": "pm_card_visa"}),
        400,
        None,
        "default_settings[default_payment_method]",
    )
    fails(
        lambda: create(customer, phases, default_settings={"billing_cycle_anchor": "later"}),
        400,
        "parameter_invalid_enum",
        "default_settings[billing_cycle_anchor]",
    )


def test_another_accounts_customer_is_not_found(api: Account, server: LiveServer) -> None:
    other = server.new_account("Other Inc.")
    theirs = stripe.Customer.create(api_key=other.key)
    fails(
        lambda: create(theirs.id, [{"items": [{"price": monthly_price(1_000).id}]}]),
        404,
        "resource_missing",
        "customer",
    )


def test_create_bad_phases(api: Account, server: LiveServer) -> None:
    customer, price = customer_with_card().id, monthly_price(1_000).id
    item = {"price": price}
    one_time = stripe.Price.create(unit_amount=500, currency="usd", product_data={"name": "Setup"})
    eur = monthly_price(1_000, currency="eur")
    yearly = monthly_price(10_000, interval="year")
    archived = monthly_price(1_000)
    stripe.Price.modify(archived.id, active=False)
    cases: list[tuple[list[dict[str, Any]], int, str | None, str]] = [
        ([{"items": [item], "foo": 1}], 400, "parameter_unknown", "phases[0][foo]"),
        ([{"items": [{"price": price, "foo": 1}]}], 400, "parameter_unknown", "phases[0][items][0][foo]"),
        ([{"iterations": 1}], 400, "parameter_missing", "phases[0][items]"),
        ([{"items": [{"quantity": 1}]}], 400, "parameter_missing", "phases[0][items][0][price]"),
        (
            [{"items": [{"price": price, "quantity": -1}]}],
            400,
            "parameter_invalid_integer",
            "phases[0][items][0][quantity]",
        ),
        ([{"items": [{"price": "price_missing"}]}], 404, "resource_missing", "phases[0][items][0][price]"),
        ([{"items": [{"price": one_time.id}]}], 400, None, "phases[0][items][0][price]"),
        ([{"items": [{"price": archived.id}]}], 400, None, "phases[0][items][0][price]"),
        ([{"items": [item, {"price": eur.id}]}], 400, None, "phases[0][items][1][price]"),
        ([{"items": [item, {"price": yearly.id}]}], 400, None, "phases[0][items][1][price]"),
        ([{"items": [item, item]}], 400, None, "phases[0][items][1][price]"),
        (
            [
                {
                    "items": [
                        {
                            "price": price,
                            "price_data": {
                                "currency": "usd",
                                "product": "prod_x",
                                "unit_amount": 1,
                                "recurring": {"interval": "month"},
                            },
                        }
                    ]
                }
            ],
            400,
            "parameters_exclusive",
            "phases[0][items][0][price_data]",
        ),
        ([{"items": [item], "iterations": 1}, {"items": [{"price": eur.id}]}], 400, None, "phases[1][items][0][price]"),
        ([{"items": [item], "currency": "eur"}], 400, None, "phases[0][currency]"),
        ([{"items": [item], "end_date": unix("2026-01-15T12:00:00")}], 400, None, "phases[0][end_date]"),
        (
            [{"items": [item], "end_date": END}, {"items": [item], "end_date": unix("2026-02-15T12:00:00")}],
            400,
            None,
            "phases[1][end_date]",
        ),
        ([{"items": [item], "end_date": END, "iterations": 2}], 400, "parameters_exclusive", "phases[0][iterations]"),
        (
            [{"items": [item], "iterations": 1, "duration": {"interval": "month"}}],
            400,
            "parameters_exclusive",
            "phases[0][duration]",
        ),
        ([{"items": [item], "iterations": 0}], 400, "parameter_invalid_integer", "phases[0][iterations]"),
        (
            [{"items": [item], "duration": {"interval": "fortnight"}}],
            400,
            "parameter_invalid_enum",
            "phases[0][duration][interval]",
        ),
        ([{"items": [item], "end_date": "soon"}], 400, "parameter_invalid_integer", "phases[0][end_date]"),
        (
            [{"items": [item], "proration_behavior": "sometimes"}],
            400,
            "parameter_invalid_enum",
            "phases[0][proration_behavior]",
        ),
        ([{"items": [item], "iterations": 1, "trial_end": END}], 400, None, "phases[0][trial_end]"),
        ([{"items": [item], "trial_end": unix("2026-01-14T00:00:00")}], 400, None, "phases[0][trial_end]"),
        (
            [{"items": [item], "trial": True, "trial_end": unix("2026-01-20T00:00:00")}],
            400,
            "parameters_exclusive",
            "phases[0][trial]",
        ),
        (
            [{"items": [item], "discounts": [{"coupon": "missing"}]}],
            404,
            "resource_missing",
            "phases[0][discounts][0][coupon]",
        ),
        (
            [{"items": [item], "discounts": [{"promotion_code": "promo_missing"}]}],
            404,
            "resource_missing",
            "phases[0][discounts][0][promotion_code]",
        ),
        (
            [{"items": [item], "discounts": [{"discount": "di_missing"}]}],
            404,
            "resource_missing",
            "phases[0][discounts][0][discount]",
        ),
        (
            [{"items": [item], "collection_method": "send_invoice"}],
            400,
            "parameter_missing",
            "phases[0][invoice_settings][days_until_due]",
        ),
        (
            [{"items": [item], "invoice_settings": {"days_until_due": 1000}}],
            400,
            "parameter_invalid_integer",
            "phases[0][invoice_settings][days_until_due]",
        ),
        (
            [{"items": [item], "default_payment_method": "pm_missing"}],
            404,
            "resource_missing",
            "phases[0][default_payment_method]",
        ),
        (
            [{"items": [item], "billing_cycle_anchor": "later"}],
            400,
            "parameter_invalid_enum",
            "phases[0][billing_cycle_anchor]",
        ),
        ([{"items": [item], "start_date": "now"}], 400, "parameter_unknown", "phases[0][start_date]"),
    ]
    for phases, status, code, param in cases:
        fails(lambda phases=phases: create(customer, phases), status, code, param)  # type: ignore[misc]
    assert Schedule.list().data == []  # nothing was made by any of them
