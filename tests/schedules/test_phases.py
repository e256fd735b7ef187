"""Schedules over several phases.

Iterations, a future start, trials, coupons, and a phase change in the middle of a period.

The clock starts at 2026-01-15 12:00 UTC. Monthly prices of 1_000, 3_000 and 5_000 keep
the invoice totals readable; 3_100 and 6_200 make one day of a 31-day period worth
exactly 100 and 200.
"""

from __future__ import annotations

import datetime as dt

import stripe

from tests.billing.helpers import customer_with_card, monthly_price
from tests.schedules.helpers import Schedule, advance, at, event_types, invoice_totals, unix
from tests.support import Account, LiveServer


def test_three_phases_with_iterations_then_cancel(api: Account, server: LiveServer) -> None:
    basic, pro, team = (monthly_price(a, name=n) for a, n in ((1_000, "Basic"), (3_000, "Pro"), (5_000, "Team")))
    schedule = Schedule.create(
        customer=customer_with_card().id,
        start_date="now",
        end_behavior="cancel",
        phases=[
            {"items": [{"price": basic.id}], "iterations": 2},
            {"items": [{"price": pro.id, "quantity": 2}], "iterations": 1},
            {"items": [{"price": team.id}], "iterations": 1},
        ],
    )
    assert schedule.status == "active"
    assert [(p.start_date, p.end_date) for p in schedule.phases] == [
        (unix("2026-01-15T12:00:00"), unix("2026-03-15T12:00:00")),
        (unix("2026-03-15T12:00:00"), unix("2026-04-15T12:00:00")),
        (unix("2026-04-15T12:00:00"), unix("2026-05-15T12:00:00")),
    ]
    sub = stripe.Subscription.retrieve(schedule.subscription)
    assert sub.schedule == schedule.id
    assert sub.cancel_at == unix("2026-05-15T12:00:00")  # end_behavior=cancel shows on the subscription
    assert invoice_totals(sub.id) == [1_000]

    for month, totals in (
        ("2026-02-15", [1_000, 1_000]),
        ("2026-03-15", [1_000, 1_000, 6_000]),
        ("2026-04-15", [1_000, 1_000, 6_000, 5_000]),
    ):
        server.clock.set(at(f"{month}T12:00:00"))
        advance(server, api, schedule.id)
        assert invoice_totals(sub.id) == totals, month
    assert Schedule.retrieve(schedule.id).current_phase.start_date == unix("2026-04-15T12:00:00")

    server.clock.set(at("2026-05-20T00:00:00"))
    advance(server, api, schedule.id)
    ended = stripe.Subscription.retrieve(sub.id)
    assert (ended.status, ended.ended_at) == ("canceled", unix("2026-05-15T12:00:00"))
    assert invoice_totals(sub.id) == [1_000, 1_000, 6_000, 5_000]  # nothing billed after the end
    done = Schedule.retrieve(schedule.id)
    assert (done.status, done.completed_at, done.current_phase) == ("completed", unix("2026-05-15T12:00:00"), None)
    types = event_types(schedule.id)
    assert types[0] == "subscription_schedule.created"
    assert types.count("subscription_schedule.updated") == 2  # two phase changes
    assert types[-2:] == ["subscription_schedule.expiring", "subscription_schedule.completed"]
    expiring = next(e for e in stripe.Event.list(type="subscription_schedule.expiring").data)
    assert expiring.created == unix("2026-05-08T12:00:00")  # seven days before the end


def test_future_start_date_starts_the_subscription_then(api: Account, server: LiveServer) -> None:
    basic = monthly_price(1_000, name="Basic")
    customer = customer_with_card()
    start = unix("2026-02-01T00:00:00")
    schedule = Schedule.create(
        customer=customer.id,
        start_date=start,
        phases=[{"items": [{"price": basic.id}], "iterations": 3}],
    )
    assert (schedule.status, schedule.subscription, schedule.current_phase) == ("not_started", None, None)
    assert stripe.Subscription.list(customer=customer.id).data == []
    server.clock.set(at("2026-01-31T23:59:59"))
    assert advance(server, api, schedule.id) == 0

    server.clock.set(at("2026-03-05T00:00:00"))  # the worker ran late: it catches up, billing on time
    advance(server, api, schedule.id)
    started = Schedule.retrieve(schedule.id)
    assert started.status == "active"
    sub = stripe.Subscription.retrieve(started.subscription)
    assert (sub.start_date, sub.created, sub.schedule) == (start, start, schedule.id)
    assert invoice_totals(sub.id) == [1_000, 1_000]
    first = stripe.Invoice.list(subscription=sub.id).data[-1]
    assert first.created == start
    assert event_types(schedule.id)[:2] == ["subscription_schedule.created", "subscription_schedule.updated"]


