"""``coupon``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from billfold.models import Coupon
from billfold.objects.common import ts

__all__ = ["coupon_object", "coupon_valid"]


def coupon_valid(c: Coupon, now: dt.datetime) -> bool:
    """Whether the coupon can still be redeemed at ``now``.

    Stripe's ``valid`` is derived, not stored: it turns false when the coupon is deleted,
    when ``redeem_by`` arrives or when ``max_redemptions`` is used up. Storing a flag would
    go stale as the clock moves, so every caller passes the clock's ``now`` instead.
    """
    if c.deleted_at is not None:
        return False
    if c.redeem_by is not None and now >= c.redeem_by:
        return False
    return c.max_redemptions is None or c.times_redeemed < c.max_redemptions


def _percent(value: str | None) -> float | None:
    # Stored as an exact decimal string; a JSON number is only a rendering of it.
    return None if value is None else float(Decimal(value))


def coupon_object(c: Coupon, *, now: dt.datetime) -> dict[str, Any]:
    """A coupon as the API shows it; ``now`` decides ``valid`` (see :func:`coupon_valid`)."""
    obj: dict[str, Any] = {
        "id": c.id,
        "object": "coupon",
        "amount_off": c.amount_off,
        "created": ts(c.created),
        "currency": c.currency,
        "currency_options": None,
        "duration": c.duration,
        "duration_in_months": c.duration_in_months,
        "livemode": False,
        "max_redemptions": c.max_redemptions,
        "metadata": dict(c.metadata_),
        "name": c.name,
        "percent_off": _percent(c.percent_off),
        "redeem_by": ts(c.redeem_by),
        "times_redeemed": c.times_redeemed,
        "valid": coupon_valid(c, now),
    }
    if c.applies_to_products:
        obj["applies_to"] = {"products": list(c.applies_to_products)}
    return obj
