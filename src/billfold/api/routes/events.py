"""`/v1/...` routes for events (being written)."""

from __future__ import annotations

from billfold.api.routing import ApiRouter

router = ApiRouter("events")
