"""Downgrade at period end, as the customer portal does it.

A schedule made from the subscription is updated to two phases (the current price until
the period ends, then the cheaper one). The next period is billed at the cheaper price,
with no proration.

The clock starts at 2026-01-15 12:00 UTC; the first monthly period ends 2026-02-15.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import stripe

from tests.billing.helpers import customer_with_card, monthly_price
from tests.schedules.helpers import Schedule, advance, at, event_types, invoice_totals, latest_invoice, renew, unix
from tests.support import Account, LiveServer

PERIOD_END = unix("2026-02-15T12:00:00")


def _downgrade(sub: stripe.Subscription, cheaper: stripe.Price) -> Any:
    schedule = Schedule.create(from_subscription=sub.id)
    current = schedule.phases[0]
    return Schedule.modify(
        schedule.id,
        phases=[
            {
                "items": [{"price": i.price, "quantity": i.quantity} for i in current["items"]],
                "start_date": current.start_date,
                "end_date": current.end_date,
            },
            {"items": [{"price": cheaper.id, "quantity": 1}]},
        ],
    )


def test_from_subscription_mirrors_the_current_period(api: Account, server: LiveServer) -> None:
    pro = monthly_price(3_000, name="Pro")
    sub = stripe.Subscription.create(customer=customer_with_card().id, items=[{"price": pro.id, "quantity": 2}])
    schedule = Schedule.create(from_subscription=sub.id)
    assert schedule.status == "active"
    assert schedule.subscription == sub.id
    assert schedule.customer == sub.customer
    assert schedule.end_behavior == "release"
    assert [(p.start_date, p.end_date) for p in schedule.phases] == [(unix("2026-01-15T12:00:00"), PERIOD_END)]
    assert [(i.price, i.quantity) for i in schedule.phases[0]["items"]] == [(pro.id, 2)]
    assert schedule.current_phase.to_dict() == {"start_date": unix("2026-01-15T12:00:00"), "end_date": PERIOD_END}
    assert stripe.Subscription.retrieve(sub.id).schedule == schedule.id
    assert event_types(schedule.id) == ["subscription_schedule.created"]


def test_downgrade_bills_the_cheaper_price_from_the_next_period(api: Account, server: LiveServer) -> None:
    pro, basic = monthly_price(3_000, name="Pro"), monthly_price(1_000, name="Basic")
    customer = customer_with_card()
    sub = stripe.Subscription.create(customer=customer.id, items=[{"price": pro.id}])
    server.clock.advance(dt.timedelta(days=10))  # mid-period: nothing changes until the period ends
    schedule = _downgrade(sub, basic)
    assert [(p.start_date, p.end_date) for p in schedule.phases] == [
        (unix("2026-01-15T12:00:00"), PERIOD_END),
        (PERIOD_END, unix("2026-03-15T12:00:00")),
    ]
    assert stripe.Subscription.retrieve(sub.id)["items"].data[0].price.id == pro.id
    assert stripe.InvoiceItem.list(customer=customer.id, pending=True).data == []

    server.clock.advance(dt.timedelta(days=21))  # 2026-02-15 12:00, the boundary
    renew(server, api, sub.id)
    renewed = stripe.Subscription.retrieve(sub.id)
    assert [i.price.id for i in renewed["items"].data] == [basic.id]
    assert invoice_totals(sub.id) == [3_000, 1_000]
    cycle = latest_invoice(renewed)
    assert cycle.billing_reason == "subscription_cycle"
    lines = [line.to_dict() for line in cycle.lines.data]
    assert [line["amount"] for line in lines] == [1_000]
    assert stripe.InvoiceItem.list(customer=customer.id).data == []  # no proration items, pending or billed
    current = Schedule.retrieve(schedule.id)
    assert current.status == "active"
    assert current.current_phase.start_date == PERIOD_END


def test_after_the_last_phase_the_subscription_is_released(api: Account, server: LiveServer) -> None:
    pro, basic = monthly_price(3_000, name="Pro"), monthly_price(1_000, name="Basic")
    sub = stripe.Subscription.create(customer=customer_with_card().id, items=[{"price": pro.id}])
    schedule = _downgrade(sub, basic)
    server.clock.advance(dt.timedelta(days=59))  # 2026-03-15 12:00: the second phase ends too
    assert renew(server, api, sub.id) >= 3
    released = Schedule.retrieve(schedule.id)
    assert released.status == "released"
    assert released.released_subscription == sub.id
    assert released.subscription is None
    assert released.released_at == unix("2026-03-15T12:00:00")
    after = stripe.Subscription.retrieve(sub.id)
    assert after.schedule is None
    assert after.status == "active"
    assert invoice_totals(sub.id) == [3_000, 1_000, 1_000]  # unmanaged, it keeps renewing at Basic
    assert "subscription_schedule.released" in event_types(schedule.id)
    assert advance(server, api, schedule.id) == 0


def test_a_managed_subscription_refuses_cancellation_changes(api: Account, server: LiveServer) -> None:
    pro = monthly_price(3_000, name="Pro")
    sub = stripe.Subscription.create(customer=customer_with_card().id, items=[{"price": pro.id}])
    schedule = Schedule.create(from_subscription=sub.id)
    for field, value in (("cancel_at_period_end", True), ("cancel_at", PERIOD_END - 100)):
        params: dict[str, Any] = {field: value}
        with pytest.raises(stripe.InvalidRequestError) as err:
            stripe.Subscription.modify(sub.id, **params)
        assert (err.value.http_status, err.value.code, err.value.param) == (400, None, field)
        assert schedule.id in str(err.value.user_message)
    # Other changes are allowed; the next phase transition overrides them.
    stripe.Subscription.modify(sub.id, metadata={"note": "direct"})


def test_direct_item_changes_last_until_the_next_phase(api: Account, server: LiveServer) -> None:
    pro, basic = monthly_price(3_000, name="Pro"), monthly_price(1_000, name="Basic")
    sub = stripe.Subscription.create(customer=customer_with_card().id, items=[{"price": pro.id}])
    _downgrade(sub, basic)
    item = sub["items"].data[0]
    stripe.Subscription.modify(sub.id, items=[{"id": item.id, "quantity": 3}], proration_behavior="none")
    server.clock.set(at("2026-02-15T12:00:00"))
    renew(server, api, sub.id)
    renewed = stripe.Subscription.retrieve(sub.id)
    assert [(i.price.id, i.quantity) for i in renewed["items"].data] == [(basic.id, 1)]
    assert invoice_totals(sub.id) == [3_000, 1_000]
