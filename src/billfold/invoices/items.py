"""Invoice items: charges and credits that wait for the customer's next invoice.

An item is priced one of four ways: ``amount`` (the total, quantity 1),
``unit_amount_decimal`` × ``quantity``, an existing price (``pricing[price]``, one-time or
recurring) or an inline one-time price (``price_data``); price amounts come from
:func:`billfold.catalog.pricing.amount_for_quantity`. An item may go straight onto a draft
invoice (``invoice``); it can be changed or deleted while pending or on a draft, and the
draft's lines and totals follow.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import Select, select

from billfold.catalog.price_terms import check_currency, param_namer
from billfold.catalog.prices import create_price, get_price
from billfold.catalog.pricing import amount_for_quantity
from billfold.clock import from_unix
from billfold.context import Ctx
from billfold.customers.queries import get_customer
from billfold.errors import InvalidRequestError, ResourceMissingError
from billfold.events import diff, record_event
from billfold.ids import new_id
from billfold.invoices.builder import DraftLine
from billfold.invoices.manual import draft_changed, editable_draft, remove_item_line, write_item_line
from billfold.invoices.queries import billing_currency, invoice_payload
from billfold.metadata import merge_metadata
from billfold.models import Invoice, InvoiceItem, Price
from billfold.objects.invoice_item import invoice_item_object

__all__ = [
    "create_invoice_item",
    "create_pending_items",
    "delete_invoice_item",
    "get_invoice_item",
    "list_invoice_items_query",
    "update_invoice_item",
]

# Far above any real charge, and small enough that sums stay inside BIGINT.
MAX_AMOUNT = 999_999_999_999
_SOURCES = ("amount", "unit_amount_decimal", "pricing", "price_data")


def create_pending_items(ctx: Ctx, customer_id: str, lines: list[DraftLine]) -> list[InvoiceItem]:
    """Write ``lines`` as pending invoice items (e.g. prorations); emits ``invoiceitem.created``."""
    now = ctx.clock.now()
    items = []
    for line in lines:
        item = InvoiceItem(
            id=new_id("ii"),
            account_id=ctx.account_id,
            created=now,
            customer_id=customer_id,
            subscription_id=line.subscription_id,
            subscription_item_id=line.subscription_item_id,
            price_id=line.price_id,
            product_id=line.product_id,
            amount=line.amount,
            currency=line.currency,
            description=line.description,
            quantity=line.quantity or 1,
            unit_amount_decimal=line.unit_amount_decimal,
            period_start=line.period_start,
            period_end=line.period_end,
            proration=line.proration,
            discountable=line.discountable,
            date=now,
            metadata_=dict(line.metadata),
        )
        ctx.session.add(item)
        items.append(item)
    ctx.session.flush()
    for item in items:
        record_event(ctx, "invoiceitem.created", invoice_item_object(item))
    return items


def get_invoice_item(ctx: Ctx, item_id: str, *, param: str | None = "invoiceitem") -> InvoiceItem:
    """A live invoice item of this account, or 404."""
    item = ctx.session.scalars(
        select(InvoiceItem).where(
            InvoiceItem.account_id == ctx.account_id,
            InvoiceItem.id == item_id,
            InvoiceItem.deleted_at.is_(None),
        ),
    ).one_or_none()
    if item is None:
        raise ResourceMissingError("invoiceitem", item_id, param=param)
    return item


def list_invoice_items_query(ctx: Ctx, filters: dict[str, Any]) -> Select[InvoiceItem]:
    """Invoice items matching the list filters (``pending`` = not yet on an invoice)."""
    stmt = select(InvoiceItem).where(InvoiceItem.account_id == ctx.account_id, InvoiceItem.deleted_at.is_(None))
    if filters.get("customer"):
        stmt = stmt.where(InvoiceItem.customer_id == filters["customer"])
    if filters.get("invoice"):
        stmt = stmt.where(InvoiceItem.invoice_id == filters["invoice"])
    if filters.get("pending") is not None:
        pending = InvoiceItem.invoice_id.is_(None)
        stmt = stmt.where(pending if filters["pending"] else ~pending)
    return stmt


# -- pricing ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Priced:
    amount: int
    quantity: int
    price: Price | None
    unit_amount_decimal: str | None


def _times(unit: str, quantity: int) -> int:
    return int((Decimal(unit) * quantity).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _price(ctx: Ctx, data: dict[str, Any]) -> Price:
    if data.get("price_data") is not None:
        given = {**data["price_data"], "active": False}
        return create_price(ctx, given, param_prefix="price_data")
    price_id = (data.get("pricing") or {}).get("price")
    if price_id is None:
        raise InvalidRequestError(
            "Missing required param: pricing[price].", code="parameter_missing", param="pricing[price]"
        )
    price = get_price(ctx, price_id, param="pricing[price]")
    if not price.active:
        raise InvalidRequestError(
            "The price specified is inactive. This field only accepts active prices.",
            param="pricing[price]",
        )
    return price


def _source(data: dict[str, Any]) -> str | None:
    given = [key for key in _SOURCES if data.get(key) is not None]
    if len(given) > 1:
        raise InvalidRequestError(
            f"You may only specify one of these parameters: {', '.join(given)}.",
            code="parameters_exclusive",
            param=given[1],
        )
    return given[0] if given else None


def _priced(ctx: Ctx, data: dict[str, Any], current: InvoiceItem | None) -> _Priced:
    """The amount, currency, quantity and price ``data`` asks for (over ``current`` on update)."""
    source = _source(data)
    quantity = data.get("quantity")
    if source == "amount":
        if quantity not in (None, 1):
            raise InvalidRequestError(
                "quantity can only be set with unit_amount_decimal, pricing[price] or price_data: amount is the "
                "item's total.",
                param="quantity",
            )
        return _Priced(data["amount"], 1, None, str(data["amount"]))
    if quantity is None:
        quantity = current.quantity if current is not None else 1
    if source == "unit_amount_decimal":
        unit = data["unit_amount_decimal"]
        return _Priced(_times(unit, quantity), quantity, None, unit)
    if source is not None:
        price = _price(ctx, data)
        return _Priced(amount_for_quantity(price, quantity), quantity, price, price.unit_amount_decimal)
    if current is None:
        raise InvalidRequestError(
            "Missing required param: amount (or unit_amount_decimal, pricing[price] or price_data).",
            code="parameter_missing",
            param="amount",
        )
    if current.price_id is not None:
        price = get_price(ctx, current.price_id, param=None)
        return _Priced(amount_for_quantity(price, quantity), quantity, price, current.unit_amount_decimal)
    unit = current.unit_amount_decimal or str(current.amount)
    return _Priced(_times(unit, quantity), quantity, None, unit)


def _check_amount(priced: _Priced) -> None:
    if abs(priced.amount) > MAX_AMOUNT:
        raise InvalidRequestError(
            f"The invoice item's amount would be {priced.amount}; at most {MAX_AMOUNT} is allowed.",
            param="quantity",
        )


def _period(data: dict[str, Any], default: tuple[dt.datetime, dt.datetime]) -> tuple[dt.datetime, dt.datetime]:
    period = data.get("period")
    if period is None:
        return default
    start, end = from_unix(period["start"]), from_unix(period["end"])
    if end < start:
        raise InvalidRequestError("period[end] must be on or after period[start].", param="period[end]")
    return start, end


# -- create, update, delete ------------------------------------------------------------


def _subscription_for(ctx: Ctx, subscription_id: str, customer_id: str) -> tuple[str, str]:
    from billfold.subscriptions.queries import get_subscription

    sub = get_subscription(ctx, subscription_id, param="subscription")
    if sub.customer_id != customer_id:
        raise InvalidRequestError(
            f"Subscription {sub.id} belongs to another customer than {customer_id}.",
            param="subscription",
        )
    return sub.id, sub.currency


def _currency(data: dict[str, Any], priced: _Priced, must_match: list[tuple[str | None, str]], default: str) -> str:
    """The item's currency: given or priced, else ``default``; it must match the invoice's and subscription's."""
    given = check_currency(data["currency"], param_namer(None)) if data.get("currency") is not None else None
    if priced.price is not None and given is not None and given != priced.price.currency:
        raise InvalidRequestError(f"The price is in {priced.price.currency}, not {given}.", param="currency")
    currency = priced.price.currency if priced.price is not None else given
    for required, owner in must_match:
        if required is None:
            continue
        if currency is None:
            currency = required
        elif currency != required:
            raise InvalidRequestError(
                f"The invoice item's currency ({currency}) must match its {owner}'s ({required}).",
                param="currency",
            )
    return currency or default


