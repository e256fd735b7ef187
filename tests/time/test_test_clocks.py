"""``/v1/test_helpers/test_clocks`` through the stripe SDK.

The resource, its bad input, and advancing it through months in order (month-end
anchors, a leap-year February).
"""

from __future__ import annotations

from typing import Any

import pytest
import stripe
from sqlalchemy import update

from billfold.models import TestClock
from tests.shapes import shape_problems
from tests.support import Account, LiveServer
from tests.time.helpers import (
    advance,
    at,
    customer_with_card,
    default_payment_method,
    event_types,
    invoice_totals,
    invoices,
    item_period,
    make_clock,
    monthly_price,
    ts,
)

Clock = stripe.test_helpers.TestClock


def _error(call: Any, *args: Any, **kwargs: Any) -> stripe.InvalidRequestError:
    with pytest.raises(stripe.InvalidRequestError) as err:
        call(*args, **kwargs)
    return err.value


# -- the resource -----------------------------------------------------------------------


def test_create_retrieve_list_delete(api: Account) -> None:
    clock = make_clock("2024-01-31T10:00:00Z", name="Month ends")
    assert clock.to_dict() == {
        "id": clock.id,
        "object": "test_helpers.test_clock",
        "created": clock.created,
        "deletes_after": clock.created + 7 * 86_400,
        "frozen_time": ts("2024-01-31T10:00:00Z"),
        "livemode": False,
        "name": "Month ends",
        "status": "ready",
        "status_details": {},
    }
    assert clock.id.startswith("clock_")
    assert shape_problems(clock.to_dict(), "test_helpers.TestClock") == []
    assert Clock.retrieve(clock.id).to_dict() == clock.to_dict()
    other = make_clock("2025-06-01T00:00:00Z")
    assert [c.id for c in Clock.list().data] == [other.id, clock.id]
    page = Clock.list(limit=1)
    assert [c.id for c in page.data] == [other.id]
    assert page.has_more
    assert [c.id for c in Clock.list(starting_after=other.id).data] == [clock.id]
    deleted = Clock.delete(clock.id)
    assert deleted.to_dict() == {"id": clock.id, "object": "test_helpers.test_clock", "deleted": True}
    assert _error(Clock.retrieve, clock.id).http_status == 404
    assert event_types(prefix="test_helpers.") == [
        "test_helpers.test_clock.created",
        "test_helpers.test_clock.created",
        "test_helpers.test_clock.deleted",
    ]


def test_advance_is_ready_with_events(api: Account) -> None:
    clock = make_clock("2024-01-01T00:00:00Z")
    moved = Clock.advance(clock.id, frozen_time=ts("2024-03-01T00:00:00Z"))
    # Advancing runs inside the request here: the response is already ready.
    assert (moved.status, moved.frozen_time, moved.status_details.to_dict()) == (
        "ready",
        ts("2024-03-01T00:00:00Z"),
        {},
    )
    assert event_types(clock.id) == [
        "test_helpers.test_clock.created",
        "test_helpers.test_clock.advancing",
        "test_helpers.test_clock.ready",
    ]
    advancing = stripe.Event.list(type="test_helpers.test_clock.advancing").data[0]
    assert advancing.data.object.status == "advancing"
    assert advancing.data.object.status_details.advancing.target_frozen_time == ts("2024-03-01T00:00:00Z")


def test_other_accounts_cannot_see_a_clock(server: LiveServer, api: Account) -> None:
    clock = make_clock("2024-01-01T00:00:00Z")
    stripe.api_key = server.new_account("Other Inc.").key
    assert _error(Clock.retrieve, clock.id).http_status == 404
    error = _error(stripe.Customer.create, test_clock=clock.id)
    assert (error.http_status, error.code, error.param) == (404, "resource_missing", "test_clock")


# -- bad input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "code", "param"),
    [
        ({}, "parameter_missing", "frozen_time"),
        ({"frozen_time": "soon"}, "parameter_invalid_integer", "frozen_time"),
        ({"frozen_time": -1}, "parameter_invalid_integer", "frozen_time"),
        ({"frozen_time": 1_700_000_000, "name": ""}, "parameter_invalid_empty", "name"),
        ({"frozen_time": 1_700_000_000, "name": "n" * 301}, "parameter_invalid_string_too_long", "name"),
        ({"frozen_time": 1_700_000_000, "customer": "cus_x"}, "parameter_unknown", "customer"),
    ],
)
def test_create_bad_input(api: Account, params: dict[str, Any], code: str, param: str) -> None:
    error = _error(Clock.create, **params)
    assert (error.http_status, error.code, error.param) == (400, code, param)


