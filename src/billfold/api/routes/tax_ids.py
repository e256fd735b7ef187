"""`/v1/...` routes for tax_ids (being written)."""

from __future__ import annotations

from billfold.api.routing import ApiRouter

router = ApiRouter("tax_ids")
