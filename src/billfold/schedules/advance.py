"""What time does to a schedule: its start, phase changes, the ``expiring`` notice and its end.

Every transition runs with a context whose clock reads the transition's own instant, so
a worker that runs late (or a test clock that jumps months) bills exactly what would
have been billed on time. Transitions and renewals interleave in time order:
:func:`billfold.subscriptions.renewal.advance_subscription` calls
:func:`apply_due_transition` before each renewal, so a phase that starts at a period
boundary is in place when that boundary's invoice is made. A phase change at a period
boundary never prorates (nothing of the old period is left).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from billfold.clock import FrozenClock, from_unix
from billfold.context import Ctx
from billfold.events import diff, record_event
from billfold.models import Subscription, SubscriptionSchedule
from billfold.payments import PaymentGateway
from billfold.schedules.apply import apply_phase, start_subscription
from billfold.schedules.queries import schedule_for_subscription, schedule_payload
from billfold.subscriptions.cancel import cancel_subscription
from billfold.subscriptions.queries import get_subscription, subscription_payload
from billfold.subscriptions.renewal import advance_subscription

__all__ = [
    "EXPIRING_NOTICE",
    "advance_schedule",
    "apply_due_transition",
    "at",
    "end_with_subscription",
    "next_transition",
    "refresh_due",
    "start_schedule",
]

EXPIRING_NOTICE = dt.timedelta(days=7)
_ENDED = {"canceled", "incomplete_expired"}


def at(ctx: Ctx, when: dt.datetime) -> Ctx:
    """``ctx`` with a clock that reads ``when`` (same session, account and request)."""
    return Ctx(
        ctx.session,
        ctx.account_id,
        FrozenClock(when),
        request_id=ctx.request_id,
        idempotency_key=ctx.idempotency_key,
        api_version=ctx.api_version,
        public_base_url=ctx.public_base_url,
    )


def next_transition(schedule: SubscriptionSchedule) -> tuple[dt.datetime, str] | None:
    """The schedule's next ``(instant, kind)``: ``start``, ``expiring``, ``phase`` or ``end``."""
    if schedule.status == "not_started":
        return from_unix(schedule.phases[0]["start_date"]), "start"
    if schedule.status != "active":
        return None
    end = from_unix(schedule.phases[-1]["end_date"])
    nxt = schedule.phase_index + 1
    options = [(from_unix(schedule.phases[nxt]["start_date"]), "phase") if nxt < len(schedule.phases) else (end, "end")]
    notice = end - EXPIRING_NOTICE
    if not schedule.expiring_sent and notice > schedule.created:
        options.insert(0, (notice, "expiring"))
    return min(options, key=lambda option: option[0])


def refresh_due(schedule: SubscriptionSchedule) -> None:
    """Keep ``next_transition_at`` (the worker's index) in step with the schedule."""
    upcoming = next_transition(schedule)
    schedule.next_transition_at = upcoming[0] if upcoming else None


def _record(ctx: Ctx, event_type: str, schedule: SubscriptionSchedule, before: dict[str, Any] | None = None) -> None:
    after = schedule_payload(ctx, schedule)
    record_event(ctx, event_type, after, None if before is None else diff(before, after))


def _finish(ctx: Ctx, gateway: PaymentGateway, schedule: SubscriptionSchedule, sub: Subscription) -> None:
    """The last phase is over: release the subscription, or cancel it (the schedule completes)."""
    before = schedule_payload(ctx, schedule)
    now = ctx.clock.now()
    if schedule.end_behavior == "cancel":
        schedule.status = "completed"
        schedule.completed_at = now
        refresh_due(schedule)
        cancel_subscription(ctx, gateway, sub, {"invoice_now": False, "prorate": False})
        _record(ctx, "subscription_schedule.completed", schedule, before)
        return
    sub_before = subscription_payload(ctx, sub)
    schedule.status = "released"
    schedule.released_at = now
    schedule.released_subscription_id, schedule.subscription_id = sub.id, None
    sub.schedule_id = None
    refresh_due(schedule)
    ctx.session.flush()
    sub_after = subscription_payload(ctx, sub)
    record_event(ctx, "customer.subscription.updated", sub_after, diff(sub_before, sub_after))
    _record(ctx, "subscription_schedule.released", schedule, before)