def test_advance_bad_input(api: Account) -> None:
    clock = make_clock("2024-01-31T10:00:00Z")
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({}, "parameter_missing", "frozen_time"),
        ({"frozen_time": "later"}, "parameter_invalid_integer", "frozen_time"),
        ({"frozen_time": ts("2024-02-01T00:00:00Z"), "name": "x"}, "parameter_unknown", "name"),
    ]
    for params, code, param in cases:
        error = _error(Clock.advance, clock.id, **params)
        assert (error.http_status, error.code, error.param) == (400, code, param)
    missing = _error(Clock.advance, "clock_missing", frozen_time=ts("2024-02-01T00:00:00Z"))
    assert (missing.http_status, missing.code, missing.param) == (404, "resource_missing", "test_clock")


@pytest.mark.parametrize("to", ["2024-01-31T10:00:00Z", "2024-01-31T09:59:59Z", "2020-01-01T00:00:00Z"])
def test_advancing_backwards_or_nowhere_is_refused(api: Account, to: str) -> None:
    clock = make_clock("2024-01-31T10:00:00Z")
    error = _error(Clock.advance, clock.id, frozen_time=ts(to))
    assert (error.http_status, error.param) == (400, "frozen_time")
    assert "must be after the test clock's current frozen time" in str(error.user_message)
    assert Clock.retrieve(clock.id).frozen_time == ts("2024-01-31T10:00:00Z")


def test_at_most_two_intervals_of_the_shortest_subscription(api: Account) -> None:
    clock = make_clock("2024-01-31T10:00:00Z")
    customer = customer_with_card(clock)
    stripe.Subscription.create(customer=customer.id, items=[{"price": monthly_price(1_000, interval="year").id}])
    stripe.Subscription.create(customer=customer.id, items=[{"price": monthly_price(500).id}])
    # The monthly one is the shortest: two months from Jan 31 is Mar 31 (through Feb 29).
    error = _error(Clock.advance, clock.id, frozen_time=ts("2024-03-31T10:00:01Z"))
    assert (error.http_status, error.param) == (400, "frozen_time")
    assert "two intervals" in str(error.user_message)
    assert "1 month" in str(error.user_message)
    assert str(ts("2024-03-31T10:00:00Z")) in str(error.user_message)
    advance(clock, "2024-03-31T10:00:00Z")


def test_without_subscriptions_at_most_two_years(api: Account) -> None:
    clock = make_clock("2024-02-29T00:00:00Z")
    error = _error(Clock.advance, clock.id, frozen_time=ts("2026-03-01T00:00:01Z"))
    assert (error.http_status, error.param) == (400, "frozen_time")
    advance(clock, "2026-02-28T00:00:00Z")  # two years after a Feb 29: Feb 28


def test_advancing_while_advancing_is_refused(server: LiveServer, api: Account) -> None:
    clock = make_clock("2024-01-01T00:00:00Z")
    with server.database.unit_of_work() as session:  # as if another advance were running
        session.execute(update(TestClock).where(TestClock.id == clock.id).values(status="advancing"))
    assert Clock.retrieve(clock.id).status == "advancing"
    error = _error(Clock.advance, clock.id, frozen_time=ts("2024-01-02T00:00:00Z"))
    assert error.http_status == 400
    assert "already advancing" in str(error.user_message)


def test_customer_on_unknown_clock_is_missing(api: Account) -> None:
    error = _error(stripe.Customer.create, email="a@example.com", test_clock="clock_nope")
    assert (error.http_status, error.code, error.param) == (404, "resource_missing", "test_clock")


def test_deleting_a_clock_deletes_its_customers_and_their_objects(api: Account) -> None:
    clock = make_clock("2024-01-31T10:00:00Z")
    customer = customer_with_card(clock)
    sub = stripe.Subscription.create(customer=customer.id, items=[{"price": monthly_price(1_000).id}])
    stripe.InvoiceItem.create(customer=customer.id, amount=300, currency="usd", description="Setup")
    bystander = customer_with_card(None)
    Clock.delete(clock.id)
    assert _error(stripe.Customer.retrieve, customer.id).http_status == 404
    assert _error(stripe.Subscription.retrieve, sub.id).http_status == 404
    assert _error(stripe.Invoice.retrieve, str(sub.latest_invoice)).http_status == 404
    assert _error(stripe.PaymentMethod.retrieve, default_payment_method(customer)).http_status == 404
    assert stripe.InvoiceItem.list(customer=customer.id).data == []
    assert stripe.Customer.retrieve(bystander.id).id == bystander.id


# -- time on a clock ----------------------------------------------------------------------


