"""On a test clock, a preview is taken at the clock's time and is what the clock's advance then bills.

Leap-year February: a Jan 31 anchor gives a 29-day period to Feb 29, so 2_900 is 100 a
day and 5_800 is 200 a day; on Feb 10, 19 days remain.
"""

from __future__ import annotations

from typing import Any

import stripe

from tests.billing.scenarios.helpers import latest_invoice, proration
from tests.time.helpers import advance, customer_with_card, make_clock, monthly_price, ts


def _summary(invoice: stripe.Invoice) -> list[tuple[Any, ...]]:
    return [
        (line.description, line.amount, line.period.start, line.period.end, proration(line))
        for line in invoice.lines.data
    ]


def test_preview_follows_the_test_clock(api: None) -> None:
    clock = make_clock("2024-01-31T10:00:00Z")
    customer = customer_with_card(clock)
    basic, pro = monthly_price(2_900, name="Basic"), monthly_price(5_800, name="Pro")
    sub = stripe.Subscription.create(customer=customer.id, items=[{"price": basic.id}])
    clock = advance(clock, "2024-02-10T10:00:00Z")

    change: dict[str, Any] = {"items": [{"id": sub["items"].data[0].id, "price": pro.id}]}
    preview = stripe.Invoice.create_preview(subscription=sub.id, subscription_details=change)  # type: ignore[arg-type]
    assert preview.to_dict()["parent"]["subscription_details"]["subscription_proration_date"] == ts(
        "2024-02-10T10:00:00Z"
    )
    assert preview.created == ts("2024-02-29T10:00:00Z")
    assert _summary(preview) == [
        (
            "Unused time on Basic after 10 Feb 2024",
            -1_900,
            ts("2024-02-10T10:00:00Z"),
            ts("2024-02-29T10:00:00Z"),
            True,
        ),  # 2_900 * 19 // 29
        (
            "Remaining time on Pro after 10 Feb 2024",
            3_800,
            ts("2024-02-10T10:00:00Z"),
            ts("2024-02-29T10:00:00Z"),
            True,
        ),  # 5_800 * 19 // 29
        ("1 × Pro (at $58.00 / month)", 5_800, ts("2024-02-29T10:00:00Z"), ts("2024-03-31T10:00:00Z"), False),
    ]

    stripe.Subscription.modify(sub.id, **change)
    advance(clock, "2024-02-29T10:00:00Z")
    renewal = latest_invoice(stripe.Subscription.retrieve(sub.id))
    assert renewal.billing_reason == "subscription_cycle"
    assert _summary(renewal) == _summary(preview)
    assert (renewal.total, renewal.amount_paid, renewal.created) == (preview.total, 7_700, preview.created)