def create_invoice_item(ctx: Ctx, data: dict[str, Any]) -> InvoiceItem:
    """A new pending item (or a line on a draft, with ``invoice``); emits ``invoiceitem.created``."""
    customer = get_customer(ctx, data["customer"], param="customer")
    priced = _priced(ctx, data, None)
    _check_amount(priced)
    invoice = editable_draft(ctx, data["invoice"], param="invoice") if data.get("invoice") else None
    if invoice is not None and invoice.customer_id != customer.id:
        raise InvalidRequestError(f"Invoice {invoice.id} belongs to another customer.", param="invoice")
    subscription_id, sub_currency = None, None
    if data.get("subscription"):
        subscription_id, sub_currency = _subscription_for(ctx, data["subscription"], customer.id)
    currency = _currency(
        data,
        priced,
        [(invoice.currency if invoice else None, "invoice"), (sub_currency, "subscription")],
        billing_currency(ctx, customer),
    )
    now = ctx.clock.now()
    start, end = _period(data, (now, now))
    item = InvoiceItem(
        id=new_id("ii"),
        account_id=ctx.account_id,
        created=now,
        customer_id=customer.id,
        invoice_id=invoice.id if invoice else None,
        subscription_id=subscription_id,
        price_id=priced.price.id if priced.price else None,
        product_id=priced.price.product_id if priced.price else None,
        amount=priced.amount,
        currency=currency,
        description=data.get("description"),
        quantity=priced.quantity,
        unit_amount_decimal=priced.unit_amount_decimal,
        period_start=start,
        period_end=end,
        proration=False,
        discountable=data.get("discountable", priced.amount >= 0),
        date=now,
        metadata_=merge_metadata({}, data.get("metadata") or {}),
    )
    before = invoice_payload(ctx, invoice) if invoice else None
    ctx.session.add(item)
    ctx.session.flush()
    record_event(ctx, "invoiceitem.created", invoice_item_object(item))
    if invoice is not None and before is not None:
        write_item_line(ctx, item, invoice)
        draft_changed(ctx, invoice, before)
    return item