def test_objects_of_a_clock_customer_live_at_its_time(api: Account) -> None:
    clock = make_clock("2024-01-31T10:00:00Z")
    customer = customer_with_card(clock)
    assert customer.created == ts("2024-01-31T10:00:00Z")
    sub = stripe.Subscription.create(customer=customer.id, items=[{"price": monthly_price(3_000).id}])
    assert (sub.created, sub.start_date, sub.test_clock) == (ts("2024-01-31T10:00:00Z"),) * 2 + (clock.id,)
    advance(clock, "2024-02-10T10:00:00Z")
    canceled = stripe.Subscription.cancel(sub.id)
    assert (canceled.canceled_at, canceled.ended_at) == (ts("2024-02-10T10:00:00Z"),) * 2


def test_month_end_anchor_through_a_leap_february(api: Account) -> None:
    clock = make_clock("2024-01-31T10:00:00Z")
    customer = customer_with_card(clock)
    basic, pro = monthly_price(3_000), monthly_price(6_000, name="Pro+")
    sub = stripe.Subscription.create(customer=customer.id, items=[{"price": basic.id}])
    assert item_period(sub) == ("2024-01-31T10:00:00Z", "2024-02-29T10:00:00Z")

    advance(clock, "2024-02-29T10:00:00Z")  # clamped to February's last day
    advance(clock, "2024-03-31T10:00:00Z")  # and back to the 31st
    assert item_period(sub) == ("2024-03-31T10:00:00Z", "2024-04-30T10:00:00Z")
    assert invoice_totals(sub) == [3_000, 3_000, 3_000]

    # 15 of April's 30 days remain: credit 3_000 * 15 // 30 = 1_500, charge 6_000 * 15 // 30 = 3_000.
    advance(clock, "2024-04-15T10:00:00Z")
    item = stripe.Subscription.retrieve(sub.id)["items"].data[0]
    stripe.Subscription.modify(sub.id, items=[{"id": item.id, "price": pro.id}], proration_behavior="create_prorations")
    advance(clock, "2024-04-30T10:00:00Z")
    assert invoice_totals(sub)[-1] == 6_000 - 1_500 + 3_000


def test_advancing_months_renews_at_each_boundary_in_order(api: Account) -> None:
    clock = make_clock("2024-01-31T10:00:00Z")
    customer = customer_with_card(clock)
    sub = stripe.Subscription.create(customer=customer.id, items=[{"price": monthly_price(1_000).id}])
    advance(clock, "2024-03-31T10:00:00Z")  # two boundaries in one advance
    cycle = [i for i in invoices(sub) if i.billing_reason == "subscription_cycle"]
    # Each renewal ran with its own boundary as "now".
    assert [i.created for i in cycle] == [ts("2024-02-29T10:00:00Z"), ts("2024-03-31T10:00:00Z")]
    assert [(i.period_start, i.period_end) for i in cycle] == [
        (ts("2024-01-31T10:00:00Z"), ts("2024-02-29T10:00:00Z")),
        (ts("2024-02-29T10:00:00Z"), ts("2024-03-31T10:00:00Z")),
    ]
    assert [i.status_transitions.paid_at for i in cycle] == [i.created for i in cycle]
    renewals = [e for e in stripe.Event.list(type="invoice.created").data if e.data.object.id in {i.id for i in cycle}]
    assert sorted(e.created for e in renewals) == [i.created for i in cycle]
    # Three days before each renewal: the upcoming invoice, at its own instant.
    upcoming = stripe.Event.list(type="invoice.upcoming").data
    assert sorted(e.created for e in upcoming) == [ts("2024-02-26T10:00:00Z"), ts("2024-03-28T10:00:00Z")]
    assert [e.data.object.amount_due for e in upcoming] == [1_000, 1_000]
    assert at("2024-03-31T10:00:00Z").timestamp() == Clock.retrieve(clock.id).frozen_time


def test_a_schedule_on_a_clock_changes_phase_at_its_boundary(api: Account) -> None:
    clock = make_clock("2024-01-31T10:00:00Z")
    customer = customer_with_card(clock)
    basic, pro = monthly_price(1_000), monthly_price(2_500, name="Pro+")
    phases: Any = [{"items": [{"price": basic.id}], "iterations": 1}, {"items": [{"price": pro.id}], "iterations": 1}]
    schedule = stripe.SubscriptionSchedule.create(
        customer=customer.id, start_date="now", end_behavior="release", phases=phases
    )
    sub = stripe.Subscription.retrieve(str(schedule.subscription))
    advance(clock, "2024-03-31T10:00:00Z")
    # Jan 31 on basic, then Feb 29 (the second phase's start) and Mar 31 on pro.
    assert invoice_totals(sub) == [1_000, 2_500, 2_500]
    assert stripe.SubscriptionSchedule.retrieve(schedule.id).status == "released"
