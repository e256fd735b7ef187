"""The invoice lines a subscription produces: full periods, trials and prorations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import lru_cache

from babel.dates import format_date
from sqlalchemy import select

from billfold.catalog.pricing import amount_for_quantity
from billfold.context import Ctx
from billfold.invoices.builder import DraftLine
from billfold.models import Price, Product, SubscriptionItem
from billfold.money import format_money, prorate

__all__ = ["ItemTerms", "period_lines", "product_names", "proration_lines", "trial_lines"]


def product_names(ctx: Ctx, prices: Sequence[Price]) -> dict[str, str]:
    """Product id → name for these prices, in one query."""
    ids = {p.product_id for p in prices}
    rows = ctx.session.execute(
        select(Product.id, Product.name).where(Product.account_id == ctx.account_id, Product.id.in_(ids)),
    ).all()
    return dict(rows)


def _interval(price: Price) -> str:
    count = price.recurring_interval_count or 1
    unit = price.recurring_interval or "month"
    return unit if count == 1 else f"every {count} {unit}s"


@lru_cache(maxsize=1024)
def _unit_price(amount: int, currency: str) -> str:
    """A price's unit amount as lines show it ("$10.00"); cached, the worker formats thousands alike."""
    return format_money(amount, currency)


def _qty_name(quantity: int, name: str) -> str:
    return f"{quantity} × {name}"


def period_lines(
    items: Sequence[tuple[SubscriptionItem, Price]],
    names: dict[str, str],
    start: dt.datetime,
    end: dt.datetime,
    subscription_id: str,
) -> list[DraftLine]:
    """A full-period charge per item: "1 × Pro (at $10.00 / month)"."""
    lines = []
    for item, price in items:
        name = names.get(price.product_id, price.product_id)
        unit = _unit_price(price.unit_amount or 0, price.currency) if price.billing_scheme == "per_unit" else None
        suffix = f" (at {unit} / {_interval(price)})" if unit else ""
        lines.append(
            DraftLine(
                description=f"{_qty_name(item.quantity, name)}{suffix}",
                amount=amount_for_quantity(price, item.quantity),
                currency=price.currency,
                period_start=start,
                period_end=end,
                quantity=item.quantity,
                price_id=price.id,
                product_id=price.product_id,
                unit_amount_decimal=price.unit_amount_decimal,
                subscription_id=subscription_id,
                subscription_item_id=item.id,
            ),
        )
    return lines


def trial_lines(
    items: Sequence[tuple[SubscriptionItem, Price]],
    names: dict[str, str],
    start: dt.datetime,
    end: dt.datetime,
    subscription_id: str,
) -> list[DraftLine]:
    """Zero-amount lines for a trial: "Trial period for Pro"."""
    return [
        DraftLine(
            description=f"Trial period for {names.get(price.product_id, price.product_id)}",
            amount=0,
            currency=price.currency,
            period_start=start,
            period_end=end,
            quantity=item.quantity,
            price_id=price.id,
            product_id=price.product_id,
            unit_amount_decimal=price.unit_amount_decimal,
            subscription_id=subscription_id,
            subscription_item_id=item.id,
        )
        for item, price in items
    ]


class ItemTerms:
    """A price and quantity on one item, before or after a change."""

    __slots__ = ("item_id", "price", "quantity")

    def __init__(self, item_id: str, price: Price, quantity: int) -> None:
        self.item_id = item_id
        self.price = price
        self.quantity = quantity


def _day(value: dt.datetime) -> str:
    return format_date(value.date(), "d MMM yyyy", locale="en")


def proration_lines(
    old: ItemTerms | None,
    new: ItemTerms | None,
    names: dict[str, str],
    *,
    at: dt.datetime,
    period_start: dt.datetime,
    period_end: dt.datetime,
    subscription_id: str,
) -> list[DraftLine]:
    """Credit for unused time on ``old`` and a charge for the remaining time on ``new``.

    Both use :func:`billfold.money.prorate` (magnitude rounded down), so a change and its
    exact reverse at the same instant net to zero.
    """
    remaining = int((period_end - at).total_seconds())
    length = int((period_end - period_start).total_seconds())
    if remaining <= 0 or length <= 0:
        return []
    lines = []
    for terms, sign, label in ((old, -1, "Unused time on"), (new, 1, "Remaining time on")):
        if terms is None or terms.quantity == 0:
            continue
        full = amount_for_quantity(terms.price, terms.quantity)
        name = names.get(terms.price.product_id, terms.price.product_id)
        what = name if terms.quantity == 1 else _qty_name(terms.quantity, name)
        lines.append(
            DraftLine(
                description=f"{label} {what} after {_day(at)}",
                amount=sign * prorate(full, remaining, length),
                currency=terms.price.currency,
                period_start=at,
                period_end=period_end,
                quantity=terms.quantity,
                price_id=terms.price.id,
                product_id=terms.price.product_id,
                unit_amount_decimal=terms.price.unit_amount_decimal,
                proration=True,
                subscription_id=subscription_id,
                subscription_item_id=terms.item_id,
            ),
        )
    return lines
