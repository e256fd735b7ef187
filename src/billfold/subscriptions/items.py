"""Turning ``items[]`` parameters into prices and quantities, with Stripe's rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from billfold.catalog.prices import create_price, get_price
from billfold.context import Ctx
from billfold.errors import InvalidRequestError
from billfold.models import Price

__all__ = ["ResolvedItem", "add_invoice_items", "check_compatible", "resolve_price"]


@dataclass(slots=True)
class ResolvedItem:
    """A price and quantity ready to become a subscription item."""

    price: Price
    quantity: int
    metadata: dict[str, str] = field(default_factory=dict)


def resolve_price(ctx: Ctx, item: dict[str, Any], param: str) -> Price:
    """The price an item names (``price``/``plan``), or a new inactive one from ``price_data``."""
    given = [key for key in ("price", "plan", "price_data") if item.get(key) is not None]
    if len(given) > 1:
        raise InvalidRequestError(
            f"You may only specify one of these parameters: {', '.join(given)}.",
            code="parameters_exclusive",
            param=f"{param}[{given[1]}]",
        )
    if not given:
        raise InvalidRequestError(
            f"Missing required param: {param}[price].",
            code="parameter_missing",
            param=f"{param}[price]",
        )
    if given[0] == "price_data":
        data = {**item["price_data"], "active": False}
        product = data.pop("product", None)
        return create_price(ctx, {**data, "product": product}, param_prefix=f"{param}[price_data]")
    price = get_price(ctx, item[given[0]], param=f"{param}[{given[0]}]")
    # ``allow_inactive`` is never a request parameter: schedules set it for their phases' prices.
    if not price.active and not item.get("allow_inactive"):
        raise InvalidRequestError(
            "The price specified is inactive. This field only accepts active prices.",
            param=f"{param}[price]",
        )
    return price


def check_compatible(prices: list[tuple[Price, str]]) -> None:
    """Recurring prices only, one currency, one billing interval, no price twice."""
    seen: set[str] = set()
    first = prices[0][0] if prices else None
    for price, param in prices:
        if price.type != "recurring":
            raise InvalidRequestError(
                "The price specified is set to `type=one_time` but this field only accepts prices with "
                "`type=recurring`.",
                param=param,
            )
        if price.id in seen:
            raise InvalidRequestError(
                "Cannot add multiple subscription items with the same price.",
                param=param,
            )
        seen.add(price.id)
        if first is None:
            continue
        if price.currency != first.currency:
            raise InvalidRequestError(
                f"All prices on a subscription must have the same currency; {price.id} is in {price.currency}, "
                f"not {first.currency}.",
                param=param,
            )
        if (price.recurring_interval, price.recurring_interval_count) != (
            first.recurring_interval,
            first.recurring_interval_count,
        ):
            raise InvalidRequestError(
                "The price specified has an interval of "
                f"{price.recurring_interval_count} {price.recurring_interval}, which does not match the other "
                f"prices' {first.recurring_interval_count} {first.recurring_interval}. All prices on a "
                "subscription must have the same billing interval.",
                param=param,
            )


def add_invoice_items(ctx: Ctx, customer_id: str, subscription_id: str, entries: list[dict[str, Any]]) -> None:
    """``add_invoice_items[]``: one-off charges for the subscription's next invoice.

    They go through the invoice item service (as ``POST /v1/invoiceitems``) as pending
    items of the subscription; errors name ``add_invoice_items[i][…]``.
    """
    from billfold.invoices.items import create_invoice_item  # invoices build on subscriptions' lines

    for index, entry in enumerate(entries):
        where = f"add_invoice_items[{index}]"
        data: dict[str, Any] = {
            "customer": customer_id,
            "subscription": subscription_id,
            "quantity": entry.get("quantity") or 1,
        }
        if entry.get("price") and entry.get("price_data"):
            raise InvalidRequestError(
                "You may only specify one of these parameters: price, price_data.",
                code="parameters_exclusive",
                param=f"{where}[price]",
            )
        if entry.get("price"):
            data["pricing"] = {"price": entry["price"]}
        elif entry.get("price_data"):
            data["price_data"] = entry["price_data"]
        else:
            raise InvalidRequestError(
                f"Missing required param: {where}[price].",
                code="parameter_missing",
                param=f"{where}[price]",
            )
        for key in ("discountable", "metadata"):
            if key in entry:
                data[key] = entry[key]
        try:
            create_invoice_item(ctx, data)
        except InvalidRequestError as exc:
            inner = "price" if (exc.param or "").startswith("pricing") else exc.param
            exc.param = f"{where}[{inner}]" if inner else where
            raise
