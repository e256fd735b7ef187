"""`/v1/...` routes for balance_transactions (being written)."""

from __future__ import annotations

from billfold.api.routing import ApiRouter

router = ApiRouter("balance_transactions")
