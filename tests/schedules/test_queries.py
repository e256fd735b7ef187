"""Retrieving, listing and expanding schedules; updates that change no billing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import stripe

from tests.billing.helpers import customer_with_card, monthly_price
from tests.schedules.helpers import Schedule, event_types, latest_invoice, unix
from tests.shapes import shape_problems
from tests.support import Account, LiveServer


def _schedule(customer: str, price: str, start: int | str = "now") -> Any:
    return Schedule.create(
        customer=customer,
        start_date=start,
        phases=[{"items": [{"price": price}], "iterations": 2}],
    )


def test_shape_matches_stripe(api: Account, server: LiveServer) -> None:
    price = monthly_price(1_000)
    coupon = stripe.Coupon.create(amount_off=100, currency="usd", duration="once")
    schedule = Schedule.create(
        customer=customer_with_card().id,
        start_date="now",
        metadata={"plan": "a"},
        default_settings={
            "collection_method": "send_invoice",
            "invoice_settings": {"days_until_due": 7},
            "description": "Default",
        },
        phases=[
            {
                "items": [{"price": price.id, "metadata": {"k": "v"}}],
                "discounts": [{"coupon": coupon.id}],
                "metadata": {"phase": "1"},
                "proration_behavior": "none",
            }
        ],
    )
    assert shape_problems(schedule.to_dict(), "SubscriptionSchedule") == []
    assert schedule.default_settings.collection_method == "send_invoice"
    assert schedule.default_settings.invoice_settings.days_until_due == 7
    assert schedule.phases[0].proration_behavior == "none"
    assert schedule.phases[0].currency == "usd"
    sub = stripe.Subscription.retrieve(schedule.subscription)
    assert (sub.collection_method, sub.days_until_due, sub.description) == ("send_invoice", 7, "Default")
    assert sub.metadata.to_dict() == {"phase": "1"}
    assert sub["items"].data[0].metadata.to_dict() == {"k": "v"}


def test_retrieve_and_expand(api: Account, server: LiveServer) -> None:
    customer = customer_with_card()
    schedule = _schedule(customer.id, monthly_price(1_000).id)
    got = Schedule.retrieve(schedule.id, expand=["customer", "subscription"])
    assert got.customer.id == customer.id
    assert got.subscription.schedule == schedule.id
    sub = stripe.Subscription.retrieve(schedule.subscription, expand=["schedule"])
    assert isinstance(sub.schedule, stripe.SubscriptionSchedule)
    assert sub.schedule.id == schedule.id
    assert Schedule.retrieve(schedule.id).to_dict() == schedule.to_dict()


def test_list_filters(api: Account, server: LiveServer) -> None:
    price = monthly_price(1_000).id
    alice, bob = customer_with_card().id, customer_with_card().id
    active = _schedule(alice, price)
    server.clock.advance(dt.timedelta(seconds=10))
    future = _schedule(alice, price, unix("2026-03-01T00:00:00"))
    released = _schedule(bob, price)
    server.clock.advance(dt.timedelta(seconds=10))
    Schedule.release(released.id)
    canceled = _schedule(bob, price, unix("2026-03-01T00:00:00"))
    server.clock.advance(dt.timedelta(seconds=10))
    Schedule.cancel(canceled.id)

    def ids(**filters: object) -> list[str]:
        return [s.id for s in Schedule.list(**filters).data]

    assert ids() == [canceled.id, released.id, future.id, active.id]
    assert ids(customer=alice) == [future.id, active.id]
    assert ids(scheduled=True) == [future.id]
    assert ids(scheduled=False) == [canceled.id, released.id, active.id]
    assert ids(released_at={"gte": unix("2026-01-15T12:00:00")}) == [released.id]
    assert ids(canceled_at=unix("2026-01-15T12:00:30")) == [canceled.id]
    assert ids(completed_at={"gt": 0}) == []
    assert ids(created={"lt": unix("2026-01-15T12:00:10")}) == [active.id]
    assert ids(limit=2) == [canceled.id, released.id]
    assert ids(starting_after=released.id) == [future.id, active.id]


def test_update_metadata_end_behavior_and_default_settings(api: Account, server: LiveServer) -> None:
    schedule = _schedule(customer_with_card().id, monthly_price(1_000).id)
    updated = Schedule.modify(
        schedule.id,
        metadata={"a": "1"},
        end_behavior="cancel",
        default_settings={"description": "Plan"},
    )
    assert (updated.metadata.to_dict(), updated.end_behavior) == ({"a": "1"}, "cancel")
    assert updated.default_settings.description == "Plan"
    assert stripe.Subscription.retrieve(schedule.subscription).cancel_at == unix("2026-03-15T12:00:00")
    updated = Schedule.modify(schedule.id, metadata={"a": ""}, end_behavior="release")
    assert updated.metadata.to_dict() == {}
    assert stripe.Subscription.retrieve(schedule.subscription).cancel_at is None
    events = stripe.Event.list(type="subscription_schedule.updated").data
    assert events[0].data.previous_attributes is not None
    assert events[0].data.previous_attributes.to_dict() == {"end_behavior": "cancel", "metadata": {"a": "1"}}
    assert event_types(schedule.id) == ["subscription_schedule.created"] + ["subscription_schedule.updated"] * 2


def test_update_phases_of_a_schedule_that_has_not_started(api: Account, server: LiveServer) -> None:
    basic, pro = monthly_price(1_000), monthly_price(3_000)
    schedule = _schedule(customer_with_card().id, basic.id, unix("2026-03-01T00:00:00"))
    updated = Schedule.modify(
        schedule.id,
        phases=[
            {
                "items": [{"price": pro.id}],
                "start_date": unix("2026-04-01T00:00:00"),
                "end_date": unix("2026-06-01T00:00:00"),
            }
        ],
    )
    assert (updated.status, updated.phases[0].start_date, updated.phases[0]["items"][0].price) == (
        "not_started",
        unix("2026-04-01T00:00:00"),
        pro.id,
    )


def test_update_current_phase_applies_it_now(api: Account, server: LiveServer) -> None:
    basic, pro = monthly_price(3_100, name="Basic"), monthly_price(6_200, name="Pro")
    customer = customer_with_card()
    schedule = _schedule(customer.id, basic.id)
    server.clock.advance(dt.timedelta(days=10))  # 21 of 31 days remain
    phase = schedule.phases[0]
    Schedule.modify(
        schedule.id,
        proration_behavior="always_invoice",
        phases=[{"items": [{"price": pro.id}], "start_date": phase.start_date, "end_date": phase.end_date}],
    )
    sub = stripe.Subscription.retrieve(schedule.subscription)
    assert [i.price.id for i in sub["items"].data] == [pro.id]
    latest = latest_invoice(sub)
    assert latest.total == 6_200 * 21 // 31 - 3_100 * 21 // 31


def test_end_date_now_moves_to_the_next_phase_at_once(api: Account, server: LiveServer) -> None:
    basic, pro = monthly_price(1_000), monthly_price(3_000)
    customer = customer_with_card()
    schedule = _schedule(customer.id, basic.id)
    server.clock.advance(dt.timedelta(days=5))
    phase = schedule.phases[0]
    updated = Schedule.modify(
        schedule.id,
        proration_behavior="none",
        phases=[
            {"items": [{"price": basic.id}], "start_date": phase.start_date, "end_date": "now"},
            {"items": [{"price": pro.id}], "iterations": 1, "proration_behavior": "none"},
        ],
    )
    assert updated.current_phase.start_date == unix("2026-01-20T12:00:00")
    sub = stripe.Subscription.retrieve(schedule.subscription)
    assert [i.price.id for i in sub["items"].data] == [pro.id]
    assert stripe.InvoiceItem.list(customer=customer.id, pending=True).data == []
