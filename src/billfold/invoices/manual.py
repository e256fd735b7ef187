"""Invoices made by hand (``POST /v1/invoices``): create, edit and delete drafts.

A manual invoice starts as a draft (``billing_reason=manual``) holding the customer's
pending items only with ``pending_invoice_items_behavior=include`` (the current API's
default is ``exclude``). ``auto_advance`` defaults to false, as for any invoice created
through the API; a draft with ``auto_advance=true`` stays a draft until it is finalized
(by ``/finalize`` today, by the billing worker once it runs).

Once finalized, only ``description``, ``footer`` and ``metadata`` change (plus
``auto_advance`` and ``default_payment_method`` while the invoice can still be paid).
Only manual drafts can be deleted; their items go back to pending.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, func, select, update

from billfold.catalog.price_terms import check_currency, param_namer
from billfold.clock import from_unix
from billfold.context import Ctx
from billfold.customers.queries import get_customer
from billfold.errors import InvalidRequestError
from billfold.events import diff, record_event
from billfold.ids import new_id
from billfold.invoices.builder import active_discounts, create_invoice
from billfold.invoices.discounts import AppliedDiscount, LineAmount, allocate_discounts
from billfold.invoices.queries import billing_currency, get_invoice, invoice_payload
from billfold.metadata import merge_metadata
from billfold.models import Coupon, Customer, Discount, Invoice, InvoiceItem, InvoiceLine
from billfold.objects.invoice_item import invoice_item_object
from billfold.payments import require_attached_payment_method

__all__ = [
    "create_manual_invoice",
    "delete_draft_invoice",
    "draft_changed",
    "editable_draft",
    "recompute_totals",
    "remove_item_line",
    "update_invoice",
    "write_item_line",
]

# What may change once an invoice is no longer a draft, by status.
_AFTER_DRAFT = {
    "open": {"auto_advance", "default_payment_method", "description", "footer", "metadata"},
    "uncollectible": {"default_payment_method", "description", "footer", "metadata"},
    "paid": {"description", "footer", "metadata"},
    "void": {"description", "footer", "metadata"},
}


def _due(ctx: Ctx, data: dict[str, Any], collection_method: str) -> None:
    """``days_until_due`` and ``due_date`` only with ``send_invoice``, one of them, in the future."""
    for param in ("days_until_due", "due_date"):
        if data.get(param) is not None and collection_method != "send_invoice":
            raise InvalidRequestError(
                f"{param} can only be set when collection_method is send_invoice.",
                param=param,
            )
    if data.get("days_until_due") is not None and data.get("due_date") is not None:
        raise InvalidRequestError(
            "You may only specify one of these parameters: days_until_due, due_date.",
            code="parameters_exclusive",
            param="due_date",
        )
    if data.get("due_date") is not None and from_unix(data["due_date"]) <= ctx.clock.now():
        raise InvalidRequestError("Invalid due_date: must be in the future.", param="due_date")


def _currency(ctx: Ctx, data: dict[str, Any], customer: Customer, subscription_currency: str | None) -> str:
    if data.get("currency") is not None:
        currency = check_currency(data["currency"], param_namer(None))
        if subscription_currency is not None and currency != subscription_currency:
            raise InvalidRequestError(
                f"The subscription bills in {subscription_currency}, not {currency}.",
                param="currency",
            )
        return currency
    return subscription_currency or billing_currency(ctx, customer)


def create_manual_invoice(ctx: Ctx, data: dict[str, Any]) -> Invoice:
    """A draft for ``customer``; emits ``invoice.created``."""
    from billfold.subscriptions.queries import get_subscription

    customer = get_customer(ctx, data["customer"], param="customer")
    subscription_id, subscription_currency = None, None
    if data.get("subscription"):
        sub = get_subscription(ctx, data["subscription"], param="subscription")
        if sub.customer_id != customer.id:
            raise InvalidRequestError(
                f"Subscription {sub.id} belongs to another customer than {customer.id}.",
                param="subscription",
            )
        subscription_id, subscription_currency = sub.id, sub.currency
    collection_method = data.get("collection_method") or "charge_automatically"
    _due(ctx, data, collection_method)
    if data.get("default_payment_method"):
        require_attached_payment_method(
            ctx, customer.id, data["default_payment_method"], param="default_payment_method"
        )
    now = ctx.clock.now()
    return create_invoice(
        ctx,
        customer,
        currency=_currency(ctx, data, customer, subscription_currency),
        lines=[],
        billing_reason="manual",
        period_start=now,
        period_end=now,
        subscription_id=subscription_id,
        collection_method=collection_method,
        days_until_due=data.get("days_until_due"),
        include_pending=data.get("pending_invoice_items_behavior") == "include",
        description=data.get("description"),
        default_payment_method_id=data.get("default_payment_method"),
        auto_advance=bool(data.get("auto_advance", False)),
        metadata=merge_metadata({}, data.get("metadata") or {}),
        footer=data.get("footer"),
        due_date=from_unix(data["due_date"]) if data.get("due_date") else None,
    )


def _not_editable(invoice: Invoice, param: str) -> InvalidRequestError:
    return InvalidRequestError(
        f"You can't change {param} on an invoice that is {invoice.status}; only drafts are fully editable.",
        code="invoice_not_editable",
        param=param,
    )


def _collection(ctx: Ctx, invoice: Invoice, data: dict[str, Any]) -> None:
    method = data.get("collection_method") or invoice.collection_method
    _due(ctx, data, method)
    invoice.collection_method = method
    if method == "charge_automatically":
        invoice.due_date = None
    elif data.get("due_date") is not None:
        invoice.due_date = from_unix(data["due_date"])
    elif data.get("days_until_due") is not None:
        invoice.due_date = invoice.created + dt.timedelta(days=data["days_until_due"])


def update_invoice(ctx: Ctx, invoice: Invoice, data: dict[str, Any]) -> Invoice:
    """Apply ``data`` (what the invoice's status allows); emits ``invoice.updated``."""
    if invoice.status != "draft":
        allowed = _AFTER_DRAFT.get(invoice.status, set())
        for param in sorted(data):
            if param not in allowed:
                raise _not_editable(invoice, param)
    before = invoice_payload(ctx, invoice)
    if {"collection_method", "days_until_due", "due_date"} & set(data):
        _collection(ctx, invoice, data)
    if data.get("default_payment_method") is not None:
        require_attached_payment_method(
            ctx, invoice.customer_id, data["default_payment_method"], param="default_payment_method"
        )
        invoice.default_payment_method_id = data["default_payment_method"]
    for field in ("auto_advance", "description", "footer"):
        if data.get(field) is not None:
            setattr(invoice, field, data[field])
    if "metadata" in data:
        invoice.metadata_ = merge_metadata(invoice.metadata_, data["metadata"])
    ctx.session.flush()
    after = invoice_payload(ctx, invoice)
    if after != before:
        record_event(ctx, "invoice.updated", after, diff(before, after))
    return invoice


def delete_draft_invoice(ctx: Ctx, invoice: Invoice) -> str:
    """Delete a manual draft; its items become pending again. Emits ``invoice.deleted``."""
    if invoice.status != "draft":
        raise InvalidRequestError(
            f"You can only delete draft invoices; this one is {invoice.status}. Void it instead.",
            code="invoice_not_editable",
        )
    if invoice.billing_reason != "manual":
        raise InvalidRequestError(
            "A subscription's draft invoice cannot be deleted; it is finalized with its subscription.",
            code="invoice_not_editable",
        )
    invoice_id, payload = invoice.id, invoice_payload(ctx, invoice)
    items = list(
        ctx.session.scalars(
            select(InvoiceItem).where(InvoiceItem.invoice_id == invoice.id, InvoiceItem.deleted_at.is_(None)),
        )
    )
    for item in items:
        before = invoice_item_object(item)
        item.invoice_id = None
        after = invoice_item_object(item)
        record_event(ctx, "invoiceitem.updated", after, diff(before, after))
    ctx.session.execute(
        delete(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id),
        execution_options={"synchronize_session": False},
    )
    ctx.session.delete(invoice)
    ctx.session.flush()
    record_event(ctx, "invoice.deleted", payload)
    return invoice_id


def _invoice_discounts(ctx: Ctx, invoice: Invoice) -> list[AppliedDiscount]:
    """The discounts the draft already used, then those that apply to its customer or subscription now."""
    used = [entry["discount"] for entry in invoice.total_discount_amounts]
    rows = (
        ctx.session.execute(
            select(Discount, Coupon)
            .join(Coupon, Coupon.pk == Discount.coupon_pk)
            .where(
                Discount.account_id == ctx.account_id,
                Discount.id.in_(used),
            ),
        ).all()
        if used
        else []
    )
    by_id = {d.id: AppliedDiscount(d.id, c) for d, c in rows}
    found = [by_id[i] for i in used if i in by_id]
    current = active_discounts(ctx, subscription_id=invoice.subscription_id, customer_id=invoice.customer_id)
    found.extend(applied for applied in current if applied.discount_id not in by_id)
    return found


def recompute_totals(ctx: Ctx, invoice: Invoice) -> None:
    """Re-apply discounts over ALL of a draft's lines and recompute its totals."""
    lines = list(
        ctx.session.scalars(
            select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id).order_by(InvoiceLine.position),
        )
    )
    discounts = _invoice_discounts(ctx, invoice)
    allocation = allocate_discounts(
        [LineAmount(line.amount, line.product_id, line.discountable) for line in lines],
        discounts,
        invoice.currency,
    )
    per_discount: dict[str, int] = {}
    for line, parts in zip(lines, allocation, strict=True):
        line.discount_amounts = [{"amount": amount, "discount": discount_id} for discount_id, amount in parts]
        for discount_id, amount in parts:
            per_discount[discount_id] = per_discount.get(discount_id, 0) + amount
    invoice.subtotal = sum(line.amount for line in lines)
    invoice.total_discount_amounts = [{"amount": a, "discount": d} for d, a in per_discount.items()]
    invoice.total = invoice.subtotal - sum(per_discount.values())
    invoice.amount_due = max(invoice.total, 0)
    invoice.amount_remaining = invoice.amount_due
    spent = [d.discount_id for d in discounts if d.coupon.duration == "once" and per_discount.get(d.discount_id)]
    if spent:  # a once-only discount is used up by the first invoice it reduces
        ctx.session.execute(
            update(Discount).where(Discount.id.in_(spent), Discount.end.is_(None)).values(end=ctx.clock.now()),
            execution_options={"synchronize_session": False},
        )
    ctx.session.flush()


