"""Creating, updating, releasing and canceling subscription schedules.

A schedule starts ``not_started`` (a future ``start_date``) or ``active`` (``now``, or
``from_subscription``), and ends ``completed`` (last phase over, ``end_behavior=cancel``),
``released`` (last phase over with ``release``, or released by request) or ``canceled``.
While it manages a subscription, that subscription's ``schedule`` names it, and with
``end_behavior=cancel`` its ``cancel_at`` is the schedule's end.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from billfold.clock import from_unix, to_unix
from billfold.context import Ctx
from billfold.customers.queries import get_customer
from billfold.errors import ApiError, InvalidRequestError
from billfold.events import diff, record_event
from billfold.ids import new_id
from billfold.metadata import merge_metadata
from billfold.models import Coupon, Discount, Subscription, SubscriptionSchedule
from billfold.payments import PaymentGateway
from billfold.schedules.advance import (
    EXPIRING_NOTICE,
    advance_schedule,
    end_with_subscription,
    refresh_due,
    start_schedule,
)
from billfold.schedules.apply import apply_phase, phase_terms, sync_cancel_at
from billfold.schedules.phases import check_default_settings, resolve_phases, schedule_end
from billfold.schedules.queries import LIVE, schedule_for_subscription, schedule_payload
from billfold.subscriptions.cancel import cancel_subscription
from billfold.subscriptions.queries import get_subscription, live_items, subscription_payload
from billfold.test_clocks.clock import on_test_clock

__all__ = [
    "cancel_schedule",
    "create_schedule",
    "on_subscription_canceled",
    "release_schedule",
    "update_schedule",
]

_FROM_SUBSCRIPTION_EXCLUSIVE = ("customer", "phases", "start_date", "end_behavior", "default_settings")


def _check_end_behavior(value: str | None) -> None:
    if value in {"none", "renew"}:
        raise InvalidRequestError(
            f"end_behavior={value} is a legacy value Billfold does not support; use release or cancel.",
            param="end_behavior",
        )


def _new_schedule(
    ctx: Ctx,
    customer_id: str,
    *,
    test_clock_id: str | None,
    data: dict[str, Any],
    phases: list[dict[str, Any]],
    defaults: dict[str, Any],
) -> SubscriptionSchedule:
    schedule = SubscriptionSchedule(
        id=new_id("sub_sched"),
        account_id=ctx.account_id,
        created=ctx.clock.now(),
        customer_id=customer_id,
        status="not_started",
        end_behavior=data.get("end_behavior") or "release",
        phases=phases,
        default_settings=defaults,
        phase_index=-1,
        expiring_sent=False,
        test_clock_id=test_clock_id,
        metadata_=data.get("metadata") or {},
    )
    refresh_due(schedule)
    ctx.session.add(schedule)
    ctx.session.flush()
    return schedule


def _start_date(ctx: Ctx, data: dict[str, Any]) -> dt.datetime:
    if data.get("start_date") is None:
        raise InvalidRequestError(
            "Missing required param: start_date.",
            code="parameter_missing",
            param="start_date",
        )
    now = ctx.clock.now()
    start = now if data["start_date"] == "now" else from_unix(int(data["start_date"]))
    if start < now:
        raise InvalidRequestError(
            "start_date must be now or in the future (Billfold does not backdate schedules).",
            param="start_date",
        )
    return start


def create_schedule(ctx: Ctx, gateway: PaymentGateway, data: dict[str, Any]) -> SubscriptionSchedule:
    """A new schedule; one that starts now creates its subscription at once."""
    if data.get("from_subscription"):
        return _from_subscription(ctx, data)
    if not data.get("customer"):
        raise InvalidRequestError("Missing required param: customer.", code="parameter_missing", param="customer")
    customer = get_customer(ctx, data["customer"], param="customer")
    ctx = on_test_clock(ctx, customer.test_clock_id)  # a test clock's customer lives in its time
    _check_end_behavior(data.get("end_behavior"))
    start = _start_date(ctx, data)
    defaults = check_default_settings(ctx, data.get("default_settings") or {}, customer.id)
    phases = resolve_phases(ctx, data.get("phases") or [], customer_id=customer.id, defaults=defaults, start=start)
    schedule = _new_schedule(
        ctx, customer.id, test_clock_id=customer.test_clock_id, data=data, phases=phases, defaults=defaults
    )
    if start <= ctx.clock.now():
        start_schedule(ctx, gateway, schedule, announce=False)
    record_event(ctx, "subscription_schedule.created", schedule_payload(ctx, schedule))
    return schedule


def _subscription(ctx: Ctx, schedule: SubscriptionSchedule) -> Subscription:
    if schedule.subscription_id is None:  # only active schedules are asked, and they always have one
        msg = f"Schedule {schedule.id} manages no subscription."
        raise ApiError(msg)
    return get_subscription(ctx, schedule.subscription_id, param=None)


def _current_discounts(ctx: Ctx, sub: Subscription) -> list[dict[str, Any]]:
    rows = ctx.session.execute(
        select(Discount.id, Coupon.id, Discount.promotion_code_id)
        .join(Coupon, Coupon.pk == Discount.coupon_pk)
        .where(Discount.subscription_id == sub.id, Discount.deleted_at.is_(None))
        .order_by(Discount.pk),
    )
    return [{"coupon": None, "discount": discount_id, "promotion_code": None} for discount_id, _c, _p in rows]


def _phase_of(ctx: Ctx, sub: Subscription) -> dict[str, Any]:
    """The subscription as it is, for its current period, as a phase."""
    items = live_items(ctx, sub.id)
    trialing = sub.status == "trialing" and sub.trial_end is not None
    return {
        "start_date": to_unix(sub.current_period_start),
        "end_date": to_unix(sub.current_period_end),
        "items": [{"price": p.id, "quantity": i.quantity, "metadata": dict(i.metadata_)} for i, p in items],
        "currency": sub.currency,
        "proration_behavior": "create_prorations",
        "discounts": _current_discounts(ctx, sub),
        "trial": None,
        "trial_end": to_unix(sub.trial_end) if trialing and sub.trial_end else None,
        "collection_method": None,
        "days_until_due": None,
        "default_payment_method": None,
        "description": None,
        "billing_cycle_anchor": None,
        "metadata": {},
    }


def _from_subscription(ctx: Ctx, data: dict[str, Any]) -> SubscriptionSchedule:
    """Put an existing subscription under a schedule: one phase, its current period."""
    for key in _FROM_SUBSCRIPTION_EXCLUSIVE:
        if data.get(key) is not None:
            raise InvalidRequestError(
                f"You cannot set `{key}` when using `from_subscription`: create the schedule, then update it.",
                param=key,
            )
    sub = get_subscription(ctx, data["from_subscription"], param="from_subscription", for_update=True)
    ctx = on_test_clock(ctx, sub.test_clock_id)
    if sub.status in {"canceled", "incomplete_expired"}:
        raise InvalidRequestError(
            f"You cannot migrate a subscription that is {sub.status.replace('_', ' ')}.",
            param="from_subscription",
        )
    if sub.schedule_id is not None:
        raise InvalidRequestError(
            f"You cannot migrate a subscription that is already attached to a schedule: `{sub.schedule_id}`.",
            param="from_subscription",
        )
    if sub.cancel_at is not None and sub.cancel_at != sub.current_period_end:
        raise InvalidRequestError(
            "You cannot migrate a subscription that is set to cancel before the end of its period.",
            param="from_subscription",
        )
    ends = sub.cancel_at_period_end or sub.cancel_at is not None
    defaults = {
        "billing_cycle_anchor": None,
        "collection_method": sub.collection_method,
        "default_payment_method": sub.default_payment_method_id,
        "description": sub.description,
        "days_until_due": sub.days_until_due,
    }
    before = subscription_payload(ctx, sub)
    schedule = _new_schedule(
        ctx,
        sub.customer_id,
        test_clock_id=sub.test_clock_id,
        data={**data, "end_behavior": "cancel" if ends else "release"},
        phases=[_phase_of(ctx, sub)],
        defaults=defaults,
    )
    schedule.status, schedule.subscription_id, schedule.phase_index = "active", sub.id, 0
    refresh_due(schedule)
    sub.schedule_id = schedule.id
    sync_cancel_at(schedule, sub)
    ctx.session.flush()
    after = subscription_payload(ctx, sub)
    record_event(ctx, "customer.subscription.updated", after, diff(before, after))
    record_event(ctx, "subscription_schedule.created", schedule_payload(ctx, schedule))
    return schedule


def _check_live(schedule: SubscriptionSchedule, action: str) -> None:
    if schedule.status not in LIVE:
        raise InvalidRequestError(
            f"You cannot {action} a subscription schedule that is currently in the `{schedule.status}` status.",
        )


def _current_index(ctx: Ctx, schedule: SubscriptionSchedule, phases: list[dict[str, Any]]) -> int:
    """Which new phase is the current one: it must keep the current phase's start date."""
    now = to_unix(ctx.clock.now())
    started = schedule.phases[schedule.phase_index]["start_date"]
    for index, phase in enumerate(phases):
        if phase["start_date"] <= now < phase["end_date"]:
            if phase["start_date"] == now and index > 0 and phases[index - 1]["start_date"] == started:
                return index - 1  # the current phase ends now (``end_date=now``): the next one starts at once
            if phase["start_date"] != started:
                raise InvalidRequestError(
                    "You can not modify the start date of the current phase.",
                    param=f"phases[{index}][start_date]",
                )
            return index
    if phases[0]["start_date"] > now:
        raise InvalidRequestError(
            "The phases must include the current phase (you can omit only past phases).",
            param="phases[0][start_date]",
        )
    raise InvalidRequestError(
        "The last phase must end in the future.",
        param=f"phases[{len(phases) - 1}][end_date]",
    )


