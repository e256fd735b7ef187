"""An invoice preview is exactly the invoice the same change then produces.

For every change × ``proration_behavior``, preview the change with
``stripe.Invoice.create_preview`` and then make it with ``stripe.Subscription.modify``
(same ``proration_date``):

- when the change bills at once, the preview equals the real ``latest_invoice``;
- otherwise the preview equals the upcoming invoice previewed after the change (the
  real pending items plus the next period).

Amounts are exact: the subscription starts 2026-01-15 12:00 UTC, so its first period is
31 days; the change is priced at 2026-01-25 12:00 (``proration_date``), when 21 days
remain, and every monthly price is a multiple of 31 (3_100 is 100 a day, 6_200 200,
1_550 50, 930 30), so each proration is a whole number of days: 3_100 * 21 // 31 = 2_100.
The clock stands an hour later than ``proration_date`` so a change that ignored it would
show.

And the upcoming invoice previewed before a period ends is the cycle invoice the renewal
then makes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import stripe
from sqlalchemy import select

from billfold.context import Ctx
from billfold.models import Subscription
from billfold.payments import get_gateway
from billfold.subscriptions.renewal import advance_subscription
from tests.billing.helpers import customer_with_card, monthly_price
from tests.billing.scenarios.helpers import latest_invoice, proration
from tests.support import START, Account, LiveServer

PRORATION_DATE = START + dt.timedelta(days=10)  # 2026-01-25 12:00, 21 of 31 days remain
CHANGED_AT = PRORATION_DATE + dt.timedelta(hours=1)
BEHAVIORS = ["create_prorations", "always_invoice", "none"]
CHANGES = [
    "upgrade",
    "downgrade",
    "quantity_up",
    "quantity_down",
    "add_item",
    "remove_item",
    "monthly_to_yearly",
    "anchor_now",
]
# Changes that start a new period now and always invoice at once.
RESETS = {"monthly_to_yearly", "anchor_now"}


class Catalog:
    """The prices one test uses and the subscription's two items."""

    def __init__(self) -> None:
        self.basic = monthly_price(3_100, name="Basic")  # 100 a day
        self.pro = monthly_price(6_200, name="Pro")  # 200 a day
        self.lite = monthly_price(1_550, name="Lite")  # 50 a day
        self.addon = monthly_price(930, name="Support")  # 30 a day
        self.extra = monthly_price(1_240, name="Storage")  # 40 a day
        self.basic_yearly = monthly_price(36_500, name="Basic yearly", interval="year")
        self.addon_yearly = monthly_price(10_950, name="Support yearly", interval="year")


def _details(change: str, catalog: Catalog, sub: stripe.Subscription) -> dict[str, Any]:
    main, addon = (item.id for item in sub["items"].data)
    items: dict[str, list[dict[str, Any]]] = {
        "upgrade": [{"id": main, "price": catalog.pro.id}],
        "downgrade": [{"id": main, "price": catalog.lite.id}],
        "quantity_up": [{"id": main, "quantity": 4}],
        "quantity_down": [{"id": main, "quantity": 1}],
        "add_item": [{"price": catalog.extra.id, "quantity": 2}],
        "remove_item": [{"id": addon, "deleted": True}],
        "monthly_to_yearly": [
            {"id": main, "price": catalog.basic_yearly.id},
            {"id": addon, "price": catalog.addon_yearly.id},
        ],
    }
    if change == "anchor_now":
        return {"billing_cycle_anchor": "now"}
    return {"items": items[change]}


def _line(line: stripe.InvoiceLineItem) -> tuple[Any, ...]:
    pricing = line.pricing.to_dict() if line.pricing else None
    return (
        line.description,
        line.amount,
        line.currency,
        line.period.start,
        line.period.end,
        line.quantity,
        proration(line),
        pricing,
        line.to_dict()["discount_amounts"],
    )


def _summary(invoice: stripe.Invoice) -> dict[str, Any]:
    """What must agree between a preview and the real invoice (ids and numbers cannot)."""
    return {
        "lines": [_line(line) for line in invoice.lines.data],
        **{
            key: invoice[key]
            for key in (
                "billing_reason",
                "currency",
                "subtotal",
                "total",
                "amount_due",
                "starting_balance",
                "total_discount_amounts",
                "period_start",
                "period_end",
                "collection_method",
                "customer",
            )
        },
    }


