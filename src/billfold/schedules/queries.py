"""Reads of subscription schedules and their serialised form."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from billfold.context import Ctx
from billfold.errors import ResourceMissingError
from billfold.models import SubscriptionSchedule
from billfold.objects.subscription_schedule import subscription_schedule_object

__all__ = [
    "due_schedule_ids",
    "due_schedules_query",
    "get_schedule",
    "list_schedules_query",
    "schedule_for_subscription",
    "schedule_payload",
]

LIVE = ("not_started", "active")


def get_schedule(
    ctx: Ctx,
    schedule_id: str,
    *,
    param: str | None = "schedule",
    for_update: bool = False,
) -> SubscriptionSchedule:
    """A schedule of this account, or 404; ``for_update`` locks the row (PostgreSQL)."""
    stmt = select(SubscriptionSchedule).where(
        SubscriptionSchedule.account_id == ctx.account_id,
        SubscriptionSchedule.id == schedule_id,
    )
    if for_update:
        stmt = stmt.with_for_update()
    schedule = ctx.session.scalars(stmt).one_or_none()
    if schedule is None:
        raise ResourceMissingError("subscription schedule", schedule_id, param=param)
    return schedule


def schedule_for_subscription(ctx: Ctx, schedule_id: str, subscription_id: str) -> SubscriptionSchedule | None:
    """The active schedule ``schedule_id`` if it manages ``subscription_id``, locked and read afresh.

    Two workers advancing the same subscription then apply each transition once: the
    second waits for the first and sees the phase it already applied.
    """
    return ctx.session.scalars(
        select(SubscriptionSchedule)
        .where(
            SubscriptionSchedule.account_id == ctx.account_id,
            SubscriptionSchedule.id == schedule_id,
            SubscriptionSchedule.subscription_id == subscription_id,
            SubscriptionSchedule.status == "active",
        )
        .with_for_update()
        .execution_options(populate_existing=True),
    ).one_or_none()


def schedule_payload(ctx: Ctx, schedule: SubscriptionSchedule) -> dict[str, Any]:
    """The schedule as the API shows it."""
    del ctx  # the serializer needs nothing else; kept for the ``<noun>_payload(ctx, row)`` convention
    return subscription_schedule_object(schedule)


def list_schedules_query(ctx: Ctx, filters: dict[str, Any]) -> Select[SubscriptionSchedule]:
    """Schedules matching ``customer`` and ``scheduled`` (the date filters are applied by the route)."""
    stmt = select(SubscriptionSchedule).where(SubscriptionSchedule.account_id == ctx.account_id)
    if filters.get("customer"):
        stmt = stmt.where(SubscriptionSchedule.customer_id == filters["customer"])
    if filters.get("scheduled") is True:
        stmt = stmt.where(SubscriptionSchedule.status == "not_started")
    elif filters.get("scheduled") is False:
        stmt = stmt.where(SubscriptionSchedule.status != "not_started")
    return stmt


def due_schedules_query(now: dt.datetime, *, limit: int = 100) -> Select[SubscriptionSchedule]:
    """Schedules of any account with something due at ``now``, oldest due first (for the worker)."""
    return (
        select(SubscriptionSchedule)
        .where(SubscriptionSchedule.status.in_(LIVE), SubscriptionSchedule.next_transition_at <= now)
        .order_by(SubscriptionSchedule.next_transition_at, SubscriptionSchedule.pk)
        .limit(limit)
    )


def due_schedule_ids(session: Session, now: dt.datetime, *, limit: int = 100) -> list[tuple[str, str]]:
    """``(account_id, schedule_id)`` of the schedules due at ``now``."""
    stmt = due_schedules_query(now, limit=limit).with_only_columns(
        SubscriptionSchedule.account_id,
        SubscriptionSchedule.id,
    )
    return [(account_id, schedule_id) for account_id, schedule_id in session.execute(stmt)]