def _replace_phases(ctx: Ctx, gateway: PaymentGateway, schedule: SubscriptionSchedule, data: dict[str, Any]) -> None:
    sub_id = schedule.subscription_id if schedule.status == "active" else None
    phases = resolve_phases(
        ctx,
        data["phases"],
        customer_id=schedule.customer_id,
        defaults=schedule.default_settings,
        subscription_id=sub_id,
    )
    if schedule.status == "not_started":
        if from_unix(phases[0]["start_date"]) < ctx.clock.now():
            raise InvalidRequestError(
                "A schedule that has not started cannot start in the past.",
                param="phases[0][start_date]",
            )
        schedule.phases = phases
        return
    index = _current_index(ctx, schedule, phases)
    old_terms = phase_terms(schedule.phases[schedule.phase_index])
    schedule.phases, schedule.phase_index = phases, index
    sub = _subscription(ctx, schedule)
    if phase_terms(phases[index]) != old_terms:
        apply_phase(
            ctx,
            gateway,
            schedule,
            sub,
            phases[index],
            proration_behavior=data.get("proration_behavior") or "create_prorations",
        )


def update_schedule(
    ctx: Ctx,
    gateway: PaymentGateway,
    schedule: SubscriptionSchedule,
    data: dict[str, Any],
) -> SubscriptionSchedule:
    """Change phases, ``end_behavior``, default settings or metadata.

    A changed current phase is applied to the subscription at once (with ``proration_behavior``).
    """
    advance_schedule(ctx, gateway, schedule)  # the stored state must be today's before it is changed
    _check_live(schedule, "update")
    before = schedule_payload(ctx, schedule)
    _check_end_behavior(data.get("end_behavior"))
    if data.get("end_behavior"):
        schedule.end_behavior = data["end_behavior"]
    if data.get("default_settings") is not None:
        given = check_default_settings(ctx, data["default_settings"], schedule.customer_id)
        schedule.default_settings = {**schedule.default_settings, **{k: v for k, v in given.items() if v is not None}}
    if "metadata" in data:
        schedule.metadata_ = merge_metadata(schedule.metadata_, data["metadata"])
    if data.get("phases") is not None:
        _replace_phases(ctx, gateway, schedule, data)
        notice = schedule_end(schedule.phases) - EXPIRING_NOTICE
        schedule.expiring_sent = schedule.expiring_sent and notice <= ctx.clock.now()
    if schedule.status == "active":
        sync_cancel_at(schedule, _subscription(ctx, schedule))
    refresh_due(schedule)
    ctx.session.flush()
    advance_schedule(ctx, gateway, schedule)  # e.g. the current phase now ends ``now``
    after = schedule_payload(ctx, schedule)
    if after != before:
        record_event(ctx, "subscription_schedule.updated", after, diff(before, after))
    return schedule


