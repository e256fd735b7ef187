"""Invoice items: charges and credits that wait for the customer's next invoice."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select

from billfold.context import Ctx
from billfold.errors import ResourceMissingError
from billfold.events import record_event
from billfold.ids import new_id
from billfold.invoices.builder import DraftLine
from billfold.models import InvoiceItem
from billfold.objects.invoice_item import invoice_item_object

__all__ = ["create_pending_items", "get_invoice_item", "list_invoice_items_query"]


def create_pending_items(ctx: Ctx, customer_id: str, lines: list[DraftLine]) -> list[InvoiceItem]:
    """Write ``lines`` as pending invoice items (e.g. prorations); emits ``invoiceitem.created``."""
    now = ctx.clock.now()
    items = []
    for line in lines:
        item = InvoiceItem(
            id=new_id("ii"), account_id=ctx.account_id, created=now, customer_id=customer_id,
            subscription_id=line.subscription_id, subscription_item_id=line.subscription_item_id,
            price_id=line.price_id, product_id=line.product_id, amount=line.amount, currency=line.currency,
            description=line.description, quantity=line.quantity or 1, unit_amount_decimal=line.unit_amount_decimal,
            period_start=line.period_start, period_end=line.period_end, proration=line.proration,
            discountable=line.discountable, date=now, metadata_=dict(line.metadata),
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
            InvoiceItem.account_id == ctx.account_id, InvoiceItem.id == item_id, InvoiceItem.deleted_at.is_(None),
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