def _editable(ctx: Ctx, item: InvoiceItem) -> Invoice | None:
    """The item's draft invoice (None when pending); a finalized invoice's items are frozen."""
    if item.invoice_id is None:
        return None
    return editable_draft(ctx, item.invoice_id, param=None)


def update_invoice_item(ctx: Ctx, item_id: str, data: dict[str, Any]) -> InvoiceItem:
    """Change a pending item or one on a draft; emits ``invoiceitem.updated``."""
    item = get_invoice_item(ctx, item_id)
    invoice = _editable(ctx, item)
    before = invoice_item_object(item)
    invoice_before = invoice_payload(ctx, invoice) if invoice else None
    if any(data.get(key) is not None for key in (*_SOURCES, "quantity")):
        priced = _priced(ctx, data, item)
        _check_amount(priced)
        if priced.price is not None and priced.price.currency != item.currency:
            raise InvalidRequestError(
                f"The price is in {priced.price.currency}; this invoice item is in {item.currency}.",
                param="price_data[currency]" if data.get("price_data") is not None else "pricing[price]",
            )
        item.amount, item.quantity, item.unit_amount_decimal = (
            priced.amount,
            priced.quantity,
            priced.unit_amount_decimal,
        )
        if data.get("amount") is not None or data.get("unit_amount_decimal") is not None:
            item.price_id = item.product_id = None
        elif priced.price is not None:
            item.price_id, item.product_id = priced.price.id, priced.price.product_id
    if "description" in data:
        item.description = data["description"]
    if data.get("discountable") is not None:
        item.discountable = data["discountable"]
    if "metadata" in data:
        item.metadata_ = merge_metadata(item.metadata_, data["metadata"])
    item.period_start, item.period_end = _period(data, (item.period_start, item.period_end))
    ctx.session.flush()
    after = invoice_item_object(item)
    if after != before:
        record_event(ctx, "invoiceitem.updated", after, diff(before, after))
    if invoice is not None and invoice_before is not None:
        write_item_line(ctx, item, invoice)
        draft_changed(ctx, invoice, invoice_before)
    return item


def delete_invoice_item(ctx: Ctx, item_id: str) -> str:
    """Delete a pending item or one on a draft (its line goes too); emits ``invoiceitem.deleted``."""
    item = get_invoice_item(ctx, item_id)
    invoice = _editable(ctx, item)
    invoice_before = invoice_payload(ctx, invoice) if invoice else None
    item.deleted_at = ctx.clock.now()
    ctx.session.flush()
    record_event(ctx, "invoiceitem.deleted", invoice_item_object(item))
    if invoice is not None and invoice_before is not None:
        remove_item_line(ctx, item, invoice)
        draft_changed(ctx, invoice, invoice_before)
    return item.id
