"""``/v1/subscription_schedules``."""

from __future__ import annotations

from typing import Any

from billfold.api.expand import EXPANDERS
from billfold.api.expanders import expand_subscription
from billfold.api.listing import paginate, range_filter
from billfold.api.params.subscription_schedules import (
    ScheduleCancel,
    ScheduleCreate,
    ScheduleList,
    ScheduleRelease,
    ScheduleRetrieve,
    ScheduleUpdate,
)
from billfold.api.routes.tax_ids import expand_customer
from billfold.api.routing import ApiRouter
from billfold.context import Ctx
from billfold.models import SubscriptionSchedule
from billfold.payments import get_gateway
from billfold.schedules import (
    cancel_schedule,
    create_schedule,
    get_schedule,
    list_schedules_query,
    release_schedule,
    schedule_payload,
    update_schedule,
)

__all__ = ["expand_schedule", "router"]

router = ApiRouter("Subscription schedules")


def expand_schedule(ctx: Ctx, value: Any, holder: dict[str, Any]) -> Any:  # noqa: ANN401 - loader signature
    """The schedule a subscription points at."""
    if value is None:
        return None
    return schedule_payload(ctx, get_schedule(ctx, value, param="expand"))


EXPANDERS.setdefault("subscription_schedule", {}).update(customer=expand_customer, subscription=expand_subscription)
EXPANDERS.setdefault("subscription", {})["schedule"] = expand_schedule

_URL = "/v1/subscription_schedules"


@router.post(_URL, ScheduleCreate, "Create a subscription schedule", "subscription_schedule")
def create(ctx: Ctx, params: ScheduleCreate) -> dict[str, Any]:
    return schedule_payload(ctx, create_schedule(ctx, get_gateway(), params.given()))


@router.get(_URL, ScheduleList, "List subscription schedules", "list")
def list_(ctx: Ctx, params: ScheduleList) -> dict[str, Any]:
    stmt = list_schedules_query(ctx, params.given())
    for column, value in (
        (SubscriptionSchedule.created, params.created),
        (SubscriptionSchedule.canceled_at, params.canceled_at),
        (SubscriptionSchedule.completed_at, params.completed_at),
        (SubscriptionSchedule.released_at, params.released_at),
    ):
        stmt = range_filter(stmt, column, value)
    return paginate(
        ctx,
        SubscriptionSchedule,
        stmt,
        limit=params.limit,
        starting_after=params.starting_after,
        ending_before=params.ending_before,
        serialize=lambda s: schedule_payload(ctx, s),
        url=_URL,
        kind="subscription schedule",
    )


@router.get(f"{_URL}/{{schedule}}", ScheduleRetrieve, "Retrieve a subscription schedule", "subscription_schedule")
def retrieve(ctx: Ctx, params: ScheduleRetrieve, schedule: str) -> dict[str, Any]:
    return schedule_payload(ctx, get_schedule(ctx, schedule))


@router.post(f"{_URL}/{{schedule}}", ScheduleUpdate, "Update a subscription schedule", "subscription_schedule")
def update(ctx: Ctx, params: ScheduleUpdate, schedule: str) -> dict[str, Any]:
    found = get_schedule(ctx, schedule, for_update=True)
    return schedule_payload(ctx, update_schedule(ctx, get_gateway(), found, params.given()))


@router.post(f"{_URL}/{{schedule}}/cancel", ScheduleCancel, "Cancel a subscription schedule", "subscription_schedule")
def cancel(ctx: Ctx, params: ScheduleCancel, schedule: str) -> dict[str, Any]:
    found = get_schedule(ctx, schedule, for_update=True)
    return schedule_payload(ctx, cancel_schedule(ctx, get_gateway(), found, params.given()))


@router.post(
    f"{_URL}/{{schedule}}/release",
    ScheduleRelease,
    "Release a subscription schedule",
    "subscription_schedule",
)
def release(ctx: Ctx, params: ScheduleRelease, schedule: str) -> dict[str, Any]:
    found = get_schedule(ctx, schedule, for_update=True)
    return schedule_payload(ctx, release_schedule(ctx, found, params.given()))
