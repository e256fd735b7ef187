"""``test_helpers.test_clock``."""

from __future__ import annotations

from typing import Any

from billfold.models import TestClock
from billfold.objects.common import ts

__all__ = ["OBJECT", "clock_object"]

OBJECT = "test_helpers.test_clock"


def clock_object(c: TestClock) -> dict[str, Any]:
    """A test clock as the API shows it."""
    advancing = {"target_frozen_time": ts(c.target_frozen_time)} if c.status == "advancing" else None
    return {
        "id": c.id,
        "object": OBJECT,
        "created": ts(c.created),
        "deletes_after": ts(c.deletes_after),
        "frozen_time": ts(c.frozen_time),
        "livemode": False,
        "name": c.name,
        "status": c.status,
        "status_details": {"advancing": advancing} if advancing else {},
    }
