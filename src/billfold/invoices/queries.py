"""Reads of invoices, and their serialised form for responses and events."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select

from billfold.context import Ctx
from billfold.errors import ResourceMissingError
from billfold.models import Account, Discount, Invoice, InvoiceLine
from billfold.objects.invoice import LINES_PAGE, invoice_object

__all__ = ["get_invoice", "invoice_discount_ids", "invoice_payload", "lines_query", "list_invoices_query"]


def get_invoice(ctx: Ctx, invoice_id: str, *, param: str | None = "invoice", for_update: bool = False) -> Invoice:
    """An invoice of this account, or 404."""
    stmt = select(Invoice).where(Invoice.account_id == ctx.account_id, Invoice.id == invoice_id)
    if for_update:
        stmt = stmt.with_for_update()
    invoice = ctx.session.scalars(stmt).one_or_none()
    if invoice is None:
        raise ResourceMissingError("invoice", invoice_id, param=param)
    return invoice


def invoice_discount_ids(invoice: Invoice) -> list[str]:
    """The discounts that reduced this invoice, in the order they applied."""
    return [entry["discount"] for entry in invoice.total_discount_amounts]


def invoice_payload(ctx: Ctx, invoice: Invoice) -> dict[str, Any]:
    """The invoice as the API shows it (first lines embedded)."""
    lines = list(
        ctx.session.scalars(
            select(InvoiceLine)
            .where(InvoiceLine.invoice_id == invoice.id)
            .order_by(InvoiceLine.position)
            .limit(LINES_PAGE + 1),
        ),
    )
    account = ctx.session.execute(
        select(Account.business_name, Account.country).where(Account.id == ctx.account_id),
    ).one()
    discount_ids = invoice_discount_ids(invoice)
    if not discount_ids:
        discount_ids = list(
            ctx.session.scalars(select(Discount.id).where(Discount.invoice_id == invoice.id).order_by(Discount.pk)),
        )
    return invoice_object(
        invoice,
        lines[:LINES_PAGE],
        base_url=ctx.public_base_url,
        account_name=account[0],
        account_country=account[1],
        discount_ids=discount_ids,
        has_more_lines=len(lines) > LINES_PAGE,
    )


def list_invoices_query(ctx: Ctx, filters: dict[str, Any]) -> Select[Invoice]:
    """Invoices matching the list filters."""
    stmt = select(Invoice).where(Invoice.account_id == ctx.account_id)
    columns = {
        "customer": Invoice.customer_id,
        "subscription": Invoice.subscription_id,
        "status": Invoice.status,
        "collection_method": Invoice.collection_method,
    }
    for field, column in columns.items():
        if filters.get(field) is not None:
            stmt = stmt.where(column == filters[field])
    return stmt


def lines_query(ctx: Ctx, invoice: Invoice) -> Select[InvoiceLine]:
    """All lines of an invoice (for paging; the cursor is the line's pk)."""
    return select(InvoiceLine).where(InvoiceLine.account_id == ctx.account_id, InvoiceLine.invoice_id == invoice.id)
