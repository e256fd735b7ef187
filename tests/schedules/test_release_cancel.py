"""How a schedule lets go of its subscription.

At its end (``end_behavior``), by ``release``, by ``cancel``, or because the subscription
was canceled directly.

The clock starts at 2026-01-15 12:00 UTC; monthly periods end on the 15th.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import stripe
from sqlalchemy import select

from billfold.models import Subscription
from tests.billing.helpers import customer_with_card, monthly_price
from tests.schedules.helpers import Schedule, advance, at, event_types, invoice_totals, renew, unix
from tests.support import Account, LiveServer


def _two_phases(end_behavior: str) -> Any:
    basic, pro = monthly_price(1_000, name="Basic"), monthly_price(3_000, name="Pro")
    return Schedule.create(
        customer=customer_with_card().id,
        start_date="now",
        end_behavior=end_behavior,
        phases=[{"items": [{"price": basic.id}], "iterations": 1}, {"items": [{"price": pro.id}], "iterations": 1}],
    )


def test_end_behavior_release_leaves_the_subscription_running(api: Account, server: LiveServer) -> None:
    schedule = _two_phases("release")
    assert stripe.Subscription.retrieve(schedule.subscription).cancel_at is None
    server.clock.set(at("2026-04-15T12:00:00"))
    advance(server, api, schedule.id)
    done = Schedule.retrieve(schedule.id)
    assert (done.status, done.released_at, done.released_subscription, done.subscription) == (
        "released",
        unix("2026-03-15T12:00:00"),
        schedule.subscription,
        None,
    )
    sub = stripe.Subscription.retrieve(schedule.subscription)
    assert (sub.status, sub.schedule) == ("active", None)
    assert invoice_totals(sub.id) == [1_000, 3_000, 3_000, 3_000]
    assert event_types(schedule.id)[-1] == "subscription_schedule.released"


def test_end_behavior_cancel_cancels_at_the_end(api: Account, server: LiveServer) -> None:
    schedule = _two_phases("cancel")
    sub_id = schedule.subscription
    assert stripe.Subscription.retrieve(sub_id).cancel_at == unix("2026-03-15T12:00:00")
    server.clock.set(at("2026-04-15T12:00:00"))
    advance(server, api, schedule.id)
    sub = stripe.Subscription.retrieve(sub_id)
    assert (sub.status, sub.ended_at, sub.canceled_at) == (
        "canceled",
        unix("2026-03-15T12:00:00"),
        unix("2026-03-15T12:00:00"),
    )
    done = Schedule.retrieve(schedule.id)
    assert (done.status, done.completed_at, done.subscription) == ("completed", unix("2026-03-15T12:00:00"), sub_id)
    assert invoice_totals(sub_id) == [1_000, 3_000]


def test_release_keeps_the_subscription_unmanaged(api: Account, server: LiveServer) -> None:
    schedule = _two_phases("cancel")
    released = Schedule.release(schedule.id)
    assert (released.status, released.released_at, released.released_subscription, released.subscription) == (
        "released",
        unix("2026-01-15T12:00:00"),
        schedule.subscription,
        None,
    )
    assert released.current_phase is None
    sub = stripe.Subscription.retrieve(schedule.subscription)
    assert (sub.schedule, sub.cancel_at, sub.status) == (None, None, "active")  # the schedule's cancel_at is gone
    server.clock.set(at("2026-03-15T12:00:00"))
    assert advance(server, api, schedule.id) == 0  # nothing left for the schedule to do
    renew(server, api, sub.id)
    assert invoice_totals(sub.id) == [1_000, 1_000, 1_000]  # no more phases: Basic renews
    stripe.Subscription.modify(sub.id, cancel_at_period_end=True)  # its own again
    assert event_types(schedule.id)[-1] == "subscription_schedule.released"


def test_release_can_preserve_the_cancel_date(api: Account, server: LiveServer) -> None:
    schedule = _two_phases("cancel")
    Schedule.release(schedule.id, preserve_cancel_date=True)
    sub = stripe.Subscription.retrieve(schedule.subscription)
    assert (sub.schedule, sub.cancel_at) == (None, unix("2026-03-15T12:00:00"))


def test_release_a_schedule_that_has_not_started(api: Account, server: LiveServer) -> None:
    basic = monthly_price(1_000)
    schedule = Schedule.create(
        customer=customer_with_card().id,
        start_date=unix("2026-03-01T00:00:00"),
        phases=[{"items": [{"price": basic.id}]}],
    )
    released = Schedule.release(schedule.id)
    assert (released.status, released.released_subscription) == ("released", None)
    server.clock.set(at("2026-03-02T00:00:00"))
    assert advance(server, api, schedule.id) == 0
    assert stripe.Subscription.list(customer=schedule.customer).data == []


def test_cancel_cancels_the_subscription_now(api: Account, server: LiveServer) -> None:
    schedule = _two_phases("release")
    server.clock.advance(dt.timedelta(days=10))
    canceled = Schedule.cancel(schedule.id, invoice_now=False, prorate=False)
    assert (canceled.status, canceled.canceled_at, canceled.current_phase) == (
        "canceled",
        unix("2026-01-25T12:00:00"),
        None,
    )
    sub = stripe.Subscription.retrieve(schedule.subscription)
    assert (sub.status, sub.ended_at) == ("canceled", unix("2026-01-25T12:00:00"))
    assert invoice_totals(sub.id) == [1_000]
    types = event_types(schedule.id)
    assert types.count("subscription_schedule.canceled") == 1


def test_cancel_by_default_credits_unused_time_on_a_final_invoice(api: Account, server: LiveServer) -> None:
    basic = monthly_price(3_100, name="Basic")  # one day of the 31-day period is 100
    schedule = Schedule.create(
        customer=customer_with_card().id,
        start_date="now",
        phases=[{"items": [{"price": basic.id}]}],
    )
    server.clock.advance(dt.timedelta(days=10))
    Schedule.cancel(schedule.id)
    assert invoice_totals(schedule.subscription) == [3_100, -2_100]


def test_cancel_a_schedule_that_has_not_started(api: Account, server: LiveServer) -> None:
    basic = monthly_price(1_000)
    schedule = Schedule.create(
        customer=customer_with_card().id,
        start_date=unix("2026-03-01T00:00:00"),
        phases=[{"items": [{"price": basic.id}]}],
    )
    canceled = Schedule.cancel(schedule.id)
    assert (canceled.status, canceled.subscription) == ("canceled", None)
    server.clock.set(at("2026-03-02T00:00:00"))
    assert advance(server, api, schedule.id) == 0


def test_canceling_the_subscription_cancels_its_schedule(api: Account, server: LiveServer) -> None:
    schedule = _two_phases("release")
    stripe.Subscription.cancel(schedule.subscription)
    after = Schedule.retrieve(schedule.id)
    assert (after.status, after.canceled_at) == ("canceled", unix("2026-01-15T12:00:00"))
    assert event_types(schedule.id)[-1] == "subscription_schedule.canceled"


def test_a_subscription_ended_by_dunning_aborts_its_schedule(api: Account, server: LiveServer) -> None:
    schedule = _two_phases("release")
    with server.database.unit_of_work() as session:  # what dunning's final action does to the subscription
        sub = session.scalars(select(Subscription).where(Subscription.id == schedule.subscription)).one()
        sub.status, sub.ended_at = "canceled", at("2026-01-20T00:00:00")
        sub.cancellation_details = {"reason": "payment_failed"}
    server.clock.set(at("2026-01-21T00:00:00"))
    assert advance(server, api, schedule.id) == 1
    after = Schedule.retrieve(schedule.id)
    assert (after.status, after.canceled_at) == ("canceled", unix("2026-01-20T00:00:00"))
    assert event_types(schedule.id)[-1] == "subscription_schedule.aborted"
