"""Paying an open invoice through the gateway, recording every attempt."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from billfold.context import Ctx
from billfold.errors import BillfoldError, CardError, InvalidRequestError
from billfold.events import diff, record_event
from billfold.invoices.lifecycle import mark_paid
from billfold.invoices.queries import invoice_payload
from billfold.models import Customer, Invoice, PaymentMethod, Subscription
from billfold.payments import PaymentGateway, charge_invoice_attempt, decline_for, require_attached_payment_method

__all__ = ["PaymentOutcome", "pay_invoice", "payment_method_for", "payment_method_for_customer", "record_declined_card"]


@dataclass(frozen=True, slots=True)
class PaymentOutcome:
    """What happened when we tried to collect an invoice."""

    paid: bool
    error: BillfoldError | None = None


def payment_method_for(ctx: Ctx, invoice: Invoice) -> str | None:
    """The invoice's, else its subscription's, else the customer's default payment method."""
    if invoice.default_payment_method_id:
        return invoice.default_payment_method_id
    if invoice.subscription_id:
        found = ctx.session.scalar(
            select(Subscription.default_payment_method_id).where(Subscription.id == invoice.subscription_id),
        )
        if found:
            return found
    return payment_method_for_customer(ctx, invoice.customer_id)


def payment_method_for_customer(ctx: Ctx, customer_id: str) -> str | None:
    """The customer's default payment method for invoices, if set."""
    settings = ctx.session.scalar(select(Customer.invoice_settings).where(Customer.id == customer_id))
    return (settings or {}).get("default_payment_method")


def _no_payment_method() -> InvalidRequestError:
    return InvalidRequestError(
        "This customer has no attached payment source or default payment method. "
        "Please consider adding a default payment method.",
    )


def pay_invoice(
    ctx: Ctx,
    gateway: PaymentGateway,
    invoice: Invoice,
    *,
    payment_method_id: str | None = None,
    paid_out_of_band: bool = False,
) -> PaymentOutcome:
    """Try to collect ``invoice``; a decline is recorded and returned, not raised."""
    if invoice.status not in {"open", "uncollectible"}:
        raise InvalidRequestError(
            f"Invoice is already {invoice.status}.",
            code="invoice_not_editable" if invoice.status == "draft" else "status_transition_invalid",
        )
    if paid_out_of_band or invoice.amount_remaining == 0:
        mark_paid(ctx, invoice)
        return PaymentOutcome(paid=True)
    pm_id = payment_method_id or payment_method_for(ctx, invoice)
    if pm_id is None:
        return _failed(ctx, invoice, None, _no_payment_method())
    method: PaymentMethod = require_attached_payment_method(
        ctx,
        invoice.customer_id,
        pm_id,
        param="payment_method" if payment_method_id else "default_payment_method",
    )
    result = charge_invoice_attempt(
        ctx,
        gateway,
        invoice_id=invoice.id,
        payment_method=method,
        amount=invoice.amount_remaining,
        currency=invoice.currency,
        attempt_number=invoice.attempt_count + 1,
    )
    invoice.attempt_count += 1
    invoice.attempted = True
    if result.succeeded:
        invoice.last_payment_error = None
        mark_paid(ctx, invoice)
        return PaymentOutcome(paid=True)
    decline = decline_for(result.decline_code or "generic_decline")
    error = CardError(result.message or decline.message, code=decline.code, decline_code=decline.decline_code)
    return _failed(ctx, invoice, method.id, error)


def record_declined_card(ctx: Ctx, invoice: Invoice, payment_method_id: str, error: BillfoldError) -> PaymentOutcome:
    """A card offered to pay ``invoice`` (the hosted page) was declined before it could be charged.

    That is a failed payment attempt like a declined charge: counted, recorded, announced.
    """
    invoice.attempt_count += 1
    invoice.attempted = True
    return _failed(ctx, invoice, payment_method_id, error)


def _failed(ctx: Ctx, invoice: Invoice, pm_id: str | None, error: BillfoldError) -> PaymentOutcome:
    before = invoice_payload(ctx, invoice)
    if pm_id is None:
        invoice.attempt_count += 1
        invoice.attempted = True
    invoice.last_payment_error = {**error.to_dict(), "payment_method": pm_id}
    ctx.session.flush()
    after = invoice_payload(ctx, invoice)
    record_event(ctx, "invoice.payment_failed", after, diff(before, after))
    from billfold.subscriptions.status import on_invoice_payment_failed

    on_invoice_payment_failed(ctx, invoice)
    return PaymentOutcome(paid=False, error=error)
