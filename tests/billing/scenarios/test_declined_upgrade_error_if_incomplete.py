"""A declined always_invoice upgrade with ``error_if_incomplete`` changes nothing at all.

Stripe fails the whole request with the card error: the subscription keeps its price,
no invoice, invoice item, balance transaction or event is left behind.
"""

from __future__ import annotations

import pytest
import stripe

from tests.billing.helpers import customer_with_card, monthly_price
from tests.billing.scenarios.helpers import move_to, snapshot, switch_card
from tests.support import Account, LiveServer


def test_declined_upgrade_is_not_applied(api: Account, server: LiveServer) -> None:
    move_to(server, "2026-01-15T12:00:00Z")
    basic, pro = monthly_price(3_100, name="Basic"), monthly_price(6_200, name="Pro")
    customer = customer_with_card()  # the first invoice is paid with a good card
    sub = stripe.Subscription.create(customer=customer.id, items=[{"price": basic.id}])
    stripe.Customer.create_balance_transaction(customer.id, amount=-500, currency="usd")  # some credit to keep
    switch_card(customer, "pm_card_chargeCustomerFail")  # attaches fine, declines every charge

    move_to(server, "2026-01-25T12:00:00Z")  # the upgrade would bill 4_200 - 2_100 - 500 of credit = 1_600
    before = snapshot(customer, sub)
    with pytest.raises(stripe.CardError) as err:
        stripe.Subscription.modify(
            sub.id,
            items=[{"id": sub["items"].data[0].id, "price": pro.id}],
            proration_behavior="always_invoice",
            payment_behavior="error_if_incomplete",
        )
    assert (err.value.http_status, err.value.code) == (402, "card_declined")
    assert snapshot(customer, sub) == before
    assert stripe.Customer.retrieve(customer.id).balance == -500
