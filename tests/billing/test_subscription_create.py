"""Creating subscriptions through the stripe SDK: first invoice, payment, statuses."""

from __future__ import annotations

import pytest
import stripe

from tests.billing.helpers import customer_with_card, monthly_price
from tests.support import Account


def test_create_charges_the_first_period(api: Account) -> None:
    customer = customer_with_card()
    price = monthly_price(2_000)
    sub = stripe.Subscription.create(customer=customer.id, items=[{"price": price.id, "quantity": 2}])
    assert sub.status == "active"
    item = sub["items"].data[0]
    assert item.quantity == 2
    assert item.current_period_end > item.current_period_start
    invoice = stripe.Invoice.retrieve(str(sub.latest_invoice))
    assert invoice.status == "paid"
    assert invoice.billing_reason == "subscription_create"
    assert invoice.total == 4_000
    assert invoice.amount_paid == 4_000
    assert invoice.number is not None
    assert invoice.lines.data[0].description == "2 × Pro (at $20.00 / month)"


def test_declined_first_payment_leaves_incomplete(api: Account) -> None:
    customer = customer_with_card("pm_card_chargeCustomerFail")
    price = monthly_price(1_000)
    sub = stripe.Subscription.create(customer=customer.id, items=[{"price": price.id}])
    assert sub.status == "incomplete"
    invoice = stripe.Invoice.retrieve(str(sub.latest_invoice))
    assert invoice.status == "open"
    assert invoice.attempt_count == 1


def test_error_if_incomplete_creates_nothing(api: Account) -> None:
    customer = customer_with_card("pm_card_chargeCustomerFail")
    price = monthly_price(1_000)
    with pytest.raises(stripe.CardError) as err:
        stripe.Subscription.create(
            customer=customer.id,
            items=[{"price": price.id}],
            payment_behavior="error_if_incomplete",
        )
    assert err.value.http_status == 402
    assert stripe.Subscription.list(customer=customer.id, status="all").data == []


def test_trial_creates_zero_invoice(api: Account) -> None:
    customer = customer_with_card()
    price = monthly_price(1_000)
    sub = stripe.Subscription.create(customer=customer.id, items=[{"price": price.id}], trial_period_days=14)
    assert sub.status == "trialing"
    assert sub.trial_end is not None
    assert sub.trial_start is not None
    assert sub.trial_end - sub.trial_start == 14 * 86_400
    invoice = stripe.Invoice.retrieve(str(sub.latest_invoice))
    assert invoice.total == 0
    assert invoice.status == "paid"
