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


def test_paying_the_open_first_invoice_with_a_new_card_activates(api: Account) -> None:
    customer = customer_with_card("pm_card_chargeCustomerFail")
    sub = stripe.Subscription.create(customer=customer.id, items=[{"price": monthly_price(1_000).id}])
    assert sub.status == "incomplete"
    card = stripe.PaymentMethod.attach("pm_card_visa", customer=customer.id)
    paid = stripe.Invoice.pay(str(sub.latest_invoice), payment_method=card.id)
    assert paid.status == "paid"
    assert paid.attempt_count == 2
    assert stripe.Subscription.retrieve(sub.id).status == "active"


def test_pause_collection_on_create_keeps_renewals_as_drafts(api: Account) -> None:
    customer = customer_with_card()
    # pause_collection on create is a Billfold extension (Stripe takes it on updates only).
    sub = stripe.Subscription.create(  # type: ignore[call-arg]
        customer=customer.id,
        items=[{"price": monthly_price(1_000).id}],
        pause_collection={"behavior": "keep_as_draft"},
    )
    assert sub.pause_collection is not None
    assert sub.pause_collection.behavior == "keep_as_draft"


def test_add_invoice_items_join_the_first_invoice(api: Account) -> None:
    customer = customer_with_card()
    setup_fee = stripe.Price.create(unit_amount=2_500, currency="usd", product_data={"name": "Setup"})
    sub = stripe.Subscription.create(
        customer=customer.id,
        items=[{"price": monthly_price(1_000).id}],
        add_invoice_items=[{"price": setup_fee.id, "quantity": 2}],
    )
    invoice = stripe.Invoice.retrieve(str(sub.latest_invoice))
    # 1_000 for the month and 2 x 2_500 for setup.
    assert invoice.total == 6_000
    with pytest.raises(stripe.InvalidRequestError) as err:
        stripe.Subscription.create(
            customer=customer.id,
            items=[{"price": monthly_price(1_000).id}],
            add_invoice_items=[{"quantity": 1}],
        )
    assert err.value.param == "add_invoice_items[0][price]"