def _subscribe(catalog: Catalog) -> tuple[stripe.Customer, stripe.Subscription]:
    customer = customer_with_card()
    sub = stripe.Subscription.create(
        customer=customer.id,
        items=[{"price": catalog.basic.id, "quantity": 2}, {"price": catalog.addon.id}],
    )
    return customer, sub


@pytest.mark.parametrize("behavior", BEHAVIORS)
@pytest.mark.parametrize("change", CHANGES)
def test_preview_matches_the_change(api: Account, server: LiveServer, change: str, behavior: str) -> None:
    catalog = Catalog()
    customer, sub = _subscribe(catalog)
    server.clock.set(CHANGED_AT)
    details = {
        **_details(change, catalog, sub),
        "proration_behavior": behavior,
        "proration_date": int(PRORATION_DATE.timestamp()),
    }
    preview = stripe.Invoice.create_preview(customer=customer.id, subscription=sub.id, subscription_details=details)  # type: ignore[arg-type]
    assert preview.id.startswith("upcoming_in_")
    assert preview.status == "draft"
    assert preview.number is None

    updated = stripe.Subscription.modify(sub.id, **details)

    immediate = change in RESETS or (behavior == "always_invoice")
    if immediate:
        real = latest_invoice(updated)
        assert real.id != sub.latest_invoice
        assert real.billing_reason == "subscription_update"
    else:
        assert updated.latest_invoice == sub.latest_invoice  # nothing billed yet
        real = stripe.Invoice.create_preview(customer=customer.id, subscription=sub.id)
        assert real.billing_reason == "upcoming"
    assert _summary(preview) == _summary(real)
    _check_prorations(preview, change, behavior)


def _check_prorations(preview: stripe.Invoice, change: str, behavior: str) -> None:
    """The prorated amounts are whole days of 21 (see the module docstring)."""
    prorations = sorted(line.amount for line in preview.lines.data if proration(line))
    if behavior == "none":
        assert prorations == []
        return
    expected = {
        "upgrade": [-2 * 2_100, 2 * 4_200],  # 2 × Basic credited, 2 × Pro charged
        "downgrade": [-2 * 2_100, 2 * 1_050],
        "quantity_up": [-2 * 2_100, 4 * 2_100],
        "quantity_down": [-2 * 2_100, 2_100],
        "add_item": [2 * 840],
        "remove_item": [-630],
        "monthly_to_yearly": [-2 * 2_100, -630],
        "anchor_now": [-2 * 2_100, -630],
    }[change]
    assert prorations == sorted(expected)


def _renew(server: LiveServer, account: Account, sub_id: str) -> None:
    """Run the renewal as the worker does (through the domain function)."""
    with server.database.unit_of_work() as session:
        sub = session.scalars(select(Subscription).where(Subscription.id == sub_id)).one()
        advance_subscription(Ctx(session, account.id, server.clock, public_base_url=server.url), get_gateway(), sub)


@pytest.mark.parametrize("case", ["plain", "pending_and_coupon", "cancel_inside_next_period", "trial"])
def test_upcoming_preview_is_the_renewal(api: Account, server: LiveServer, case: str) -> None:
    catalog = Catalog()
    customer = customer_with_card()
    extra: dict[str, Any] = {"trial_period_days": 7} if case == "trial" else {}
    if case == "pending_and_coupon":
        extra["discounts"] = [
            {"coupon": stripe.Coupon.create(percent_off=10, duration="repeating", duration_in_months=3).id}
        ]
    sub = stripe.Subscription.create(customer=customer.id, items=[{"price": catalog.basic.id}], **extra)
    server.clock.set(CHANGED_AT)
    if case == "pending_and_coupon":  # prorations waiting for the renewal
        stripe.Subscription.modify(sub.id, items=[{"id": sub["items"].data[0].id, "quantity": 2}])
    if case == "cancel_inside_next_period":  # ten of the next period's 28 days are billed
        stripe.Subscription.modify(sub.id, cancel_at=int((START + dt.timedelta(days=41)).timestamp()))
    preview = stripe.Invoice.create_preview(subscription=sub.id)

    server.clock.set(dt.datetime.fromtimestamp(preview.created, dt.UTC))  # the period's end
    _renew(server, api, sub.id)
    real = latest_invoice(stripe.Subscription.retrieve(sub.id))
    assert real.billing_reason == "subscription_cycle"
    assert (preview.billing_reason, preview.created) == ("upcoming", real.created)
    assert {**_summary(preview), "billing_reason": None} == {**_summary(real), "billing_reason": None}
    if case == "cancel_inside_next_period":
        assert [line.amount for line in real.lines.data] == [3_100 * 10 // 28]
