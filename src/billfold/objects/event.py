"""``event``."""

from __future__ import annotations

from typing import Any

from billfold.models import Event
from billfold.objects.common import ts

__all__ = ["event_object"]


def event_object(e: Event) -> dict[str, Any]:
    """An event as the API (and, later, a webhook) shows it."""
    data: dict[str, Any] = {"object": e.data["object"]}
    if e.data.get("previous_attributes") is not None:
        data["previous_attributes"] = e.data["previous_attributes"]
    return {
        "id": e.id,
        "object": "event",
        # Set only on events delivered to a platform about a connected account (no webhooks yet).
        "account": None,
        "api_version": e.api_version,
        "context": None,
        "created": ts(e.created),
        "data": data,
        "livemode": False,
        "pending_webhooks": e.pending_webhooks,
        "request": {"id": e.request_id, "idempotency_key": e.idempotency_key},
        "type": e.type,
    }