def _next_phase(ctx: Ctx, gateway: PaymentGateway, schedule: SubscriptionSchedule, sub: Subscription) -> None:
    before = schedule_payload(ctx, schedule)
    phase = schedule.phases[schedule.phase_index + 1]
    at_boundary = ctx.clock.now() >= sub.current_period_end
    apply_phase(
        ctx, gateway, schedule, sub, phase, proration_behavior="none" if at_boundary else phase["proration_behavior"]
    )
    schedule.phase_index += 1
    refresh_due(schedule)
    ctx.session.flush()
    _record(ctx, "subscription_schedule.updated", schedule, before)


def _run(ctx: Ctx, gateway: PaymentGateway, schedule: SubscriptionSchedule, sub: Subscription, kind: str) -> None:
    if kind == "expiring":
        schedule.expiring_sent = True
        refresh_due(schedule)
        ctx.session.flush()
        _record(ctx, "subscription_schedule.expiring", schedule)
    elif kind == "phase":
        _next_phase(ctx, gateway, schedule, sub)
    else:
        _finish(ctx, gateway, schedule, sub)


def apply_due_transition(ctx: Ctx, gateway: PaymentGateway, sub: Subscription) -> bool:
    """Run the next transition of ``sub``'s schedule if it is due; returns whether one ran.

    Due means by now and by the end of ``sub``'s current period, so the renewal loop
    (which looks again after each one) bills every boundary with the phase in force.
    """
    if sub.schedule_id is None or sub.status in _ENDED:
        return False
    schedule = schedule_for_subscription(ctx, sub.schedule_id, sub.id)
    upcoming = next_transition(schedule) if schedule is not None else None
    if schedule is None or upcoming is None:
        return False
    when, kind = upcoming
    if when > min(ctx.clock.now(), sub.current_period_end):
        return False
    _run(at(ctx, when), gateway, schedule, sub, kind)
    return True


def start_schedule(ctx: Ctx, gateway: PaymentGateway, schedule: SubscriptionSchedule, *, announce: bool) -> None:
    """Create the subscription from the first phase (``ctx`` reads the start date).

    ``announce`` records ``subscription_schedule.updated`` (not when it starts as it is created).
    """
    before = schedule_payload(ctx, schedule)
    sub = start_subscription(ctx, gateway, schedule)
    schedule.status = "active"
    schedule.subscription_id = sub.id
    schedule.phase_index = 0
    refresh_due(schedule)
    ctx.session.flush()
    if announce:
        _record(ctx, "subscription_schedule.updated", schedule, before)


def end_with_subscription(ctx: Ctx, schedule: SubscriptionSchedule, sub: Subscription) -> None:
    """The subscription ended outside the schedule: the schedule is canceled with it.

    Stripe calls it ``subscription_schedule.aborted`` when the subscription was canceled
    for failed payments (dunning), ``subscription_schedule.canceled`` otherwise.
    """
    before = schedule_payload(ctx, schedule)
    schedule.status = "canceled"
    schedule.canceled_at = sub.ended_at or ctx.clock.now()
    refresh_due(schedule)
    ctx.session.flush()
    delinquent = (sub.cancellation_details or {}).get("reason") == "payment_failed"
    _record(ctx, "subscription_schedule.aborted" if delinquent else "subscription_schedule.canceled", schedule, before)


def advance_schedule(ctx: Ctx, gateway: PaymentGateway, schedule: SubscriptionSchedule) -> int:
    """Do everything due for ``schedule`` up to now; returns how many steps were taken.

    Renewals of its subscription are included. What the worker and test clocks call.
    """
    ctx.session.refresh(schedule, with_for_update=True)  # another worker may have advanced it meanwhile
    now = ctx.clock.now()
    steps = 0
    if schedule.status == "not_started":
        start = from_unix(schedule.phases[0]["start_date"])
        if start > now:
            return 0
        start_schedule(at(ctx, start), gateway, schedule, announce=True)
        steps += 1
    if schedule.status != "active" or schedule.subscription_id is None:
        return steps
    sub = get_subscription(ctx, schedule.subscription_id, param=None)
    steps += advance_subscription(ctx, gateway, sub)
    if schedule.status == "active" and sub.status in _ENDED:
        end_with_subscription(ctx, schedule, sub)
        steps += 1
    return steps
