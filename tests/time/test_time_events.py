"""What happens as a test clock moves, with its events written at the instant each thing happens.

Trial notices and ends, upcoming invoices, collection pauses ending, ``cancel_at``,
incomplete subscriptions expiring.
"""

from __future__ import annotations

import stripe

from tests.support import Account
from tests.time.helpers import (
    advance,
    customer_with_card,
    event_types,
    invoice_totals,
    invoices,
    make_clock,
    monthly_price,
    ts,
)


def _events(event_type: str, about: str) -> list[stripe.Event]:
    found = stripe.Event.list(type=event_type, limit=100).data
    return [e for e in reversed(found) if e.data.object.to_dict().get("id") == about]


def test_trial_will_end_three_days_before_then_the_trial_converts(api: Account) -> None:
    clock = make_clock("2024-02-01T09:00:00Z")
    customer = customer_with_card(clock)
    sub = stripe.Subscription.create(
        customer=customer.id,
        items=[{"price": monthly_price(2_000).id}],
        trial_period_days=14,
    )
    assert (sub.status, sub.trial_end) == ("trialing", ts("2024-02-15T09:00:00Z"))
    advance(clock, "2024-02-12T08:59:59Z")
    assert _events("customer.subscription.trial_will_end", sub.id) == []
    advance(clock, "2024-02-12T09:00:00Z")
    [notice] = _events("customer.subscription.trial_will_end", sub.id)
    assert (notice.created, notice.data.object.status) == (ts("2024-02-12T09:00:00Z"), "trialing")
    assert notice.request is not None
    assert notice.request.id is None  # automatic, as Stripe's are
    advance(clock, "2024-03-01T00:00:00Z")
    after = stripe.Subscription.retrieve(sub.id)
    assert after.status == "active"
    assert invoice_totals(sub) == [0, 2_000]  # the trial's zero invoice, then the first month
    assert len(_events("customer.subscription.trial_will_end", sub.id)) == 1


def test_upcoming_invoice_only_for_a_renewal_that_will_charge(api: Account) -> None:
    clock = make_clock("2024-04-01T00:00:00Z")
    customer = customer_with_card(clock)
    renewing = stripe.Subscription.create(customer=customer.id, items=[{"price": monthly_price(4_000).id}])
    ending = stripe.Subscription.create(
        customer=customer.id, items=[{"price": monthly_price(4_000).id}], cancel_at_period_end=True
    )
    advance(clock, "2024-04-29T00:00:00Z")
    upcoming = stripe.Event.list(type="invoice.upcoming").data
    subscriptions = [e.data.object.parent.subscription_details.subscription for e in upcoming]
    assert subscriptions == [renewing.id]
    [event] = upcoming
    assert event.created == ts("2024-04-28T00:00:00Z")  # April has 30 days: May 1 minus 3 days
    assert (event.data.object.amount_due, event.data.object.billing_reason) == (4_000, "upcoming")
    assert [line.period.start for line in event.data.object.lines.data] == [ts("2024-05-01T00:00:00Z")]
    assert ending.id not in subscriptions


def test_no_upcoming_invoice_for_periods_shorter_than_the_notice(api: Account) -> None:
    clock = make_clock("2024-04-01T00:00:00Z")
    customer = customer_with_card(clock)
    daily = stripe.Subscription.create(customer=customer.id, items=[{"price": monthly_price(100, interval="day").id}])
    advance(clock, "2024-04-03T00:00:00Z")  # two days: as far as a daily subscription lets a clock go at once
    assert invoice_totals(daily) == [100, 100, 100]
    assert stripe.Event.list(type="invoice.upcoming").data == []


def test_collection_pause_ends_at_resumes_at(api: Account) -> None:
    clock = make_clock("2024-01-10T00:00:00Z")
    customer = customer_with_card(clock)
    sub = stripe.Subscription.create(customer=customer.id, items=[{"price": monthly_price(1_500).id}])
    stripe.Subscription.modify(
        sub.id,
        pause_collection={"behavior": "void", "resumes_at": ts("2024-02-20T00:00:00Z")},
    )
    advance(clock, "2024-02-10T00:00:00Z")  # renews while paused: the invoice is voided
    assert [i.status for i in invoices(sub)] == ["paid", "void"]
    advance(clock, "2024-03-10T00:00:00Z")  # the pause ended on Feb 20; March's renewal is charged
    assert [i.status for i in invoices(sub)] == ["paid", "void", "paid"]
    assert stripe.Subscription.retrieve(sub.id).pause_collection is None
    resumed = [
        e
        for e in _events("customer.subscription.updated", sub.id)
        if "pause_collection" in (e.data.to_dict().get("previous_attributes") or {})
    ]
    assert [e.created for e in resumed][-1] == ts("2024-02-20T00:00:00Z")


