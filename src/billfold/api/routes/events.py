"""``/v1/events``: read-only; events are written by the services (``billfold.events``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select

from billfold.api.listing import paginate, range_filter
from billfold.api.params.events import EventList, EventRetrieve
from billfold.api.routing import ApiRouter
from billfold.context import Ctx
from billfold.errors import InvalidRequestError, ResourceMissingError
from billfold.models import Event
from billfold.objects.event import event_object

router = ApiRouter("Events")


def _type_filter(stmt: Select[Event], pattern: str) -> Select[Event]:
    """``type=customer.created`` exactly, or a group with a trailing wildcard: ``customer.*``.

    The prefix is compared with ``substr`` rather than LIKE so matching is case-sensitive
    and free of LIKE's own wildcards on both backends.
    """
    if "*" not in pattern:
        return stmt.where(Event.type == pattern)
    prefix = pattern[:-1]
    if not pattern.endswith("*") or "*" in prefix:
        raise InvalidRequestError(
            f"Invalid type: {pattern}. Use an event type, or a prefix followed by '*' (e.g. 'customer.*').",
            param="type",
        )
    return stmt.where(func.substr(Event.type, 1, len(prefix)) == prefix) if prefix else stmt


def _filtered(ctx: Ctx, params: EventList) -> Select[Event]:
    if params.delivery_success is not None:
        raise InvalidRequestError(
            "Filtering on delivery_success is not supported: Billfold does not deliver webhooks yet.",
            param="delivery_success",
        )
    if params.type is not None and params.types is not None:
        raise InvalidRequestError(
            "You may only specify one of these parameters: type, types.",
            code="parameters_exclusive",
            param="type",
        )
    stmt = select(Event).where(Event.account_id == ctx.account_id)
    if params.type is not None:
        stmt = _type_filter(stmt, params.type)
    if params.types is not None:
        stmt = stmt.where(Event.type.in_(params.types))
    return range_filter(stmt, Event.created, params.created)


@router.get("/v1/events", EventList, "List all events", "list")
def list_(ctx: Ctx, params: EventList) -> dict[str, Any]:
    return paginate(
        ctx,
        Event,
        _filtered(ctx, params),
        limit=params.limit,
        starting_after=params.starting_after,
        ending_before=params.ending_before,
        serialize=event_object,
        url="/v1/events",
        kind="event",
    )


@router.get("/v1/events/{id}", EventRetrieve, "Retrieve an event", "event")
def retrieve(ctx: Ctx, params: EventRetrieve, id: str) -> dict[str, Any]:
    event = ctx.session.scalars(
        select(Event).where(Event.account_id == ctx.account_id, Event.id == id),
    ).one_or_none()
    if event is None:
        raise ResourceMissingError("event", id)
    return event_object(event)