def release_schedule(ctx: Ctx, schedule: SubscriptionSchedule, data: dict[str, Any]) -> SubscriptionSchedule:
    """Stop managing the subscription; it carries on as it is.

    ``preserve_cancel_date`` keeps the ``cancel_at`` that ``end_behavior=cancel`` put on it.
    """
    _check_live(schedule, "release")
    before = schedule_payload(ctx, schedule)
    now = ctx.clock.now()
    if schedule.subscription_id is not None:
        sub = _subscription(ctx, schedule)
        sub_before = subscription_payload(ctx, sub)
        sub.schedule_id = None
        if schedule.end_behavior == "cancel" and not data.get("preserve_cancel_date"):
            sub.cancel_at = None
        ctx.session.flush()
        sub_after = subscription_payload(ctx, sub)
        if sub_after != sub_before:
            record_event(ctx, "customer.subscription.updated", sub_after, diff(sub_before, sub_after))
    schedule.status, schedule.released_at = "released", now
    schedule.released_subscription_id, schedule.subscription_id = schedule.subscription_id, None
    refresh_due(schedule)
    ctx.session.flush()
    after = schedule_payload(ctx, schedule)
    record_event(ctx, "subscription_schedule.released", after, diff(before, after))
    return schedule


def cancel_schedule(
    ctx: Ctx,
    gateway: PaymentGateway,
    schedule: SubscriptionSchedule,
    data: dict[str, Any],
) -> SubscriptionSchedule:
    """End the schedule and cancel its subscription now.

    ``invoice_now`` and ``prorate`` default to true, as in Stripe.
    """
    _check_live(schedule, "cancel")
    before = schedule_payload(ctx, schedule)
    schedule.status, schedule.canceled_at = "canceled", ctx.clock.now()
    refresh_due(schedule)
    ctx.session.flush()
    if schedule.subscription_id is not None:
        sub = _subscription(ctx, schedule)
        if sub.status not in {"canceled", "incomplete_expired"}:
            options = {"invoice_now": data.get("invoice_now", True), "prorate": data.get("prorate", True)}
            cancel_subscription(ctx, gateway, sub, options)
    after = schedule_payload(ctx, schedule)
    record_event(ctx, "subscription_schedule.canceled", after, diff(before, after))
    return schedule


def on_subscription_canceled(ctx: Ctx, sub: Subscription) -> None:
    """A subscription a schedule manages was canceled directly (or by dunning): so is the schedule."""
    if sub.schedule_id is None:
        return
    schedule = schedule_for_subscription(ctx, sub.schedule_id, sub.id)
    if schedule is not None:
        end_with_subscription(ctx, schedule, sub)
