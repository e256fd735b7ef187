"""Invoice status transitions: draft → open → paid | uncollectible | void.

Finalising numbers the invoice (``{invoice_prefix}-{seq:04d}``, per customer, no gaps:
the sequence is taken with one atomic UPDATE in the same transaction), freezes the
customer's details, and applies the customer's balance.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select, update

from billfold.context import Ctx
from billfold.customers.balance import apply_balance_change
from billfold.customers.queries import get_customer
from billfold.errors import InvalidRequestError
from billfold.events import diff, record_event
from billfold.invoices.queries import invoice_payload
from billfold.models import Customer, Invoice, TaxId

__all__ = [
    "applicable_balance",
    "balance_change",
    "finalize_invoice",
    "mark_paid",
    "mark_uncollectible",
    "send_invoice",
    "void_invoice",
]


def _state_error(invoice: Invoice, action: str) -> InvalidRequestError:
    return InvalidRequestError(
        f"You can only {action} an invoice that is {_allowed[action]}; this invoice is {invoice.status}.",
        code="invoice_not_editable" if action == "finalize" else "status_transition_invalid",
    )


_allowed = {
    "finalize": "a draft",
    "void": "open or uncollectible",
    "mark_uncollectible": "open",
    "send": "open",
    "pay": "open or uncollectible",
}


def _next_number(ctx: Ctx, customer_id: str) -> str:
    row = ctx.session.execute(
        update(Customer)
        .where(Customer.id == customer_id)
        .values(next_invoice_sequence=Customer.next_invoice_sequence + 1)
        .returning(Customer.invoice_prefix, Customer.next_invoice_sequence),
    ).one()
    prefix, following = row
    return f"{prefix}-{following - 1:04d}"


def _snapshot(ctx: Ctx, customer: Customer) -> dict[str, Any]:
    tax_ids = ctx.session.execute(
        select(TaxId.type, TaxId.value).where(TaxId.customer_id == customer.id).order_by(TaxId.pk),
    ).all()
    return {
        "address": customer.address,
        "email": customer.email,
        "name": customer.name,
        "phone": customer.phone,
        "shipping": customer.shipping,
        "tax_exempt": customer.tax_exempt,
        "tax_ids": [{"type": t, "value": v} for t, v in tax_ids],
    }


def balance_change(total: int, balance: int) -> tuple[int, int]:
    """``(change to the customer's balance, amount due)`` for an invoice of ``total``.

    A negative balance is credit: it pays the invoice down. A positive balance is money
    the customer owes: it is added to the invoice. A negative total becomes credit.
    """
    if total < 0:
        return total, 0
    if balance < 0:
        used = min(total, -balance)
        return used, total - used
    return -balance, total + balance


def applicable_balance(customer: Customer, currency: str) -> int:
    """The part of the customer's balance an invoice in ``currency`` uses (none in another currency)."""
    return customer.balance if customer.currency in (None, currency) else 0


def _apply_balance(ctx: Ctx, invoice: Invoice, customer: Customer) -> None:
    balance = applicable_balance(customer, invoice.currency)
    invoice.starting_balance = balance
    change, invoice.amount_due = balance_change(invoice.total, balance)
    invoice.ending_balance = balance
    if change:
        transaction = apply_balance_change(
            ctx,
            customer,
            change,
            invoice.currency,
            type_="applied_to_invoice",
            invoice_id=invoice.id,
        )
        invoice.ending_balance = transaction.ending_balance
    invoice.amount_remaining = invoice.amount_due


def finalize_invoice(ctx: Ctx, invoice: Invoice) -> Invoice:
    """Draft → open (or paid when nothing is due)."""
    if invoice.status != "draft":
        raise _state_error(invoice, "finalize")
    customer = get_customer(ctx, invoice.customer_id, param="customer", include_deleted=True)
    now = ctx.clock.now()
    invoice.number = _next_number(ctx, customer.id)
    ctx.session.refresh(customer)
    invoice.customer_snapshot = _snapshot(ctx, customer)
    _apply_balance(ctx, invoice, customer)
    invoice.status = "open"
    invoice.finalized_at = now
    if invoice.collection_method == "send_invoice" and invoice.due_date is None:
        invoice.due_date = now + dt.timedelta(days=30)
    ctx.session.flush()
    record_event(ctx, "invoice.finalized", invoice_payload(ctx, invoice))
    if invoice.amount_due == 0:
        mark_paid(ctx, invoice)
    return invoice


def mark_paid(ctx: Ctx, invoice: Invoice, *, amount: int | None = None) -> Invoice:
    """Record full payment and emit ``invoice.paid`` (and ``invoice.payment_succeeded``)."""
    before = invoice_payload(ctx, invoice)
    paid = invoice.amount_remaining if amount is None else amount
    invoice.amount_paid += paid
    invoice.amount_remaining = 0
    invoice.status = "paid"
    invoice.paid_at = ctx.clock.now()
    invoice.next_payment_attempt = None
    ctx.session.flush()
    after = invoice_payload(ctx, invoice)
    if invoice.attempted:
        record_event(ctx, "invoice.payment_succeeded", after, diff(before, after))
    record_event(ctx, "invoice.paid", after, diff(before, after))
    from billfold.subscriptions.status import on_invoice_paid

    on_invoice_paid(ctx, invoice)
    return invoice


def void_invoice(ctx: Ctx, invoice: Invoice) -> Invoice:
    """Open or uncollectible → void; gives back any customer balance it consumed."""
    if invoice.status not in {"open", "uncollectible"}:
        raise _state_error(invoice, "void")
    before = invoice_payload(ctx, invoice)
    consumed = (invoice.starting_balance or 0) - (invoice.ending_balance or 0)
    if consumed:
        apply_balance_change(
            ctx, invoice.customer_id, consumed, invoice.currency, type_="unapplied_from_invoice", invoice_id=invoice.id
        )
    invoice.status = "void"
    invoice.voided_at = ctx.clock.now()
    invoice.amount_remaining = 0
    invoice.next_payment_attempt = None
    ctx.session.flush()
    after = invoice_payload(ctx, invoice)
    record_event(ctx, "invoice.voided", after, diff(before, after))
    return invoice


def mark_uncollectible(ctx: Ctx, invoice: Invoice) -> Invoice:
    """Open → uncollectible (still payable later)."""
    if invoice.status != "open":
        raise _state_error(invoice, "mark_uncollectible")
    before = invoice_payload(ctx, invoice)
    invoice.status = "uncollectible"
    invoice.marked_uncollectible_at = ctx.clock.now()
    invoice.next_payment_attempt = None
    ctx.session.flush()
    after = invoice_payload(ctx, invoice)
    record_event(ctx, "invoice.marked_uncollectible", after, diff(before, after))
    return invoice


def send_invoice(ctx: Ctx, invoice: Invoice) -> Invoice:
    """Mark an open ``send_invoice`` invoice as sent (email delivery comes with the mailer)."""
    if invoice.status != "open":
        raise _state_error(invoice, "send")
    if invoice.collection_method != "send_invoice":
        raise InvalidRequestError(
            "You can only manually send an invoice if its collection method is 'send_invoice'.",
            param="collection_method",
        )
    record_event(ctx, "invoice.sent", invoice_payload(ctx, invoice))
    return invoice
