"""Dunning on a test clock.

A failed renewal is retried 1, 3 and 7 days later (or on the account's schedule), then
the subscription is canceled or left unpaid; a retry that succeeds, or a new default
payment method, makes it active again.
"""

from __future__ import annotations

from typing import Any

import stripe
from sqlalchemy import update

from billfold.models import Account as AccountRow
from billfold.models import PaymentMethod
from tests.support import Account, LiveServer
from tests.time.helpers import (
    advance,
    customer_with_card,
    default_payment_method,
    invoices,
    make_clock,
    monthly_price,
    ts,
)


def _failing_renewal(card: str = "pm_card_chargeCustomerFail") -> tuple[Any, stripe.Customer, stripe.Subscription]:
    """On Jan 1 2024, a subscription paid by a good card whose own default then becomes ``card``."""
    clock = make_clock("2024-01-01T00:00:00Z")
    customer = customer_with_card(clock)
    sub = stripe.Subscription.create(customer=customer.id, items=[{"price": monthly_price(2_000).id}])
    failing = stripe.PaymentMethod.attach(card, customer=customer.id)
    stripe.Subscription.modify(sub.id, default_payment_method=failing.id)
    return clock, customer, sub


def _renewal(sub: stripe.Subscription) -> stripe.Invoice:
    return [i for i in invoices(sub) if i.billing_reason == "subscription_cycle"][-1]


def _failures(invoice_id: str) -> list[int]:
    events = stripe.Event.list(type="invoice.payment_failed", limit=100).data
    return sorted(e.created for e in events if e.data.object.id == invoice_id)


def _set_dunning(server: LiveServer, account: Account, **dunning: Any) -> None:
    with server.database.unit_of_work() as session:
        session.execute(update(AccountRow).where(AccountRow.id == account.id).values(settings={"dunning": dunning}))


def test_default_schedule_then_cancel(api: Account) -> None:
    clock, _customer, sub = _failing_renewal()
    advance(clock, "2024-02-01T00:00:00Z")
    invoice = _renewal(sub)
    assert (invoice.status, invoice.attempt_count) == ("open", 1)
    assert invoice.next_payment_attempt == ts("2024-02-02T00:00:00Z")
    assert stripe.Subscription.retrieve(sub.id).status == "past_due"

    advance(clock, "2024-02-05T00:00:00Z")  # retries on the 2nd and the 4th
    invoice = stripe.Invoice.retrieve(invoice.id)
    assert (invoice.attempt_count, invoice.next_payment_attempt) == (3, ts("2024-02-08T00:00:00Z"))

    advance(clock, "2024-02-20T00:00:00Z")  # the third and last retry, on the 8th
    assert _failures(invoice.id) == [ts(f"2024-02-0{day}T00:00:00Z") for day in (1, 2, 4, 8)]
    invoice = stripe.Invoice.retrieve(invoice.id)
    assert (invoice.status, invoice.attempt_count, invoice.next_payment_attempt) == ("uncollectible", 4, None)
    ended = stripe.Subscription.retrieve(sub.id)
    assert (ended.status, ended.ended_at) == ("canceled", ts("2024-02-08T00:00:00Z"))
    assert ended.cancellation_details is not None
    assert ended.cancellation_details.reason == "payment_failed"
    assert len(invoices(sub)) == 2  # nothing more was billed


def test_account_schedule_and_unpaid(server: LiveServer, api: Account) -> None:
    _set_dunning(server, api, retry_days=[2, 5], final_action="unpaid")
    clock, _customer, sub = _failing_renewal()
    advance(clock, "2024-02-10T00:00:00Z")
    invoice = _renewal(sub)
    assert _failures(invoice.id) == [ts(f"2024-02-0{day}T00:00:00Z") for day in (1, 3, 6)]
    invoice = stripe.Invoice.retrieve(invoice.id)
    assert (invoice.status, invoice.next_payment_attempt) == ("open", None)
    assert stripe.Subscription.retrieve(sub.id).status == "unpaid"


def test_a_successful_retry_makes_it_active(server: LiveServer, api: Account) -> None:
    clock, _customer, sub = _failing_renewal()
    advance(clock, "2024-02-01T12:00:00Z")
    invoice = _renewal(sub)
    card = str(stripe.Subscription.retrieve(sub.id).default_payment_method)
    with server.database.unit_of_work() as session:  # the bank now accepts the card
        session.execute(update(PaymentMethod).where(PaymentMethod.id == card).values(charge_behavior="succeed"))
    advance(clock, "2024-02-20T00:00:00Z")
    invoice = stripe.Invoice.retrieve(invoice.id)
    assert (invoice.status, invoice.attempt_count) == ("paid", 2)
    assert invoice.status_transitions.paid_at == ts("2024-02-02T00:00:00Z")
    assert stripe.Subscription.retrieve(sub.id).status == "active"
    assert _failures(invoice.id) == [ts("2024-02-01T00:00:00Z")]  # the later retries did nothing


def test_a_new_default_card_on_the_customer_pays_at_once(api: Account) -> None:
    clock = make_clock("2024-01-01T00:00:00Z")
    customer = customer_with_card(clock)
    good = default_payment_method(customer)
    sub = stripe.Subscription.create(customer=customer.id, items=[{"price": monthly_price(2_000).id}])
    failing = stripe.PaymentMethod.attach("pm_card_chargeCustomerFail", customer=customer.id)
    stripe.Customer.modify(customer.id, invoice_settings={"default_payment_method": failing.id})
    advance(clock, "2024-02-03T00:00:00Z")
    invoice = _renewal(sub)
    assert stripe.Subscription.retrieve(sub.id).status == "past_due"
    stripe.Customer.modify(customer.id, invoice_settings={"default_payment_method": good})
    invoice = stripe.Invoice.retrieve(invoice.id)
    assert (invoice.status, invoice.status_transitions.paid_at) == ("paid", ts("2024-02-03T00:00:00Z"))
    assert stripe.Subscription.retrieve(sub.id).status == "active"
    advance(clock, "2024-02-20T00:00:00Z")
    assert stripe.Invoice.retrieve(invoice.id).attempt_count == 3  # Feb 1, the retry of Feb 2, the new card


def test_a_new_default_card_on_the_subscription_pays_at_once(api: Account) -> None:
    clock, customer, sub = _failing_renewal()
    advance(clock, "2024-02-01T06:00:00Z")
    invoice = _renewal(sub)
    good = stripe.PaymentMethod.attach("pm_card_mastercard", customer=customer.id)
    updated = stripe.Subscription.modify(sub.id, default_payment_method=good.id)
    assert updated.status == "active"
    invoice = stripe.Invoice.retrieve(invoice.id)
    assert (invoice.status, invoice.amount_paid) == ("paid", 2_000)
