"""`/v1/...` routes for coupons (being written)."""

from __future__ import annotations

from billfold.api.routing import ApiRouter

router = ApiRouter("coupons")
