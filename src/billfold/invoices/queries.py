"""Reads of invoices, and their serialised form for responses and events."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from billfold.context import Ctx
from billfold.errors import ResourceMissingError
from billfold.models import Account, Coupon, Customer, Discount, Invoice, InvoiceLine
from billfold.objects.invoice import LINES_PAGE, invoice_object

__all__ = [
    "InvoiceDocument",
    "get_invoice",
    "invoice_by_token",
    "invoice_discount_ids",
    "invoice_document",
    "invoice_payload",
    "lines_query",
    "list_invoices_query",
]


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


def invoice_by_token(session: Session, token: str, *, for_update: bool = False) -> Invoice | None:
    """The finalised invoice whose hosted-page token is ``token`` (any account); drafts are hidden."""
    if not token:
        return None
    stmt = select(Invoice).where(Invoice.access_token == token, Invoice.status != "draft")
    if for_update:
        stmt = stmt.with_for_update()
    return session.scalars(stmt).one_or_none()


@dataclass(frozen=True, slots=True)
class InvoiceDocument:
    """What an invoice document shows beyond the invoice row: every line, the merchant, names."""

    lines: list[InvoiceLine]
    merchant_name: str | None
    business_profile: dict[str, Any]
    preferred_locales: list[str]
    # discount id -> (the coupon's name, else its id; its percent_off, if a percentage)
    coupons: dict[str, tuple[str, str | None]]


def invoice_document(ctx: Ctx, invoice: Invoice) -> InvoiceDocument:
    """Everything the hosted page and the PDF of ``invoice`` need to read."""
    lines = list(ctx.session.scalars(lines_query(ctx, invoice).order_by(InvoiceLine.position)))
    merchant = ctx.session.execute(
        select(Account.business_name, Account.business_profile).where(Account.id == ctx.account_id),
    ).one()
    locales = ctx.session.scalar(
        select(Customer.preferred_locales).where(
            Customer.account_id == ctx.account_id, Customer.id == invoice.customer_id
        ),
    )
    discount_ids = invoice_discount_ids(invoice)
    coupons: dict[str, tuple[str, str | None]] = {}
    if discount_ids:
        rows = ctx.session.execute(
            select(Discount.id, Coupon.id, Coupon.name, Coupon.percent_off)
            .join(Coupon, Coupon.pk == Discount.coupon_pk)
            .where(Discount.account_id == ctx.account_id, Discount.id.in_(discount_ids)),
        )
        coupons = {discount_id: (name or coupon_id, percent) for discount_id, coupon_id, name, percent in rows}
    return InvoiceDocument(
        lines=lines,
        merchant_name=merchant[0],
        business_profile=dict(merchant[1] or {}),
        preferred_locales=list(locales or []),
        coupons=coupons,
    )


def billing_currency(ctx: Ctx, customer: Customer) -> str:
    """What a customer is billed in when nothing says otherwise: theirs, else the account's default."""
    if customer.currency:
        return customer.currency
    default = ctx.session.scalar(select(Account.default_currency).where(Account.id == ctx.account_id))
    return default or "usd"
