"""`/v1/...` routes for customers (being written)."""

from __future__ import annotations

from billfold.api.routing import ApiRouter

router = ApiRouter("customers")
