"""A downgrade whose credit exceeds what the next invoices cost: the rest stays customer credit.

An invoice with a negative total is paid by nothing and becomes balance credit; later
invoices draw on that credit before anything is charged.
"""

from __future__ import annotations

import stripe

from tests.billing.helpers import customer_with_card, monthly_price
from tests.billing.scenarios.helpers import latest_invoice, move_to
from tests.support import Account, LiveServer


def test_credit_from_a_downgrade_is_carried(api: Account, server: LiveServer) -> None:
    move_to(server, "2026-01-15T12:00:00Z")  # a 31-day period to 2026-02-15
    pro, lite = monthly_price(6_200, name="Pro"), monthly_price(620, name="Lite")  # 200 and 20 a day
    customer = customer_with_card()
    sub = stripe.Subscription.create(customer=customer.id, items=[{"price": pro.id}])
    item = sub["items"].data[0]

    # 21 days left: credit 6_200 * 21 // 31 = 4_200, charge 620 * 21 // 31 = 420; total -3_780.
    move_to(server, "2026-01-25T12:00:00Z")
    down = stripe.Subscription.modify(
        sub.id, items=[{"id": item.id, "price": lite.id}], proration_behavior="always_invoice"
    )
    credit = latest_invoice(down)
    assert [line.amount for line in credit.lines.data] == [-4_200, 420]
    assert (credit.total, credit.amount_due, credit.amount_paid) == (-3_780, 0, 0)
    assert (credit.starting_balance, credit.ending_balance) == (0, -3_780)
    assert credit.status == "paid"
    assert stripe.Customer.retrieve(customer.id).balance == -3_780

    # Doubling the quantity at once: credit 420, charge 2 × 420 = 840; total 420, all from the credit.
    more = stripe.Subscription.modify(
        sub.id, items=[{"id": item.id, "quantity": 2}], proration_behavior="always_invoice"
    )
    paid_by_credit = latest_invoice(more)
    assert [line.amount for line in paid_by_credit.lines.data] == [-420, 840]
    assert (paid_by_credit.total, paid_by_credit.amount_due, paid_by_credit.amount_paid) == (420, 0, 0)
    assert (paid_by_credit.starting_balance, paid_by_credit.ending_balance) == (-3_780, -3_360)
    assert paid_by_credit.status == "paid"
    assert stripe.Customer.retrieve(customer.id).balance == -3_360
    applied = [t.amount for t in stripe.Customer.list_balance_transactions(customer.id).data]
    assert applied == [420, -3_780]  # newest first

    # The renewal (2 × 620 = 1_240) will be covered by the remaining 3_360 of credit.
    upcoming = stripe.Invoice.create_preview(subscription=sub.id)
    assert (upcoming.total, upcoming.starting_balance, upcoming.amount_due) == (1_240, -3_360, 0)
