"""``price``."""

from __future__ import annotations

from typing import Any

from billfold.models import Price
from billfold.objects.common import ts

__all__ = ["price_object"]


def _recurring(p: Price) -> dict[str, Any] | None:
    if p.type != "recurring":
        return None
    return {
        "interval": p.recurring_interval,
        "interval_count": p.recurring_interval_count,
        "meter": None,
        "trial_period_days": p.recurring_trial_period_days,
        "usage_type": p.recurring_usage_type,
    }


def _tiers(p: Price) -> list[dict[str, Any]] | None:
    if p.tiers is None:
        return None
    keys = ("flat_amount", "flat_amount_decimal", "unit_amount", "unit_amount_decimal", "up_to")
    return [{key: tier.get(key) for key in keys} for tier in p.tiers]


def price_object(p: Price) -> dict[str, Any]:
    """A price as the API shows it; ``*_decimal`` amounts are strings, as Stripe sends them."""
    return {
        "id": p.id,
        "object": "price",
        "active": p.active,
        "billing_scheme": p.billing_scheme,
        "created": ts(p.created),
        "currency": p.currency,
        "currency_options": p.currency_options,
        "custom_unit_amount": p.custom_unit_amount,
        "livemode": False,
        "lookup_key": p.lookup_key,
        "metadata": dict(p.metadata_),
        "nickname": p.nickname,
        "product": p.product_id,
        "recurring": _recurring(p),
        "tax_behavior": p.tax_behavior,
        "tiers": _tiers(p),
        "tiers_mode": p.tiers_mode,
        "transform_quantity": dict(p.transform_quantity) if p.transform_quantity else None,
        "type": p.type,
        "unit_amount": p.unit_amount,
        "unit_amount_decimal": p.unit_amount_decimal,
    }
