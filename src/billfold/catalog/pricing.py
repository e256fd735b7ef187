"""What a price charges for a quantity, in integer minor units.

Rounding rule (one, documented): amounts are computed exactly with ``Decimal`` from the
stored decimal strings and the final line amount is rounded half-up to a whole minor
unit. Integer-only prices never round. ``transform_quantity`` divides the quantity first
and rounds it up or down as the price says.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Protocol

__all__ = ["PriceLike", "amount_for_quantity", "billable_quantity"]


class PriceLike(Protocol):
    """The price fields pricing reads (a ``Price`` row satisfies it)."""

    billing_scheme: str
    unit_amount_decimal: str | None
    tiers_mode: str | None
    tiers: list[Any] | None
    transform_quantity: dict[str, Any] | None


def billable_quantity(price: PriceLike, quantity: int) -> int:
    """The quantity after ``transform_quantity`` (e.g. packs of 5, rounded up)."""
    transform = price.transform_quantity
    if not transform:
        return quantity
    whole, rest = divmod(quantity, int(transform["divide_by"]))
    return whole + (1 if rest and transform["round"] == "up" else 0)


def _round(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _tier_amount(tier: dict[str, Any], units: int) -> Decimal:
    unit = Decimal(tier.get("unit_amount_decimal") or 0)
    flat = Decimal(tier.get("flat_amount_decimal") or 0)
    # A tier's flat fee is charged once any unit falls into the tier.
    return unit * units + (flat if units > 0 else 0)


def _graduated(tiers: list[dict[str, Any]], quantity: int) -> Decimal:
    total = Decimal(0)
    floor = 0
    for tier in tiers:
        ceiling = tier["up_to"]
        units = (quantity if ceiling is None else min(quantity, ceiling)) - floor
        if units <= 0:
            break
        total += _tier_amount(tier, units)
        if ceiling is None:
            break
        floor = ceiling
    return total


def _volume(tiers: list[dict[str, Any]], quantity: int) -> Decimal:
    for tier in tiers:
        if tier["up_to"] is None or quantity <= tier["up_to"]:
            unit = Decimal(tier.get("unit_amount_decimal") or 0)
            flat = Decimal(tier.get("flat_amount_decimal") or 0)
            return unit * quantity + flat
    msg = "tiers must end with up_to=inf"
    raise ValueError(msg)


def amount_for_quantity(price: PriceLike, quantity: int) -> int:
    """The full-period amount for ``quantity`` units of ``price``."""
    if quantity < 0:
        msg = "quantity must not be negative"
        raise ValueError(msg)
    if price.billing_scheme == "tiered":
        tiers = price.tiers or []
        exact = _graduated(tiers, quantity) if price.tiers_mode == "graduated" else _volume(tiers, quantity)
        return _round(exact)
    units = billable_quantity(price, quantity)
    return _round(Decimal(price.unit_amount_decimal or 0) * units)
