"""`/v1/...` routes for prices (being written)."""

from __future__ import annotations

from billfold.api.routing import ApiRouter

router = ApiRouter("prices")
