"""What an invoice preview takes in before it runs.

Extra invoice items and replacement discounts are written as real rows (pending invoice
items, discounts) inside the preview's savepoint, so the invoice is then built by the
ordinary code paths, and both vanish with the savepoint. Parameters Billfold cannot
honour yet are refused by name.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

from sqlalchemy import ColumnElement, or_, update

from billfold.catalog.pricing import amount_for_quantity
from billfold.context import Ctx
from billfold.errors import BillfoldError, InvalidRequestError
from billfold.invoices.items import create_invoice_item, get_invoice_item, update_invoice_item
from billfold.models import Customer, Discount, Subscription
from billfold.subscriptions.discounts import apply_discounts
from billfold.subscriptions.queries import live_items

__all__ = ["add_invoice_items", "reject_unsupported", "replace_discounts"]

_UNSUPPORTED = ("discounts", "tax_rates", "tax_code")
_NOT_PASSED = frozenset({"price", "unit_amount", "invoiceitem", "tax_behavior", *_UNSUPPORTED})


def _unsupported(message: str, param: str) -> NoReturn:
    raise InvalidRequestError(message, param=param)


def reject_unsupported(data: dict[str, Any]) -> None:
    """Refuse, by name, what Billfold cannot preview yet (schedules, taxes, Connect)."""
    if data.get("schedule") is not None or data.get("schedule_details") is not None:
        _unsupported(
            "Billfold cannot preview subscription schedules yet; preview the subscription (subscription, "
            "subscription_details) instead.",
            "schedule" if data.get("schedule") is not None else "schedule_details",
        )
    details = data.get("subscription_details") or {}
    if details.get("default_tax_rates"):
        _unsupported("Tax rates are not implemented in Billfold yet.", "subscription_details[default_tax_rates]")
    for index, item in enumerate(details.get("items") or []):
        for key in ("discounts", "tax_rates"):
            if item.get(key):
                _unsupported(
                    f"Billfold does not support {key} on subscription items yet.",
                    f"subscription_details[items][{index}][{key}]",
                )
    if (data.get("automatic_tax") or {}).get("enabled"):
        _unsupported("Automatic tax is not implemented in Billfold yet.", "automatic_tax[enabled]")
    if data.get("customer_details") is not None:
        _unsupported("Billfold previews invoices for existing customers only; pass customer.", "customer_details")
    if data.get("on_behalf_of"):
        _unsupported("Connect (on_behalf_of) is not implemented in Billfold yet.", "on_behalf_of")


@contextmanager
def _named(where: str) -> Iterator[None]:
    """The invoice item service names ``pricing[price]``; the caller sent ``invoice_items[0][price]``."""
    try:
        yield
    except BillfoldError as exc:
        if exc.param:
            root, bracket, rest = exc.param.partition("[")
            if root == "pricing":  # pricing[price] is what the caller sent as price
                root, bracket, rest = "price", "", ""
            exc.param = f"{where}[{root}]{bracket}{rest}"
        raise


def _as_invoice_item(entry: dict[str, Any], where: str) -> dict[str, Any]:
    """An ``invoice_items[]`` entry in the words of ``POST /v1/invoiceitems``."""
    data = {key: value for key, value in entry.items() if key not in _NOT_PASSED}
    if entry.get("price") is not None:
        data["pricing"] = {"price": entry["price"]}
    if entry.get("unit_amount") is not None:
        if entry.get("unit_amount_decimal") is not None:
            raise InvalidRequestError(
                "You may only specify one of these parameters: unit_amount, unit_amount_decimal.",
                code="parameters_exclusive",
                param=f"{where}[unit_amount_decimal]",
            )
        data["unit_amount_decimal"] = str(entry["unit_amount"])
    return data


def add_invoice_items(ctx: Ctx, customer: Customer, entries: list[dict[str, Any]], currency: str | None) -> None:
    """``invoice_items[]``: create them as pending items of ``customer``, or change the pending items they name.

    Both go through the invoice item service, as ``POST /v1/invoiceitems`` would.
    """
    for index, entry in enumerate(entries):
        where = f"invoice_items[{index}]"
        for key in _UNSUPPORTED:
            if entry.get(key):
                raise InvalidRequestError(
                    f"Billfold does not support {key} on invoice items yet.",
                    param=f"{where}[{key}]",
                )
        data = _as_invoice_item(entry, where)
        if entry.get("invoiceitem"):
            pending = get_invoice_item(ctx, entry["invoiceitem"], param=f"{where}[invoiceitem]")
            if pending.customer_id != customer.id or pending.invoice_id is not None:
                raise InvalidRequestError(
                    f"The invoice item {pending.id} is not a pending item of customer {customer.id}.",
                    param=f"{where}[invoiceitem]",
                )
            with _named(where):
                item = update_invoice_item(ctx, pending.id, data)
        else:
            with _named(where):
                item = create_invoice_item(ctx, {**data, "customer": customer.id})
        if currency is not None and item.currency != currency:
            raise InvalidRequestError(
                f"The invoice item's currency ({item.currency}) must match the invoice's ({currency}).",
                param=f"{where}[currency]",
            )


def replace_discounts(
    ctx: Ctx,
    customer: Customer,
    sub: Subscription | None,
    entries: list[dict[str, Any]] | None,
    *,
    currency: str | None,
) -> None:
    """Top-level ``discounts``: the preview uses these instead of any it would inherit.

    The subscription's and the customer's discounts are removed (an empty value means "no
    discounts at all"), and the new ones attached to the subscription, or to the customer.
    """
    owners: list[ColumnElement[bool]] = [(Discount.customer_id == customer.id) & Discount.subscription_id.is_(None)]
    if sub is not None:
        owners.append(Discount.subscription_id == sub.id)
    ctx.session.execute(
        update(Discount)
        .where(Discount.account_id == ctx.account_id, Discount.deleted_at.is_(None), or_(*owners))
        .values(deleted_at=ctx.clock.now()),
        execution_options={"synchronize_session": False},
    )
    if entries:
        # What a promotion code's minimum amount is checked against: the subscription's full amount.
        amount = sum(amount_for_quantity(p, i.quantity) for i, p in live_items(ctx, sub.id)) if sub else 0
        apply_discounts(
            ctx,
            entries,
            customer_id=customer.id,
            subscription_id=sub.id if sub else None,
            amount=amount,
            currency=currency or customer.currency or "usd",
        )
