"""How discounts reduce an invoice's lines, as Stripe applies them.

Percent coupons reduce every discountable line (credits too, so a proration and its
reversal stay symmetric). Fixed-amount coupons reduce the positive discountable
lines, split in proportion to their amounts with the largest-remainder method, so the
parts add up to exactly the coupon (capped at what those lines total). A coupon with
``applies_to.products`` only touches lines of those products.
"""

from __future__ import annotations

from dataclasses import dataclass

from billfold.coupons.redemption import discount_amount
from billfold.models import Coupon

__all__ = ["AppliedDiscount", "LineAmount", "allocate_discounts"]


@dataclass(frozen=True, slots=True)
class LineAmount:
    """What discounting needs to know of a line."""

    amount: int
    product_id: str | None
    discountable: bool


@dataclass(frozen=True, slots=True)
class AppliedDiscount:
    """A discount (id) with its coupon."""

    discount_id: str
    coupon: Coupon


def _eligible(line: LineAmount, coupon: Coupon) -> bool:
    if not line.discountable:
        return False
    products = coupon.applies_to_products
    return not products or line.product_id in products


def _percent(lines: list[LineAmount], remaining: list[int], coupon: Coupon) -> list[int]:
    parts = []
    for line, left in zip(lines, remaining, strict=True):
        if not _eligible(line, coupon) or left == 0:
            parts.append(0)
            continue
        sign = -1 if left < 0 else 1
        parts.append(sign * discount_amount(coupon, abs(left)))
    return parts


def _fixed(lines: list[LineAmount], remaining: list[int], coupon: Coupon, currency: str) -> list[int]:
    weights = [left if _eligible(line, coupon) and left > 0 else 0 for line, left in zip(lines, remaining, strict=True)]
    pool = sum(weights)
    total = discount_amount(coupon, pool, currency=currency)
    if total == 0:
        return [0] * len(lines)
    shares = [total * w // pool for w in weights]
    order = sorted(range(len(lines)), key=lambda i: (total * weights[i]) % pool, reverse=True)
    for i in order[: total - sum(shares)]:
        shares[i] += 1
    return shares


def allocate_discounts(
    lines: list[LineAmount],
    discounts: list[AppliedDiscount],
    currency: str,
) -> list[list[tuple[str, int]]]:
    """For each line, ``[(discount_id, amount), ...]`` in the order discounts apply."""
    remaining = [line.amount for line in lines]
    result: list[list[tuple[str, int]]] = [[] for _ in lines]
    for applied in discounts:
        coupon = applied.coupon
        if coupon.percent_off is not None:
            parts = _percent(lines, remaining, coupon)
        else:
            parts = _fixed(lines, remaining, coupon, currency)
        for i, part in enumerate(parts):
            if part:
                result[i].append((applied.discount_id, part))
                remaining[i] -= part
    return result