def test_cancel_at_bills_the_share_then_ends_at_that_instant(api: Account) -> None:
    clock = make_clock("2024-01-31T12:00:00Z")
    customer = customer_with_card(clock)
    sub = stripe.Subscription.create(
        customer=customer.id, items=[{"price": monthly_price(3_100).id}], cancel_at=ts("2024-03-15T12:00:00Z")
    )
    advance(clock, "2024-03-20T00:00:00Z")
    ended = stripe.Subscription.retrieve(sub.id)
    assert (ended.status, ended.ended_at) == ("canceled", ts("2024-03-15T12:00:00Z"))
    # Feb 29 to Mar 31 is 31 days, 15 of them before the end: 3_100 * 15 // 31 = 1_500.
    assert invoice_totals(sub) == [3_100, 1_500]
    [deleted] = _events("customer.subscription.deleted", sub.id)
    assert deleted.created == ts("2024-03-15T12:00:00Z")


def test_incomplete_expires_after_23_hours(api: Account) -> None:
    clock = make_clock("2024-05-01T00:00:00Z")
    customer = customer_with_card(clock, "pm_card_chargeCustomerFail")
    sub = stripe.Subscription.create(customer=customer.id, items=[{"price": monthly_price(1_000).id}])
    assert sub.status == "incomplete"
    advance(clock, "2024-05-01T22:59:59Z")
    assert stripe.Subscription.retrieve(sub.id).status == "incomplete"
    advance(clock, "2024-05-02T06:00:00Z")
    expired = stripe.Subscription.retrieve(sub.id)
    assert (expired.status, expired.ended_at) == ("incomplete_expired", ts("2024-05-01T23:00:00Z"))
    assert stripe.Invoice.retrieve(str(expired.latest_invoice)).status == "void"
    [update] = [
        e for e in _events("customer.subscription.updated", sub.id) if e.data.object.status == "incomplete_expired"
    ]
    assert update.created == ts("2024-05-01T23:00:00Z")


def test_trial_end_without_a_payment_method(api: Account) -> None:
    clock = make_clock("2024-06-01T00:00:00Z")
    customer = stripe.Customer.create(email="nocard@example.com", test_clock=clock.id)
    price = monthly_price(900)
    paused = stripe.Subscription.create(
        customer=customer.id,
        items=[{"price": price.id}],
        trial_period_days=7,
        trial_settings={"end_behavior": {"missing_payment_method": "pause"}},
    )
    canceled = stripe.Subscription.create(
        customer=customer.id,
        items=[{"price": price.id}],
        trial_period_days=7,
        trial_settings={"end_behavior": {"missing_payment_method": "cancel"}},
    )
    advance(clock, "2024-06-09T00:00:00Z")
    assert stripe.Subscription.retrieve(paused.id).status == "paused"
    assert [e.created for e in _events("customer.subscription.paused", paused.id)] == [ts("2024-06-08T00:00:00Z")]
    gone = stripe.Subscription.retrieve(canceled.id)
    assert (gone.status, gone.ended_at) == ("canceled", ts("2024-06-08T00:00:00Z"))


def test_a_clock_month_writes_the_whole_story_of_events(api: Account) -> None:
    clock = make_clock("2024-07-01T00:00:00Z")
    customer = customer_with_card(clock)
    sub = stripe.Subscription.create(customer=customer.id, items=[{"price": monthly_price(3_000).id}])
    spare = stripe.PaymentMethod.attach("pm_card_mastercard", customer=customer.id)
    stripe.PaymentMethod.detach(spare.id)
    # 16 of July's 31 days remain on the 16th: 6_000 * 16 // 31 = 3_096 for two seats, less 3_000 * 16 // 31 = 1_548.
    advance(clock, "2024-07-16T00:00:00Z")
    item = stripe.Subscription.retrieve(sub.id)["items"].data[0]
    stripe.Subscription.modify(sub.id, items=[{"id": item.id, "quantity": 2}])
    advance(clock, "2024-08-01T00:00:00Z")
    assert invoice_totals(sub) == [3_000, 2 * 3_000 + 3_096 - 1_548]
    kinds = set(event_types())
    assert {
        "customer.created",
        "payment_method.attached",
        "payment_method.detached",
        "customer.subscription.created",
        "invoice.created",
        "invoice.finalized",
        "invoice.paid",
        "invoice.payment_succeeded",
        "invoiceitem.created",
        "customer.subscription.updated",
        "invoice.upcoming",
        "test_helpers.test_clock.created",
        "test_helpers.test_clock.advancing",
        "test_helpers.test_clock.ready",
    } <= kinds
