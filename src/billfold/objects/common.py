"""Small pieces every serializer uses."""

from __future__ import annotations

import datetime as dt
from typing import Any

__all__ = ["deleted_object", "ts"]


def ts(value: dt.datetime | None) -> int | None:
    """Unix seconds (Stripe timestamps), or None."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return int(value.timestamp())


def deleted_object(kind: str, object_id: str) -> dict[str, Any]:
    """What Stripe answers to a DELETE, and what expanding a deleted object gives."""
    return {"id": object_id, "object": kind, "deleted": True}
