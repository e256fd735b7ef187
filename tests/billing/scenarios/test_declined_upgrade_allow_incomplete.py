"""A declined always_invoice upgrade with ``allow_incomplete``: applied, invoice open, subscription past due."""

from __future__ import annotations

import stripe

from tests.billing.helpers import customer_with_card, monthly_price
from tests.billing.scenarios.helpers import latest_invoice, move_to, switch_card
from tests.support import Account, LiveServer


def test_declined_upgrade_leaves_an_open_invoice(api: Account, server: LiveServer) -> None:
    move_to(server, "2026-01-15T12:00:00Z")
    basic, pro = monthly_price(3_100, name="Basic"), monthly_price(6_200, name="Pro")
    customer = customer_with_card()
    sub = stripe.Subscription.create(customer=customer.id, items=[{"price": basic.id}])
    switch_card(customer, "pm_card_chargeCustomerFail")

    move_to(server, "2026-01-25T12:00:00Z")  # 21 of 31 days: 6_200 * 21 // 31 - 3_100 * 21 // 31 = 2_100
    updated = stripe.Subscription.modify(
        sub.id,
        items=[{"id": sub["items"].data[0].id, "price": pro.id}],
        proration_behavior="always_invoice",
        payment_behavior="allow_incomplete",
    )
    assert updated.status == "past_due"
    assert updated["items"].data[0].price.id == pro.id
    invoice = latest_invoice(updated)
    assert (invoice.status, invoice.total, invoice.amount_due, invoice.amount_remaining) == (
        "open",
        2_100,
        2_100,
        2_100,
    )
    assert (invoice.attempted, invoice.attempt_count) == (True, 1)
    types = [e.type for e in stripe.Event.list(limit=10).data]
    assert types[:2] == ["customer.subscription.updated", "customer.subscription.updated"]
    assert "invoice.payment_failed" in types
