"""A mid-period upgrade on a subscription with a 25 % coupon: the coupon reduces the prorations too.

Stripe applies a subscription's percent-off discount to every discountable line of the
invoice, the unused-time credit included, so the credit is discounted as much as the
charge was.
"""

from __future__ import annotations

import stripe

from tests.billing.helpers import customer_with_card, monthly_price
from tests.billing.scenarios.helpers import item_period, latest_invoice, move_to
from tests.support import Account, LiveServer


def test_upgrade_with_a_quarter_off(api: Account, server: LiveServer) -> None:
    move_to(server, "2026-01-15T12:00:00Z")
    quarter = stripe.Coupon.create(percent_off=25, duration="forever")
    basic, pro = monthly_price(3_100, name="Basic"), monthly_price(6_200, name="Pro")
    customer = customer_with_card()
    sub = stripe.Subscription.create(
        customer=customer.id, items=[{"price": basic.id}], discounts=[{"coupon": quarter.id}]
    )
    first = latest_invoice(sub)
    assert (first.subtotal, first.total, first.amount_paid) == (3_100, 3_100 - 775, 2_325)  # 3_100 / 4 = 775
    assert item_period(sub) == ("2026-01-15T12:00:00Z", "2026-02-15T12:00:00Z")  # 31 days

    # 21 of 31 days remain: credit 3_100 * 21 // 31 = 2_100, charge 6_200 * 21 // 31 = 4_200.
    move_to(server, "2026-01-25T12:00:00Z")
    updated = stripe.Subscription.modify(
        sub.id, items=[{"id": sub["items"].data[0].id, "price": pro.id}], proration_behavior="always_invoice"
    )
    invoice = latest_invoice(updated)
    discount = updated.discounts[0]
    lines = [line.to_dict() for line in invoice.lines.data]
    assert [(line["description"], line["amount"], line["discount_amounts"][0]["amount"]) for line in lines] == [
        ("Unused time on Basic after 25 Jan 2026", -2_100, -525),  # 2_100 / 4
        ("Remaining time on Pro after 25 Jan 2026", 4_200, 1_050),  # 4_200 / 4
    ]
    assert all(line["discount_amounts"][0]["discount"] == discount for line in lines)
    assert invoice.subtotal == 2_100
    assert invoice.to_dict()["total_discount_amounts"] == [{"amount": 525, "discount": discount}]
    assert (invoice.total, invoice.amount_due, invoice.amount_paid) == (1_575, 1_575, 1_575)  # 2_100 - 525
    assert invoice.status == "paid"

    # The next invoice: 6_200 less a quarter.
    upcoming = stripe.Invoice.create_preview(subscription=sub.id)
    assert (upcoming.subtotal, upcoming.total) == (6_200, 4_650)