def test_first_phase_with_a_trial_and_a_coupon(api: Account, server: LiveServer) -> None:
    pro = monthly_price(3_000, name="Pro")
    half = stripe.Coupon.create(percent_off=50, duration="forever")
    schedule = Schedule.create(
        customer=customer_with_card().id,
        start_date="now",
        phases=[
            {
                "items": [{"price": pro.id}],
                "trial_end": unix("2026-01-29T12:00:00"),
                "end_date": unix("2026-02-28T12:00:00"),
                "discounts": [{"coupon": half.id}],
            },
            {"items": [{"price": pro.id}], "iterations": 1},
        ],
    )
    sub = stripe.Subscription.retrieve(schedule.subscription)
    assert (sub.status, sub.trial_end) == ("trialing", unix("2026-01-29T12:00:00"))
    assert len(sub.discounts) == 1
    assert schedule.phases[0].discounts[0].coupon == half.id
    assert schedule.phases[0].trial_end == unix("2026-01-29T12:00:00")

    server.clock.set(at("2026-01-29T12:00:00"))  # the trial ends: 50 % of 3_000
    advance(server, api, schedule.id)
    assert stripe.Subscription.retrieve(sub.id).status == "active"
    server.clock.set(at("2026-02-28T12:00:00"))  # the second phase has no coupon
    advance(server, api, schedule.id)
    assert invoice_totals(sub.id) == [0, 1_500, 3_000]
    assert stripe.Subscription.retrieve(sub.id).discounts == []


def test_later_phase_adds_a_trial_and_a_coupon(api: Account, server: LiveServer) -> None:
    basic, pro = monthly_price(1_000, name="Basic"), monthly_price(3_000, name="Pro")
    half = stripe.Coupon.create(percent_off=50, duration="forever")
    promo = stripe.PromotionCode.create(promotion={"type": "coupon", "coupon": half.id}, code="HALFOFF")
    schedule = Schedule.create(
        customer=customer_with_card().id,
        start_date="now",
        phases=[
            {"items": [{"price": basic.id}], "iterations": 1},
            {
                "items": [{"price": pro.id}],
                "trial_end": unix("2026-03-01T12:00:00"),
                "end_date": unix("2026-04-01T12:00:00"),
                "discounts": [{"promotion_code": promo.id}],
            },
        ],
    )
    sub_id = schedule.subscription
    server.clock.set(at("2026-02-15T12:00:00"))
    advance(server, api, schedule.id)
    sub = stripe.Subscription.retrieve(sub_id)
    assert (sub.status, sub.trial_start, sub.trial_end) == (
        "trialing",
        unix("2026-02-15T12:00:00"),
        unix("2026-03-01T12:00:00"),
    )
    assert [i.price.id for i in sub["items"].data] == [pro.id]
    server.clock.set(at("2026-04-01T12:00:00"))
    advance(server, api, schedule.id)
    # Basic; the trial's zero invoice; Pro at half price from the trial's end; released, it renews.
    assert invoice_totals(sub_id) == [1_000, 0, 1_500, 1_500]
    assert Schedule.retrieve(schedule.id).status == "released"


def test_phase_change_mid_period_prorates(api: Account, server: LiveServer) -> None:
    basic, pro = monthly_price(3_100, name="Basic"), monthly_price(6_200, name="Pro")
    customer = customer_with_card()
    schedule = Schedule.create(
        customer=customer.id,
        start_date="now",
        phases=[
            {"items": [{"price": basic.id}], "end_date": unix("2026-01-25T12:00:00")},
            {"items": [{"price": pro.id}], "iterations": 2},
        ],
    )
    server.clock.set(at("2026-01-25T12:00:00"))  # 21 of the period's 31 days remain
    advance(server, api, schedule.id)
    pending = sorted(i.amount for i in stripe.InvoiceItem.list(customer=customer.id, pending=True).data)
    assert pending == [-3_100 * 21 // 31, 6_200 * 21 // 31]
    server.clock.set(at("2026-02-15T12:00:00"))
    advance(server, api, schedule.id)
    assert invoice_totals(schedule.subscription) == [3_100, 6_200 - 2_100 + 4_200]


def test_price_data_phase_bills_its_inline_price(api: Account, server: LiveServer) -> None:
    product = stripe.Product.create(name="Inline")
    basic = monthly_price(1_000, name="Basic")
    schedule = Schedule.create(
        customer=customer_with_card().id,
        start_date="now",
        phases=[
            {"items": [{"price": basic.id}], "iterations": 1},
            {
                "items": [
                    {
                        "price_data": {
                            "currency": "usd",
                            "product": product.id,
                            "unit_amount": 2_500,
                            "recurring": {"interval": "month"},
                        }
                    }
                ],
                "iterations": 1,
            },
        ],
    )
    inline = schedule.phases[1]["items"][0].price
    assert stripe.Price.retrieve(inline).active is False
    server.clock.set(at("2026-02-15T12:00:00"))
    advance(server, api, schedule.id)
    assert invoice_totals(schedule.subscription) == [1_000, 2_500]


def test_a_late_worker_applies_phases_in_order(api: Account, server: LiveServer) -> None:
    prices = [monthly_price(a, name=f"P{a}") for a in (1_000, 2_000, 3_000)]
    schedule = Schedule.create(
        customer=customer_with_card().id,
        start_date="now",
        end_behavior="cancel",
        phases=[{"items": [{"price": p.id}], "iterations": 1} for p in prices],
    )
    server.clock.advance(dt.timedelta(days=120))  # everything at once
    advance(server, api, schedule.id)
    assert invoice_totals(schedule.subscription) == [1_000, 2_000, 3_000]
    assert Schedule.retrieve(schedule.id).status == "completed"
