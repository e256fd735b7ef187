"""Advancing a test clock: stepping its time forward through every instant something falls due.

The clock's ``frozen_time`` moves to the next instant at which anything of its customers is
due (a renewal, a trial's end or its notice, a dunning retry, a pause's ``resumes_at``, a
``cancel_at``, an incomplete subscription's expiry), everything due then runs with that
instant as "now", and so on up to the target. What runs is the worker's code
(:func:`~billfold.jobs.due.run_subscription`, :func:`~billfold.jobs.due.run_job`), so a
clock and the worker cannot disagree.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from billfold.context import Ctx
from billfold.errors import ApiError
from billfold.jobs.due import ENDED, next_instant, run_job, run_subscription
from billfold.jobs.queue import claim_due_jobs, finish_job, pending_jobs
from billfold.models import Subscription, SubscriptionSchedule, TestClock
from billfold.payments import PaymentGateway
from billfold.schedules import advance_schedule
from billfold.schedules.advance import next_transition
from billfold.schedules.queries import LIVE
from billfold.test_clocks.clock import TestClockTime

__all__ = ["MAX_STEPS", "run_clock_until"]

# Two years of daily renewals for a few subscriptions fit many times over.
MAX_STEPS = 20_000


def _subscriptions(ctx: Ctx, clock: TestClock) -> list[Subscription]:
    stmt = select(Subscription).where(
        Subscription.account_id == ctx.account_id,
        Subscription.test_clock_id == clock.id,
        Subscription.status.not_in(ENDED),
    )
    return list(ctx.session.scalars(stmt.order_by(Subscription.pk)))


def _schedules(ctx: Ctx, clock: TestClock) -> list[SubscriptionSchedule]:
    stmt = select(SubscriptionSchedule).where(
        SubscriptionSchedule.account_id == ctx.account_id,
        SubscriptionSchedule.test_clock_id == clock.id,
        SubscriptionSchedule.status.in_(LIVE),
    )
    return list(ctx.session.scalars(stmt.order_by(SubscriptionSchedule.pk)))


def _run_due(ctx: Ctx, gateway: PaymentGateway, clock: TestClock) -> None:
    """Everything due at the clock's current time: its jobs, its schedules, then each subscription."""
    now = clock.frozen_time
    for job in claim_due_jobs(ctx.session, now, MAX_STEPS, test_clock_id=clock.id):
        run_job(ctx, gateway, job)
        finish_job(job, now)
    for schedule in _schedules(ctx, clock):
        if schedule.next_transition_at is not None and schedule.next_transition_at <= now:
            advance_schedule(ctx, gateway, schedule)
    for sub in _subscriptions(ctx, clock):
        run_subscription(ctx, gateway, sub)


def _next(ctx: Ctx, clock: TestClock) -> dt.datetime | None:
    """The first instant after the clock's time at which something is due."""
    now = clock.frozen_time
    instants = [next_instant(ctx, sub) for sub in _subscriptions(ctx, clock)]
    instants += [job.run_at for job in pending_jobs(ctx.session, test_clock_id=clock.id)]
    instants += [upcoming[0] for s in _schedules(ctx, clock) if (upcoming := next_transition(s)) is not None]
    return min((t for t in instants if t is not None and t > now), default=None)


def run_clock_until(ctx: Ctx, gateway: PaymentGateway, clock: TestClock, target: dt.datetime) -> None:
    """Move ``clock`` to ``target``, running everything due on the way, in order of time.

    The events this writes carry no request (as Stripe's automatic events do) and the
    clock's time as their ``created``.
    """
    clocked = Ctx(ctx.session, ctx.account_id, TestClockTime(clock), None, None, ctx.api_version, ctx.public_base_url)
    _run_due(clocked, gateway, clock)
    for _ in range(MAX_STEPS):
        instant = _next(clocked, clock)
        if instant is None or instant > target:
            break
        clock.frozen_time = instant
        _run_due(clocked, gateway, clock)
    else:
        raise ApiError(f"The test clock {clock.id} needed more than {MAX_STEPS} steps to advance.")
    clock.frozen_time = target
    _run_due(clocked, gateway, clock)
