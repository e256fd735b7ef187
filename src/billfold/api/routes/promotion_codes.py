"""`/v1/...` routes for promotion_codes (being written)."""

from __future__ import annotations

from billfold.api.routing import ApiRouter

router = ApiRouter("promotion_codes")
