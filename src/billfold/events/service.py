"""Writing events.

The payload is the object as the API serialises it, so a webhook and a GET of the same
object never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, update

from billfold.context import Ctx
from billfold.ids import new_id
from billfold.models import Event
from billfold.rows import FastInsert

__all__ = ["EVENT_COLUMNS", "RecordedEvent", "diff", "event_row", "record_event", "replace_event_object"]

_MISSING = object()


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Stripe's ``previous_attributes``: the old values of what changed (nested dicts recurse)."""
    changed: dict[str, Any] = {}
    for key, old in before.items():
        new = after.get(key, _MISSING)
        if new == old:
            continue
        if isinstance(old, dict) and isinstance(new, dict) and old.get("object") is None:
            inner = diff(old, new)
            for added in new.keys() - old.keys():
                inner[added] = None
            changed[key] = inner
        else:
            changed[key] = old
    return changed


EVENT_COLUMNS = (
    "id",
    "account_id",
    "created",
    "type",
    "data",
    "api_version",
    "request_id",
    "idempotency_key",
    "pending_webhooks",
)
_INSERT = FastInsert(cast("Table", Event.__table__), list(EVENT_COLUMNS))


def event_row(
    ctx: Ctx, event_type: str, obj: dict[str, Any], previous_attributes: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The row of an event for ``obj`` (every :data:`EVENT_COLUMNS`), ``data`` still a dict."""
    data: dict[str, Any] = {"object": obj}
    if previous_attributes is not None:
        data["previous_attributes"] = previous_attributes
    return {
        "id": new_id("evt"),
        "account_id": ctx.account_id,
        "created": ctx.clock.now(),
        "type": event_type,
        "data": data,
        "api_version": ctx.api_version,
        "request_id": ctx.request_id,
        "idempotency_key": ctx.idempotency_key,
        "pending_webhooks": 0,
    }


@dataclass(frozen=True, slots=True)
class RecordedEvent:
    """An event written in the current transaction (its id and payload)."""

    id: str
    type: str
    data: dict[str, Any]


def record_event(
    ctx: Ctx,
    event_type: str,
    obj: dict[str, Any],
    previous_attributes: dict[str, Any] | None = None,
) -> RecordedEvent:
    """Write an event for ``obj`` in the current transaction.

    One driver-level INSERT (:meth:`billfold.context.Ctx.append`: on the unit's connection,
    which first flushes the ORM session, so the event follows the changes it reports; or,
    in a unit that batches its appends, with its commit group's others): an event is
    appended on every write, and going through the ORM cost more than the rest of a small
    write together.
    """
    row = event_row(ctx, event_type, obj, previous_attributes)
    ctx.append(_INSERT, row)
    return RecordedEvent(row["id"], event_type, row["data"])


def replace_event_object(ctx: Ctx, event: RecordedEvent, obj: dict[str, Any]) -> None:
    """Show ``obj`` in an event written earlier in this transaction (an object finished after its event)."""
    data = {**event.data, "object": obj}
    for row in ctx.appended(_INSERT):
        if row["id"] == event.id:  # not inserted yet (a unit that batches its appends)
            row["data"] = data
            return
    ctx.connection.execute(update(Event).where(Event.id == event.id).values(data=data))
