"""Creating, listing, deleting and advancing test clocks.

Advancing runs synchronously inside the request: the clock is ``advancing`` (and
``test_helpers.test_clock.advancing`` is written) while everything due up to the target
runs, then ``ready`` again before the response, which therefore already shows ``ready``.
Clients written for Stripe poll ``status`` until it is ``ready``; here the first poll
succeeds.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from sqlalchemy import Select, delete, or_, select

from billfold.clock import from_unix, to_unix
from billfold.context import Ctx
from billfold.errors import InvalidRequestError
from billfold.events import record_event
from billfold.ids import new_id
from billfold.jobs.due import ENDED
from billfold.models import Customer, Discount, Job, Price, Subscription, SubscriptionItem, TestClock
from billfold.objects.test_clock import clock_object
from billfold.payments import PaymentGateway
from billfold.subscriptions.periods import period_start
from billfold.test_clocks.advance import run_clock_until
from billfold.test_clocks.clock import get_test_clock

__all__ = ["advance_test_clock", "create_test_clock", "delete_test_clock", "list_test_clocks_query"]

log = logging.getLogger("billfold.test_clocks")

# Stripe deletes a test clock (and its customers) 7 days after it was created.
LIFETIME = dt.timedelta(days=7)


def create_test_clock(ctx: Ctx, data: dict[str, Any]) -> TestClock:
    """A new clock, ``ready`` at ``frozen_time``; emits ``test_helpers.test_clock.created``."""
    now = ctx.clock.now()
    clock = TestClock(
        id=new_id("clock"),
        account_id=ctx.account_id,
        created=now,
        name=data.get("name"),
        frozen_time=from_unix(data["frozen_time"]),
        status="ready",
        deletes_after=now + LIFETIME,
    )
    ctx.session.add(clock)
    ctx.session.flush()
    record_event(ctx, "test_helpers.test_clock.created", clock_object(clock))
    return clock


def list_test_clocks_query(ctx: Ctx) -> Select[TestClock]:
    """This account's test clocks (paged newest first by the caller)."""
    return select(TestClock).where(TestClock.account_id == ctx.account_id)


def delete_test_clock(ctx: Ctx, clock_id: str) -> str:
    """Delete the clock, its customers and everything they own; emits ``test_helpers.test_clock.deleted``."""
    clock = get_test_clock(ctx, clock_id, for_update=True)
    customers = select(Customer.id).where(Customer.account_id == ctx.account_id, Customer.test_clock_id == clock.id)
    subscriptions = select(Subscription.id).where(Subscription.customer_id.in_(customers))
    session = ctx.session
    options = {"synchronize_session": False}
    session.execute(
        delete(Discount).where(
            Discount.account_id == ctx.account_id,
            or_(Discount.customer_id.in_(customers), Discount.subscription_id.in_(subscriptions)),
        ),
        execution_options=options,
    )
    session.execute(delete(Job).where(Job.test_clock_id == clock.id), execution_options=options)
    # Subscriptions, invoices, invoice items, payment methods, … go with their customer (ON DELETE CASCADE).
    session.execute(delete(Customer).where(Customer.id.in_(customers)), execution_options=options)
    record_event(ctx, "test_helpers.test_clock.deleted", clock_object(clock))
    session.delete(clock)
    session.flush()
    session.expire_all()
    return clock_id


def _interval_text(interval: str, count: int) -> str:
    return f"{count} {interval}" + ("s" if count != 1 else "")


def _latest_allowed(ctx: Ctx, clock: TestClock) -> tuple[dt.datetime, str]:
    """Two intervals of the clock's shortest live subscription past its time (two years without any)."""
    intervals = ctx.session.execute(
        select(Price.recurring_interval, Price.recurring_interval_count)
        .join(SubscriptionItem, SubscriptionItem.price_id == Price.id)
        .join(Subscription, Subscription.id == SubscriptionItem.subscription_id)
        .where(
            Subscription.account_id == ctx.account_id,
            Subscription.test_clock_id == clock.id,
            Subscription.status.not_in(ENDED),
            SubscriptionItem.deleted_at.is_(None),
        )
        .distinct(),
    ).all()
    limits = [
        (
            period_start(clock.frozen_time, interval or "month", count or 1, 2),
            _interval_text(interval or "month", count or 1),
        )
        for interval, count in intervals
    ]
    return min(limits, default=(period_start(clock.frozen_time, "year", 1, 2), ""))


def _check_target(ctx: Ctx, clock: TestClock, target: dt.datetime) -> None:
    if clock.status == "advancing":
        raise InvalidRequestError(
            f"The test clock {clock.id} is already advancing. Wait until its status is `ready` before "
            "advancing it again.",
        )
    if clock.status == "internal_failure":
        raise InvalidRequestError(
            f"The test clock {clock.id} failed to advance and cannot be used any more; delete it and create a new one.",
        )
    if target <= clock.frozen_time:
        raise InvalidRequestError(
            f"The frozen time must be after the test clock's current frozen time ({to_unix(clock.frozen_time)}).",
            param="frozen_time",
        )
    latest, shortest = _latest_allowed(ctx, clock)
    if target > latest:
        what = f"the shortest subscription interval on this test clock ({shortest})" if shortest else "two years"
        span = "two intervals of " + what if shortest else what
        raise InvalidRequestError(
            f"Cannot advance the test clock more than {span} past its current frozen time. "
            f"The latest frozen_time allowed is {to_unix(latest)}.",
            param="frozen_time",
        )


def advance_test_clock(ctx: Ctx, gateway: PaymentGateway, clock_id: str, frozen_time: int) -> TestClock:
    """Advance the clock to ``frozen_time``, running everything due on the way (see the module docstring)."""
    clock = get_test_clock(ctx, clock_id, for_update=True)
    target = from_unix(frozen_time)
    _check_target(ctx, clock, target)
    clock.status, clock.target_frozen_time = "advancing", target
    ctx.session.flush()
    record_event(ctx, "test_helpers.test_clock.advancing", clock_object(clock))
    savepoint = ctx.session.begin_nested()
    try:
        run_clock_until(ctx, gateway, clock, target)
    except Exception:
        log.exception("test clock %s failed to advance", clock.id)
        savepoint.rollback()
        ctx.session.refresh(clock)
        clock.status, clock.target_frozen_time = "internal_failure", None
        ctx.session.flush()
        record_event(ctx, "test_helpers.test_clock.internal_failure", clock_object(clock))
        return clock
    savepoint.commit()
    clock.status, clock.target_frozen_time = "ready", None
    ctx.session.flush()
    record_event(ctx, "test_helpers.test_clock.ready", clock_object(clock))
    return clock
