"""Quantity 1 → 3 → 1 at the same instant: the prorations cancel out exactly."""

from __future__ import annotations

import stripe

from tests.billing.helpers import customer_with_card, monthly_price
from tests.billing.scenarios.helpers import move_to
from tests.support import Account, LiveServer


def test_quantity_up_and_back_nets_zero(api: Account, server: LiveServer) -> None:
    move_to(server, "2026-01-15T12:00:00Z")  # a 31-day period to 2026-02-15
    basic = monthly_price(3_100, name="Basic")  # 100 a day
    customer = customer_with_card()
    sub = stripe.Subscription.create(customer=customer.id, items=[{"price": basic.id}])
    item = sub["items"].data[0]

    move_to(server, "2026-01-25T12:00:00Z")  # 21 days left: one seat is 3_100 * 21 // 31 = 2_100
    stripe.Subscription.modify(sub.id, items=[{"id": item.id, "quantity": 3}])
    stripe.Subscription.modify(sub.id, items=[{"id": item.id, "quantity": 1}])

    pending = stripe.InvoiceItem.list(customer=customer.id, pending=True).data
    assert sorted((i.description, i.amount) for i in pending) == sorted(
        [
            ("Unused time on Basic after 25 Jan 2026", -2_100),
            ("Remaining time on 3 × Basic after 25 Jan 2026", 6_300),
            ("Unused time on 3 × Basic after 25 Jan 2026", -6_300),
            ("Remaining time on Basic after 25 Jan 2026", 2_100),
        ]
    )
    assert sum(i.amount for i in pending) == 0
    assert all(i.proration for i in pending)

    # The next invoice carries the four lines and bills just the renewal.
    upcoming = stripe.Invoice.create_preview(subscription=sub.id)
    assert [line.amount for line in upcoming.lines.data] == [-2_100, 6_300, -6_300, 2_100, 3_100]
    assert (upcoming.subtotal, upcoming.total) == (3_100, 3_100)
    assert stripe.Subscription.retrieve(sub.id).latest_invoice == sub.latest_invoice  # nothing invoiced meanwhile
