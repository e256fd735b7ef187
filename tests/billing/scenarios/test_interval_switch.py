"""Monthly → yearly: the billing cycle restarts now and is invoiced at once, with the unused month credited."""

from __future__ import annotations

import stripe

from tests.billing.helpers import customer_with_card, monthly_price
from tests.billing.scenarios.helpers import item_period, latest_invoice, move_to, unix
from tests.support import Account, LiveServer


def test_switch_to_yearly_resets_the_anchor(api: Account, server: LiveServer) -> None:
    move_to(server, "2026-01-15T12:00:00Z")  # a 31-day period to 2026-02-15
    monthly = monthly_price(3_100, name="Basic")  # 100 a day
    yearly = monthly_price(36_500, name="Basic yearly", interval="year")
    customer = customer_with_card()
    sub = stripe.Subscription.create(customer=customer.id, items=[{"price": monthly.id}])

    move_to(server, "2026-01-25T12:00:00Z")  # 21 days unused: 3_100 * 21 // 31 = 2_100
    updated = stripe.Subscription.modify(sub.id, items=[{"id": sub["items"].data[0].id, "price": yearly.id}])
    assert updated.billing_cycle_anchor == unix("2026-01-25T12:00:00Z")
    assert item_period(updated) == ("2026-01-25T12:00:00Z", "2027-01-25T12:00:00Z")
    invoice = latest_invoice(updated)
    assert invoice.billing_reason == "subscription_update"
    assert [(line.description, line.amount, line.period.start, line.period.end) for line in invoice.lines.data] == [
        ("Unused time on Basic after 25 Jan 2026", -2_100, unix("2026-01-25T12:00:00Z"), unix("2026-02-15T12:00:00Z")),
        ("1 × Basic yearly (at $365.00 / year)", 36_500, unix("2026-01-25T12:00:00Z"), unix("2027-01-25T12:00:00Z")),
    ]
    assert (invoice.total, invoice.amount_paid, invoice.status) == (34_400, 34_400, "paid")  # 36_500 - 2_100
    assert stripe.InvoiceItem.list(customer=customer.id, pending=True).data == []
    changed = next(e for e in stripe.Event.list(type="customer.subscription.updated").data)
    assert changed.data.to_dict()["previous_attributes"]["billing_cycle_anchor"] == unix("2026-01-15T12:00:00Z")

    # The next invoice is a year away, for the yearly price alone.
    upcoming = stripe.Invoice.create_preview(subscription=sub.id)
    assert (upcoming.created, upcoming.total) == (unix("2027-01-25T12:00:00Z"), 36_500)
