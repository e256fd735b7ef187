"""Changing a subscription mid-period: prorations as pending items or invoiced at once.

The server's clock starts at 2026-01-15 12:00 UTC, so the first monthly period is
31 days long. Prices of 3_100 and 6_200 make one day worth exactly 100 and 200.
"""

from __future__ import annotations

import datetime as dt

import stripe

from tests.billing.helpers import customer_with_card, monthly_price
from tests.support import Account, LiveServer


def _subscribe(price: stripe.Price) -> tuple[stripe.Customer, stripe.Subscription]:
    customer = customer_with_card()
    return customer, stripe.Subscription.create(customer=customer.id, items=[{"price": price.id}])


def test_upgrade_creates_pending_proration_items(api: Account, server: LiveServer) -> None:
    basic, pro = monthly_price(3_100, name="Basic"), monthly_price(6_200, name="Pro")
    customer, sub = _subscribe(basic)
    server.clock.advance(dt.timedelta(days=10))  # 21 of 31 days remain
    item = sub["items"].data[0]
    updated = stripe.Subscription.modify(sub.id, items=[{"id": item.id, "price": pro.id}])
    assert updated["items"].data[0].price.id == pro.id
    pending = stripe.InvoiceItem.list(customer=customer.id, pending=True).data
    amounts = sorted(i.amount for i in pending)
    assert amounts == [-3_100 * 21 // 31, 6_200 * 21 // 31]
    assert all(i.proration for i in pending)
    descriptions = {i.description for i in pending}
    assert descriptions == {"Unused time on Basic after 25 Jan 2026", "Remaining time on Pro after 25 Jan 2026"}


def test_always_invoice_bills_the_difference_now(api: Account, server: LiveServer) -> None:
    basic, pro = monthly_price(3_100, name="Basic"), monthly_price(6_200, name="Pro")
    _customer, sub = _subscribe(basic)
    server.clock.advance(dt.timedelta(days=10))
    item = sub["items"].data[0]
    updated = stripe.Subscription.modify(
        sub.id,
        items=[{"id": item.id, "price": pro.id}],
        proration_behavior="always_invoice",
    )
    invoice = stripe.Invoice.retrieve(str(updated.latest_invoice))
    assert invoice.billing_reason == "subscription_update"
    assert invoice.total == 4_200 - 2_100
    assert invoice.status == "paid"


def test_none_changes_price_without_billing(api: Account, server: LiveServer) -> None:
    basic, pro = monthly_price(3_100, name="Basic"), monthly_price(6_200, name="Pro")
    customer, sub = _subscribe(basic)
    server.clock.advance(dt.timedelta(days=10))
    item = sub["items"].data[0]
    stripe.Subscription.modify(sub.id, items=[{"id": item.id, "price": pro.id}], proration_behavior="none")
    assert stripe.InvoiceItem.list(customer=customer.id, pending=True).data == []


def test_cancel_at_period_end_toggles(api: Account) -> None:
    _customer, sub = _subscribe(monthly_price(1_000))
    assert stripe.Subscription.modify(sub.id, cancel_at_period_end=True).cancel_at_period_end is True
    assert stripe.Subscription.modify(sub.id, cancel_at_period_end=False).cancel_at_period_end is False


def test_cancel_now_with_proration_and_final_invoice(api: Account, server: LiveServer) -> None:
    customer, sub = _subscribe(monthly_price(3_100))
    server.clock.advance(dt.timedelta(days=10))
    canceled = stripe.Subscription.cancel(
        sub.id,
        prorate=True,
        invoice_now=True,
        cancellation_details={"feedback": "too_expensive"},
    )
    assert canceled.status == "canceled"
    details = canceled.to_dict()["cancellation_details"]
    assert (details["feedback"], details["reason"]) == ("too_expensive", "cancellation_requested")
    final = stripe.Invoice.retrieve(str(canceled.latest_invoice))
    assert final.total == -3_100 * 21 // 31
    # A negative invoice becomes customer credit.
    assert stripe.Customer.retrieve(customer.id).balance == -2_100


def test_discount_given_with_the_change_applies_to_its_invoice(api: Account, server: LiveServer) -> None:
    basic, pro = monthly_price(3_100, name="Basic"), monthly_price(6_200, name="Pro")
    _customer, sub = _subscribe(basic)
    coupon = stripe.Coupon.create(percent_off=50, duration="forever")
    server.clock.advance(dt.timedelta(days=10))
    item = sub["items"].data[0]
    updated = stripe.Subscription.modify(
        sub.id,
        items=[{"id": item.id, "price": pro.id}],
        proration_behavior="always_invoice",
        discounts=[{"coupon": coupon.id}],
    )
    invoice = stripe.Invoice.retrieve(str(updated.latest_invoice))
    # Credit -2_100 and charge 4_200 are each halved by the coupon: -1_050 + 2_100.
    assert invoice.total == 1_050
