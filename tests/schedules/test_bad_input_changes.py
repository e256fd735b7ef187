"""Bad input when migrating, updating, releasing, canceling, retrieving and listing schedules."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import stripe

from tests.billing.helpers import customer_with_card, monthly_price
from tests.schedules.helpers import Schedule, create, fails, unix
from tests.support import Account, LiveServer

END = unix("2026-03-15T12:00:00")


def test_from_subscription_bad_input(api: Account, server: LiveServer) -> None:
    price = monthly_price(1_000).id
    customer = customer_with_card().id
    sub = stripe.Subscription.create(customer=customer, items=[{"price": price}])
    fails(
        lambda: Schedule.create(from_subscription=sub.id, phases=[{"items": [{"price": price}]}]),
        400,
        None,
        "phases",
    )
    fails(lambda: Schedule.create(from_subscription=sub.id, customer=customer), 400, None, "customer")
    fails(
        lambda: Schedule.create(from_subscription="sub_missing"),
        404,
        "resource_missing",
        "from_subscription",
    )
    other = server.new_account("Other Inc.")
    theirs = stripe.Customer.create(api_key=other.key)
    their_price = stripe.Price.create(
        api_key=other.key, unit_amount=100, currency="usd", recurring={"interval": "month"}, product_data={"name": "X"}
    )
    their_sub = stripe.Subscription.create(
        api_key=other.key, customer=theirs.id, items=[{"price": their_price.id}], payment_behavior="default_incomplete"
    )
    fails(
        lambda: Schedule.create(from_subscription=their_sub.id),
        404,
        "resource_missing",
        "from_subscription",
    )
    Schedule.create(from_subscription=sub.id)
    fails(lambda: Schedule.create(from_subscription=sub.id), 400, None, "from_subscription")
    ended = stripe.Subscription.create(customer=customer, items=[{"price": price}])
    stripe.Subscription.cancel(ended.id)
    fails(lambda: Schedule.create(from_subscription=ended.id), 400, None, "from_subscription")


def test_update_bad_phases(api: Account, server: LiveServer) -> None:
    price = monthly_price(1_000).id
    item = {"price": price}
    schedule = create(customer_with_card().id, [{"items": [item], "iterations": 2}])
    start, mid = schedule.phases[0].start_date, unix("2026-02-15T12:00:00")

    def modify(phases: list[dict[str, Any]], **extra: Any) -> Callable[[], Any]:
        return lambda: Schedule.modify(schedule.id, phases=phases, **extra)

    fails(modify([{"items": [item], "end_date": mid}]), 400, "parameter_missing", "phases[0][start_date]")
    fails(
        modify(
            [
                {"items": [item], "start_date": start, "end_date": mid},
                {"items": [item], "start_date": mid - 60, "end_date": END},
            ]
        ),
        400,
        None,
        "phases[1][start_date]",
    )
    fails(
        modify(
            [
                {"items": [item], "start_date": start, "end_date": mid},
                {"items": [item], "start_date": mid + 60, "end_date": END},
            ]
        ),
        400,
        None,
        "phases[1][start_date]",
    )
    fails(modify([{"items": [item], "start_date": start + 60, "end_date": mid}]), 400, None, "phases[0][start_date]")
    fails(modify([{"items": [item], "start_date": mid, "end_date": END}]), 400, None, "phases[0][start_date]")
    fails(
        modify([{"items": [item], "start_date": start, "end_date": mid, "discounts": [{"discount": "di_x"}]}]),
        404,
        "resource_missing",
        "phases[0][discounts][0][discount]",
    )
    fails(
        modify([{"items": [item], "start_date": "yesterday"}]),
        400,
        "parameter_invalid_integer",
        "phases[0][start_date]",
    )
    fails(
        modify([{"items": [item], "start_date": start}], proration_behavior="later"),
        400,
        "parameter_invalid_enum",
        "proration_behavior",
    )
    fails(lambda: Schedule.modify(schedule.id, foo=1), 400, "parameter_unknown", "foo")
    fails(lambda: Schedule.modify(schedule.id, end_behavior="none"), 400, None, "end_behavior")
    fails(
        lambda: Schedule.modify("sub_sched_missing", metadata={"a": "b"}),
        404,
        "resource_missing",
        "schedule",
    )
    later = create(customer_with_card().id, [{"items": [item]}], start_date=unix("2026-03-01T00:00:00"))
    fails(
        lambda: Schedule.modify(
            later.id,
            phases=[{"items": [item], "start_date": unix("2026-01-01T00:00:00")}],
        ),
        400,
        None,
        "phases[0][start_date]",
    )


def test_state_errors(api: Account, server: LiveServer) -> None:
    price = monthly_price(1_000).id
    canceled = create(customer_with_card().id, [{"items": [{"price": price}]}])
    Schedule.cancel(canceled.id)
    fails(lambda: Schedule.release(canceled.id), 400, None, None)
    fails(lambda: Schedule.cancel(canceled.id), 400, None, None)
    fails(lambda: Schedule.modify(canceled.id, metadata={"a": "b"}), 400, None, None)
    released = create(customer_with_card().id, [{"items": [{"price": price}]}])
    Schedule.release(released.id)
    fails(lambda: Schedule.cancel(released.id), 400, None, None)
    fails(lambda: Schedule.release(released.id), 400, None, None)


def test_release_cancel_retrieve_list_bad_input(api: Account, server: LiveServer) -> None:
    schedule = create(customer_with_card().id, [{"items": [{"price": monthly_price(1_000).id}]}])
    fails(lambda: Schedule.release(schedule.id, foo=1), 400, "parameter_unknown", "foo")
    fails(
        lambda: Schedule.release(schedule.id, preserve_cancel_date="maybe"),
        400,
        "parameter_invalid_boolean",
        "preserve_cancel_date",
    )
    fails(
        lambda: Schedule.cancel(schedule.id, invoice_now="maybe"),
        400,
        "parameter_invalid_boolean",
        "invoice_now",
    )
    fails(
        lambda: Schedule.cancel(schedule.id, prorate="maybe"),
        400,
        "parameter_invalid_boolean",
        "prorate",
    )
    fails(lambda: Schedule.release("sub_sched_missing"), 404, "resource_missing", "schedule")
    fails(lambda: Schedule.cancel("sub_sched_missing"), 404, "resource_missing", "schedule")
    fails(lambda: Schedule.retrieve("sub_sched_missing"), 404, "resource_missing", "schedule")
    other = server.new_account("Other Inc.")
    fails(
        lambda: Schedule.retrieve(schedule.id, api_key=other.key),
        404,
        "resource_missing",
        "schedule",
    )
    fails(lambda: Schedule.list(scheduled="maybe"), 400, "parameter_invalid_boolean", "scheduled")
    fails(lambda: Schedule.list(limit=0), 400, "parameter_invalid_integer", "limit")
    fails(lambda: Schedule.list(customer=""), 400, "parameter_invalid_empty", "customer")
    fails(
        lambda: Schedule.list(canceled_at={"after": 1}),
        400,
        "parameter_unknown",
        "canceled_at[after]",
    )
    fails(lambda: Schedule.list(foo=1), 400, "parameter_unknown", "foo")
    fails(
        lambda: Schedule.list(starting_after="sub_sched_missing"),
        404,
        "resource_missing",
        "starting_after",
    )
