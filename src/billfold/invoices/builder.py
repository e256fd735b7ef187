"""Building a draft invoice from lines, pending invoice items and discounts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select, update

from billfold.context import Ctx
from billfold.events import record_event
from billfold.ids import new_id, random_token
from billfold.invoices.discounts import AppliedDiscount, LineAmount, allocate_discounts
from billfold.models import Coupon, Customer, Discount, Invoice, InvoiceItem, InvoiceLine

__all__ = ["DraftLine", "active_discounts", "create_invoice", "line_fields", "pending_items", "write_lines"]


@dataclass(frozen=True, slots=True)
class DraftLine:
    """A line about to be written onto an invoice."""

    description: str
    amount: int
    currency: str
    period_start: dt.datetime
    period_end: dt.datetime
    quantity: int | None = 1
    price_id: str | None = None
    product_id: str | None = None
    unit_amount_decimal: str | None = None
    proration: bool = False
    discountable: bool = True
    subscription_id: str | None = None
    subscription_item_id: str | None = None
    invoice_item_id: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)


def _line_from_item(item: InvoiceItem) -> DraftLine:
    return DraftLine(
        description=item.description or "",
        amount=item.amount,
        currency=item.currency,
        period_start=item.period_start,
        period_end=item.period_end,
        quantity=item.quantity,
        price_id=item.price_id,
        product_id=item.product_id,
        unit_amount_decimal=item.unit_amount_decimal,
        proration=item.proration,
        discountable=item.discountable,
        subscription_id=item.subscription_id,
        subscription_item_id=item.subscription_item_id,
        invoice_item_id=item.id,
        metadata=dict(item.metadata_),
    )


def pending_items(ctx: Ctx, customer_id: str, currency: str, subscription_id: str | None) -> list[InvoiceItem]:
    """Pending items go onto the customer's next invoice: its own, or a subscription's."""
    stmt = select(InvoiceItem).where(
        InvoiceItem.account_id == ctx.account_id,
        InvoiceItem.customer_id == customer_id,
        InvoiceItem.invoice_id.is_(None),
        InvoiceItem.deleted_at.is_(None),
        InvoiceItem.currency == currency,
    )
    if subscription_id is not None:
        stmt = stmt.where(or_(InvoiceItem.subscription_id.is_(None), InvoiceItem.subscription_id == subscription_id))
    return list(ctx.session.scalars(stmt.order_by(InvoiceItem.pk)))


def active_discounts(ctx: Ctx, *, subscription_id: str | None, customer_id: str) -> list[AppliedDiscount]:
    """The subscription's discounts, else the customer's (Stripe's precedence)."""
    now = ctx.clock.now()
    rows: list[tuple[Discount, Coupon]] = []
    for owner in ("subscription", "customer"):
        column = Discount.subscription_id if owner == "subscription" else Discount.customer_id
        target = subscription_id if owner == "subscription" else customer_id
        if target is None:
            continue
        stmt = (
            select(Discount, Coupon)
            .join(Coupon, Coupon.pk == Discount.coupon_pk)
            .where(
                Discount.account_id == ctx.account_id,
                column == target,
                Discount.deleted_at.is_(None),
                or_(Discount.end.is_(None), Discount.end > now),
            )
        )
        if owner == "customer":
            stmt = stmt.where(Discount.subscription_id.is_(None))
        rows = [(d, c) for d, c in ctx.session.execute(stmt.order_by(Discount.pk))]
        if rows:
            break
    return [AppliedDiscount(d.id, c) for d, c in rows]


def create_invoice(
    ctx: Ctx,
    customer: Customer,
    *,
    currency: str,
    lines: list[DraftLine],
    billing_reason: str,
    period_start: dt.datetime,
    period_end: dt.datetime,
    subscription_id: str | None = None,
    collection_method: str = "charge_automatically",
    days_until_due: int | None = None,
    include_pending: bool = True,
    discounts: list[AppliedDiscount] | None = None,
    renewal_key: str | None = None,
    description: str | None = None,
    default_payment_method_id: str | None = None,
    auto_advance: bool = True,
    metadata: dict[str, str] | None = None,
    footer: str | None = None,
    due_date: dt.datetime | None = None,
) -> Invoice:
    """A draft invoice with its lines written and its totals computed."""
    pending = pending_items(ctx, customer.id, currency, subscription_id) if include_pending else []
    all_lines = [_line_from_item(item) for item in pending] + lines
    if discounts is None:
        discounts = active_discounts(ctx, subscription_id=subscription_id, customer_id=customer.id)
    now = ctx.clock.now()
    invoice = Invoice(
        id=new_id("in"),
        account_id=ctx.account_id,
        created=now,
        customer_id=customer.id,
        subscription_id=subscription_id,
        status="draft",
        currency=currency,
        billing_reason=billing_reason,
        collection_method=collection_method,
        description=description,
        footer=footer or (customer.invoice_settings or {}).get("footer"),
        due_date=due_date
        or (
            now + dt.timedelta(days=days_until_due)
            if collection_method == "send_invoice" and days_until_due is not None
            else None
        ),
        period_start=period_start,
        period_end=period_end,
        default_payment_method_id=default_payment_method_id,
        auto_advance=auto_advance,
        access_token=random_token(40),
        renewal_key=renewal_key,
        metadata_=metadata or {},
        total_discount_amounts=[],
    )
    ctx.session.add(invoice)
    ctx.session.flush()
    for item in pending:
        item.invoice_id = invoice.id
    write_lines(ctx, invoice, all_lines, discounts)
    _end_used_once(ctx, invoice, discounts)
    record_event(ctx, "invoice.created", _payload(ctx, invoice))
    return invoice


def _end_used_once(ctx: Ctx, invoice: Invoice, discounts: list[AppliedDiscount]) -> None:
    """A ``duration=once`` discount is spent by the first invoice it reduces."""
    used = {entry["discount"] for entry in invoice.total_discount_amounts if entry["amount"]}
    spent = [d.discount_id for d in discounts if d.coupon.duration == "once" and d.discount_id in used]
    if spent:
        ctx.session.execute(
            update(Discount).where(Discount.id.in_(spent)).values(end=ctx.clock.now()),
            execution_options={"synchronize_session": False},
        )


def write_lines(ctx: Ctx, invoice: Invoice, lines: list[DraftLine], discounts: list[AppliedDiscount]) -> None:
    """Write ``lines`` (replacing none) and recompute the invoice's totals."""
    allocation = allocate_discounts(
        [LineAmount(line.amount, line.product_id, line.discountable) for line in lines],
        discounts,
        invoice.currency,
    )
    per_discount: dict[str, int] = {}
    for position, (line, parts) in enumerate(zip(lines, allocation, strict=True)):
        ctx.session.add(_line_row(ctx, invoice, line, position, parts))
        for discount_id, amount in parts:
            per_discount[discount_id] = per_discount.get(discount_id, 0) + amount
    subtotal = sum(line.amount for line in lines)
    total_discount = sum(per_discount.values())
    invoice.subtotal = subtotal
    invoice.total_discount_amounts = [{"amount": a, "discount": d} for d, a in per_discount.items()]
    invoice.total = subtotal - total_discount
    invoice.amount_due = max(invoice.total, 0)
    invoice.amount_remaining = invoice.amount_due
    ctx.session.flush()


def line_fields(
    *,
    account_id: str,
    invoice_id: str,
    created: dt.datetime,
    line: DraftLine,
    position: int,
    parts: list[tuple[str, int]],
) -> dict[str, Any]:
    """The columns of the invoice line written for ``line`` (shared with the bulk renewal path)."""
    return {
        "id": new_id("il"),
        "account_id": account_id,
        "created": created,
        "invoice_id": invoice_id,
        "position": position,
        "invoice_item_id": line.invoice_item_id,
        "subscription_id": line.subscription_id,
        "subscription_item_id": line.subscription_item_id,
        "price_id": line.price_id,
        "product_id": line.product_id,
        "description": line.description,
        "amount": line.amount,
        "currency": line.currency,
        "quantity": line.quantity,
        "unit_amount_decimal": line.unit_amount_decimal,
        "period_start": line.period_start,
        "period_end": line.period_end,
        "proration": line.proration,
        "discountable": line.discountable,
        "discount_amounts": [{"amount": amount, "discount": discount_id} for discount_id, amount in parts],
        "metadata_": line.metadata,
    }


def _line_row(ctx: Ctx, invoice: Invoice, line: DraftLine, position: int, parts: list[tuple[str, int]]) -> InvoiceLine:
    return InvoiceLine(
        **line_fields(
            account_id=ctx.account_id,
            invoice_id=invoice.id,
            created=invoice.created,
            line=line,
            position=position,
            parts=parts,
        ),
    )


def _payload(ctx: Ctx, invoice: Invoice) -> dict[str, object]:
    from billfold.invoices.queries import invoice_payload

    return invoice_payload(ctx, invoice)