# -- invoice items on drafts -------------------------------------------------------------


def editable_draft(ctx: Ctx, invoice_id: str, *, param: str | None) -> Invoice:
    """The draft (locked) whose items may change; a finalized invoice's items are frozen."""
    invoice = get_invoice(ctx, invoice_id, param=param, for_update=True)
    if invoice.status != "draft":
        raise InvalidRequestError(
            f"Invoice {invoice.id} is {invoice.status}: items can only be added to, changed on or removed from "
            "draft invoices.",
            code="invoice_not_editable",
            param=param,
        )
    return invoice


def write_item_line(ctx: Ctx, item: InvoiceItem, invoice: Invoice) -> None:
    """Write an invoice item's line on its draft (appended the first time)."""
    line = ctx.session.scalars(
        select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id, InvoiceLine.invoice_item_id == item.id),
    ).one_or_none()
    if line is None:
        last = ctx.session.scalar(select(func.max(InvoiceLine.position)).where(InvoiceLine.invoice_id == invoice.id))
        line = InvoiceLine(
            id=new_id("il"),
            account_id=ctx.account_id,
            created=ctx.clock.now(),
            invoice_id=invoice.id,
            position=0 if last is None else last + 1,
            invoice_item_id=item.id,
            discount_amounts=[],
        )
        ctx.session.add(line)
    line.subscription_id, line.subscription_item_id = item.subscription_id, item.subscription_item_id
    line.price_id, line.product_id = item.price_id, item.product_id
    line.description = item.description
    line.amount, line.currency, line.quantity = item.amount, item.currency, item.quantity
    line.unit_amount_decimal = item.unit_amount_decimal
    line.period_start, line.period_end = item.period_start, item.period_end
    line.proration, line.discountable = item.proration, item.discountable
    line.metadata_ = dict(item.metadata_)
    ctx.session.flush()


def remove_item_line(ctx: Ctx, item: InvoiceItem, invoice: Invoice) -> None:
    """Take a deleted invoice item's line off its draft."""
    ctx.session.execute(
        delete(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id, InvoiceLine.invoice_item_id == item.id),
        execution_options={"synchronize_session": False},
    )


def draft_changed(ctx: Ctx, invoice: Invoice, before: dict[str, Any]) -> None:
    """Recompute a draft whose lines changed; emits ``invoice.updated`` if it shows differently."""
    recompute_totals(ctx, invoice)
    after = invoice_payload(ctx, invoice)
    if after != before:
        record_event(ctx, "invoice.updated", after, diff(before, after))
