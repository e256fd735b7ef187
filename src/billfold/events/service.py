"""Writing events.

The payload is the object as the API serialises it, so a webhook and a GET of the same
object never disagree.
"""

from __future__ import annotations

from typing import Any

from billfold.context import Ctx
from billfold.ids import new_id
from billfold.models import Event

__all__ = ["diff", "record_event"]

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


def record_event(
    ctx: Ctx,
    event_type: str,
    obj: dict[str, Any],
    previous_attributes: dict[str, Any] | None = None,
) -> Event:
    """Add an event for ``obj`` to the current transaction."""
    data: dict[str, Any] = {"object": obj}
    if previous_attributes is not None:
        data["previous_attributes"] = previous_attributes
    event = Event(
        id=new_id("evt"),
        account_id=ctx.account_id,
        created=ctx.clock.now(),
        type=event_type,
        data=data,
        api_version=ctx.api_version,
        request_id=ctx.request_id,
        idempotency_key=ctx.idempotency_key,
    )
    ctx.session.add(event)
    return event
