"""``stripe.Invoice.create_preview``: upcoming invoices, previews of changes, and that nothing is kept.

The subscription starts 2026-01-15 12:00 UTC (a 31-day first period); 3_100 and 6_200
are 100 and 200 a day, so 21 remaining days prorate to 2_100 and 4_200.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import stripe

from tests.api.http import client, error_of
from tests.billing.helpers import customer_with_card, monthly_price
from tests.billing.scenarios.helpers import latest_invoice
from tests.shapes import shape_problems
from tests.support import START, Account, LiveServer

FEB_15 = int((START + dt.timedelta(days=31)).timestamp())
MAR_15 = int(dt.datetime(2026, 3, 15, 12, tzinfo=dt.UTC).timestamp())


def _subscribe(price: stripe.Price, **extra: Any) -> tuple[stripe.Customer, stripe.Subscription]:
    customer = customer_with_card()
    return customer, stripe.Subscription.create(customer=customer.id, items=[{"price": price.id}], **extra)


def _lines(invoice: stripe.Invoice) -> list[tuple[str, int]]:
    return [(str(line.description), line.amount) for line in invoice.lines.data]


def _state(customer: stripe.Customer, sub: stripe.Subscription) -> dict[str, Any]:
    """Everything a preview must leave as it was."""
    return {
        "subscription": stripe.Subscription.retrieve(sub.id).to_dict(),
        "customer": stripe.Customer.retrieve(customer.id).to_dict(),
        "invoices": [i.to_dict() for i in stripe.Invoice.list(customer=customer.id).data],
        "items": [i.to_dict() for i in stripe.InvoiceItem.list(customer=customer.id).data],
        "events": [e.id for e in stripe.Event.list(limit=100).data],
    }


def test_upcoming_invoice_of_a_subscription(api: Account) -> None:
    _customer, sub = _subscribe(monthly_price(3_100, name="Basic"))
    preview = stripe.Invoice.create_preview(subscription=sub.id)
    assert preview.id.startswith("upcoming_in_")
    assert (preview.status, preview.number, preview.billing_reason) == ("draft", None, "upcoming")
    assert preview.hosted_invoice_url is None
    assert preview.created == FEB_15  # made when the period ends
    assert (preview.period_start, preview.period_end) == (sub["items"].data[0].current_period_start, FEB_15)
    assert _lines(preview) == [("1 × Basic (at $31.00 / month)", 3_100)]
    assert (preview.lines.data[0].period.start, preview.lines.data[0].period.end) == (FEB_15, MAR_15)
    assert (preview.subtotal, preview.total, preview.amount_due) == (3_100, 3_100, 3_100)
    assert preview.to_dict()["parent"]["subscription_details"]["subscription"] == sub.id
    assert shape_problems(preview.to_dict(), "Invoice") == []


def test_previewing_a_change_keeps_nothing(api: Account, server: LiveServer) -> None:
    basic, pro = monthly_price(3_100, name="Basic"), monthly_price(6_200, name="Pro")
    coupon = stripe.Coupon.create(percent_off=10, duration="forever", max_redemptions=5)
    customer, sub = _subscribe(basic)
    server.clock.advance(dt.timedelta(days=10))
    before = _state(customer, sub)
    item = sub["items"].data[0]
    for behavior in ("create_prorations", "always_invoice"):
        stripe.Invoice.create_preview(
            subscription=sub.id,
            discounts=[{"coupon": coupon.id}],
            invoice_items=[{"amount": 500, "currency": "usd", "description": "Setup"}],
            subscription_details={"items": [{"id": item.id, "price": pro.id}], "proration_behavior": behavior},
        )
    assert _state(customer, sub) == before
    assert stripe.Coupon.retrieve(coupon.id).times_redeemed == 0
    # No invoice number was taken: the real change gets the next one.
    first = str(latest_invoice(sub).number)
    updated = stripe.Subscription.modify(
        sub.id,
        items=[{"id": item.id, "price": pro.id}],
        proration_behavior="always_invoice",
    )
    assert latest_invoice(updated).number == first[:-4] + "0002"


def test_preview_of_prorations_is_the_next_invoice(api: Account, server: LiveServer) -> None:
    basic, pro = monthly_price(3_100, name="Basic"), monthly_price(6_200, name="Pro")
    _customer, sub = _subscribe(basic)
    server.clock.advance(dt.timedelta(days=10))
    at = int(server.clock.now().timestamp())
    preview = stripe.Invoice.create_preview(
        subscription=sub.id,
        subscription_details={"items": [{"id": sub["items"].data[0].id, "price": pro.id}]},
    )
    assert _lines(preview) == [
        ("Unused time on Basic after 25 Jan 2026", -2_100),
        ("Remaining time on Pro after 25 Jan 2026", 4_200),
        ("1 × Pro (at $62.00 / month)", 6_200),
    ]
    assert preview.total == 8_300
    assert preview.to_dict()["parent"]["subscription_details"]["subscription_proration_date"] == at
    # preview_mode=recurring: the next period alone.
    recurring = stripe.Invoice.create_preview(
        subscription=sub.id,
        preview_mode="recurring",
        subscription_details={"items": [{"id": sub["items"].data[0].id, "price": pro.id}]},
    )
    assert _lines(recurring) == [("1 × Pro (at $62.00 / month)", 6_200)]


def test_customer_balance_is_applied_as_finalizing_would(api: Account) -> None:
    customer, sub = _subscribe(monthly_price(3_100))
    stripe.Customer.create_balance_transaction(customer.id, amount=-1_000, currency="usd")
    preview = stripe.Invoice.create_preview(customer=customer.id)
    assert (preview.total, preview.starting_balance, preview.amount_due) == (3_100, -1_000, 2_100)
    assert preview.ending_balance is None  # known only once finalized
    stripe.Customer.create_balance_transaction(customer.id, amount=-5_000, currency="usd")
    preview = stripe.Invoice.create_preview(subscription=sub.id)
    assert (preview.starting_balance, preview.amount_due, preview.amount_remaining) == (-6_000, 0, 0)


def test_discounts_replace_or_remove_the_inherited_ones(api: Account) -> None:
    quarter = stripe.Coupon.create(percent_off=25, duration="forever")
    fixed = stripe.Coupon.create(amount_off=600, currency="usd", duration="once")
    _customer, sub = _subscribe(monthly_price(3_100), discounts=[{"coupon": quarter.id}])
    assert stripe.Invoice.create_preview(subscription=sub.id).total == 3_100 - 775
    assert stripe.Invoice.create_preview(subscription=sub.id, discounts=[{"coupon": fixed.id}]).total == 2_500
    assert stripe.Invoice.create_preview(subscription=sub.id, discounts="").total == 3_100


def test_invoice_items_and_customer_previews(api: Account) -> None:
    customer = customer_with_card()
    with pytest.raises(stripe.InvalidRequestError) as err:
        stripe.Invoice.create_preview(customer=customer.id)
    assert (err.value.http_status, err.value.code) == (400, "invoice_upcoming_none")
    one_time = stripe.Price.create(unit_amount=250, currency="usd", product_data={"name": "Sticker"})
    preview = stripe.Invoice.create_preview(
        customer=customer.id,
        invoice_items=[
            {"amount": 500, "currency": "usd", "description": "Setup"},
            {"price": one_time.id, "quantity": 3},
            {"unit_amount_decimal": Decimal("12.5"), "quantity": 4, "currency": "usd", "description": "Half cents"},
        ],
    )
    assert [line.amount for line in preview.lines.data] == [500, 750, 50]  # 3 × 250; 4 × 12.5
    assert [preview.lines.data[i].description for i in (0, 2)] == ["Setup", "Half cents"]
    assert preview.parent is None
    assert stripe.InvoiceItem.list(customer=customer.id).data == []


def test_cancel_previews(api: Account, server: LiveServer) -> None:
    _customer, sub = _subscribe(monthly_price(3_100, name="Basic"))
    server.clock.advance(dt.timedelta(days=10))
    final = stripe.Invoice.create_preview(subscription=sub.id, subscription_details={"cancel_now": True})
    assert _lines(final) == [("Unused time on Basic after 25 Jan 2026", -2_100)]
    assert (final.total, final.amount_due) == (-2_100, 0)
    with pytest.raises(stripe.InvalidRequestError) as err:
        stripe.Invoice.create_preview(subscription=sub.id, subscription_details={"cancel_at_period_end": True})
    assert err.value.code == "invoice_upcoming_none"
    # Canceling ten days into the next period bills those ten days of its 28.
    partial = stripe.Invoice.create_preview(
        subscription=sub.id,
        subscription_details={"cancel_at": FEB_15 + 10 * 86_400},
    )
    assert [(line.amount, line.period.end) for line in partial.lines.data] == [(3_100 * 10 // 28, FEB_15 + 864_000)]
    assert stripe.Subscription.retrieve(sub.id).status == "active"


def test_new_subscription_preview(api: Account) -> None:
    customer = customer_with_card()
    price = monthly_price(2_000, name="Team")
    preview = stripe.Invoice.create_preview(
        customer=customer.id,
        subscription_details={"items": [{"price": price.id, "quantity": 2}]},
    )
    assert preview.billing_reason == "subscription_create"
    assert _lines(preview) == [("2 × Team (at $20.00 / month)", 4_000)]
    assert stripe.Subscription.list(customer=customer.id, status="all").data == []
    trial = stripe.Invoice.create_preview(
        customer=customer.id,
        preview_mode="recurring",
        subscription_details={"items": [{"price": price.id}], "trial_end": FEB_15},
    )
    assert (trial.created, _lines(trial)) == (FEB_15, [("1 × Team (at $20.00 / month)", 2_000)])


def test_trial_end_change_moves_the_next_invoice(api: Account) -> None:
    price = monthly_price(3_100, name="Basic")
    _customer, sub = _subscribe(price, trial_period_days=7)
    later = int((START + dt.timedelta(days=20)).timestamp())
    preview = stripe.Invoice.create_preview(subscription=sub.id, subscription_details={"trial_end": later})
    line = preview.lines.data[0]
    assert (preview.created, line.period.start, line.amount) == (later, later, 3_100)
    assert line.period.end == int(dt.datetime(2026, 3, 4, 12, tzinfo=dt.UTC).timestamp())
    updated = stripe.Subscription.modify(sub.id, trial_end=later)
    assert updated.billing_cycle_anchor == later  # the trial's end anchors the cycle
    assert updated["items"].data[0].current_period_end == later


def test_anchor_object_form_and_immediate_invoice(api: Account, server: LiveServer) -> None:
    _customer, sub = _subscribe(monthly_price(3_100, name="Basic"))
    server.clock.advance(dt.timedelta(days=10))
    now: dict[str, Any] = {"billing_cycle_anchor": "now"}  # the older spelling, still accepted
    plain = stripe.Invoice.create_preview(subscription=sub.id, subscription_details=now)  # type: ignore[arg-type]
    as_object = stripe.Invoice.create_preview(
        subscription=sub.id,
        subscription_details={"billing_cycle_anchor": {"type": "now"}},
    )
    assert (
        _lines(plain)
        == _lines(as_object)
        == [
            ("Unused time on Basic after 25 Jan 2026", -2_100),
            ("1 × Basic (at $31.00 / month)", 3_100),
        ]
    )
    assert plain.billing_reason == "subscription_update"


def test_route_is_post_only_and_idempotent(api: Account, server: LiveServer) -> None:
    _customer, sub = _subscribe(monthly_price(3_100))
    with client(server, api) as http:
        missing = http.get("/v1/invoices/create_preview")
        first = http.post(
            "/v1/invoices/create_preview", data={"subscription": sub.id}, headers={"Idempotency-Key": "preview-1"}
        )
        again = http.post(
            "/v1/invoices/create_preview", data={"subscription": sub.id}, headers={"Idempotency-Key": "preview-1"}
        )
    assert missing.status_code == 404
    assert error_of(missing)["code"] == "resource_missing"
    assert first.status_code == 200, first.text
    assert again.headers.get("idempotent-replayed") == "true"
    assert again.json() == first.json()


def test_invoice_items_can_change_pending_ones_for_the_preview(api: Account) -> None:
    customer, sub = _subscribe(monthly_price(3_100, name="Basic"))
    setup = stripe.InvoiceItem.create(customer=customer.id, amount=1_000, currency="usd", description="Setup")
    preview = stripe.Invoice.create_preview(
        subscription=sub.id, invoice_items=[{"invoiceitem": setup.id, "amount": 900, "description": "Setup, less"}]
    )
    assert _lines(preview) == [("Setup, less", 900), ("1 × Basic (at $31.00 / month)", 3_100)]
    assert stripe.InvoiceItem.retrieve(setup.id).amount == 1_000  # the real item is untouched
    recurring = stripe.Invoice.create_preview(subscription=sub.id, preview_mode="recurring")
    assert _lines(recurring) == [("1 × Basic (at $31.00 / month)", 3_100)]  # invoice items left out
