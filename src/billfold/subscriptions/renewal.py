"""What time does to a subscription.

Renewals, trial ends, scheduled cancellations, pause resumes and expiring incomplete
subscriptions.

:func:`advance_subscription` brings one subscription up to ``ctx.clock.now()``, one
step at a time, and is what the worker and test clocks call. Each cycle invoice has a
``renewal_key`` of (subscription, period start) that is unique in the database, so a
renewal that runs twice — two workers, or a retry after a crash — bills once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from sqlalchemy import exists, select

from billfold.clock import to_unix
from billfold.context import Ctx
from billfold.customers.queries import get_customer
from billfold.events import diff, record_event
from billfold.invoices.builder import create_invoice
from billfold.invoices.lifecycle import finalize_invoice, mark_uncollectible, void_invoice
from billfold.invoices.payment import pay_invoice, payment_method_for_customer
from billfold.models import Invoice, Subscription
from billfold.money import prorate
from billfold.payments import PaymentGateway
from billfold.subscriptions.lines import period_lines, product_names
from billfold.subscriptions.periods import step
from billfold.subscriptions.queries import live_items, subscription_payload

__all__ = ["advance_subscription", "renew_once", "renewal_key"]

INCOMPLETE_LIFETIME = dt.timedelta(hours=23)
_ENDED = {"canceled", "incomplete_expired"}


def renewal_key(sub: Subscription, period_start: dt.datetime) -> str:
    """The idempotency key of the cycle invoice for the period starting at ``period_start``."""
    return f"{sub.id}:{to_unix(period_start)}"


def _end(ctx: Ctx, sub: Subscription, at: dt.datetime, reason: str = "cancellation_requested") -> None:
    before = subscription_payload(ctx, sub)
    sub.status = "canceled"
    sub.canceled_at = sub.canceled_at or at
    sub.ended_at = at
    sub.cancellation_details = {"comment": None, "feedback": None, **(sub.cancellation_details or {}), "reason": reason}
    ctx.session.flush()
    after = subscription_payload(ctx, sub)
    record_event(ctx, "customer.subscription.deleted", after, diff(before, after))


def _expire_incomplete(ctx: Ctx, sub: Subscription) -> bool:
    if sub.status != "incomplete" or sub.created + INCOMPLETE_LIFETIME > ctx.clock.now():
        return False
    before = subscription_payload(ctx, sub)
    invoice = ctx.session.get(Invoice, _invoice_pk(ctx, sub.latest_invoice_id)) if sub.latest_invoice_id else None
    if invoice is not None and invoice.status == "open":
        void_invoice(ctx, invoice)
    sub.status = "incomplete_expired"
    sub.ended_at = sub.created + INCOMPLETE_LIFETIME
    ctx.session.flush()
    after = subscription_payload(ctx, sub)
    record_event(ctx, "customer.subscription.updated", after, diff(before, after))
    return True


def _invoice_pk(ctx: Ctx, invoice_id: str | None) -> int | None:
    return ctx.session.scalar(select(Invoice.pk).where(Invoice.id == invoice_id))


def _trial_without_payment_method(ctx: Ctx, sub: Subscription) -> bool:
    """Trial over and no way to pay: pause or cancel if the trial settings say so."""
    behavior = ((sub.trial_settings or {}).get("end_behavior") or {}).get("missing_payment_method", "create_invoice")
    if behavior == "create_invoice" or sub.default_payment_method_id:
        return False
    if payment_method_for_customer(ctx, sub.customer_id):
        return False
    if behavior == "cancel":
        _end(ctx, sub, sub.current_period_end, reason="cancellation_requested")
        return True
    before = subscription_payload(ctx, sub)
    sub.status = "paused"
    ctx.session.flush()
    after = subscription_payload(ctx, sub)
    record_event(ctx, "customer.subscription.paused", after, diff(before, after))
    record_event(ctx, "customer.subscription.updated", after, diff(before, after))
    return True


def _collect(ctx: Ctx, gateway: PaymentGateway, sub: Subscription, invoice: Invoice) -> None:
    pause = sub.pause_collection
    if pause:
        if pause["behavior"] == "keep_as_draft":
            return
        finalize_invoice(ctx, invoice)
        if invoice.status == "open":
            (void_invoice if pause["behavior"] == "void" else mark_uncollectible)(ctx, invoice)
        return
    finalize_invoice(ctx, invoice)
    if invoice.status == "open" and sub.collection_method == "charge_automatically":
        pay_invoice(ctx, gateway, invoice)


def _resume_collection(sub: Subscription, boundary: dt.datetime) -> None:
    pause = sub.pause_collection
    if pause and pause.get("resumes_at") is not None and pause["resumes_at"] <= to_unix(boundary):
        sub.pause_collection = None


def renew_once(ctx: Ctx, gateway: PaymentGateway, sub: Subscription, *, collect: bool = True) -> Invoice | None:
    """Bill the period that starts at the current period's end; the cycle invoice, unless it existed.

    ``collect=False`` (invoice previews) leaves the cycle invoice a draft, neither finalized nor paid.
    """
    boundary = sub.current_period_end
    items = live_items(ctx, sub.id)
    price = items[0][1]
    new_end = step(
        boundary, sub.billing_cycle_anchor, price.recurring_interval or "month", price.recurring_interval_count or 1
    )
    key = renewal_key(sub, boundary)
    already = ctx.session.scalar(select(exists().where(Invoice.renewal_key == key)))
    before = subscription_payload(ctx, sub)
    old_start = sub.current_period_start
    sub.current_period_start, sub.current_period_end = boundary, new_end
    if sub.status == "trialing":
        sub.status = "active"
    for item, _price in items:
        item.current_period_start, item.current_period_end = boundary, new_end
    _resume_collection(sub, boundary)
    ctx.session.flush()
    invoice = None
    if not already:
        customer = get_customer(ctx, sub.customer_id, param="customer", include_deleted=True)
        lines = period_lines(items, product_names(ctx, [p for _, p in items]), boundary, new_end, sub.id)
        if sub.cancel_at is not None and boundary < sub.cancel_at < new_end:
            # Ending inside the new period bills only its share of it, as a proration (Stripe's cancel_at).
            share, length = int((sub.cancel_at - boundary).total_seconds()), int((new_end - boundary).total_seconds())
            lines = [
                replace(line, amount=prorate(line.amount, share, length), period_end=sub.cancel_at, proration=True)
                for line in lines
            ]
        invoice = create_invoice(
            ctx,
            customer,
            currency=sub.currency,
            lines=lines,
            billing_reason="subscription_cycle",
            period_start=old_start,
            period_end=boundary,
            subscription_id=sub.id,
            collection_method=sub.collection_method,
            days_until_due=sub.days_until_due,
            renewal_key=key,
        )
        sub.latest_invoice_id = invoice.id
        if collect:
            _collect(ctx, gateway, sub, invoice)
    after = subscription_payload(ctx, sub)
    record_event(ctx, "customer.subscription.updated", after, diff(before, after))
    return invoice


def _schedule_transition(ctx: Ctx, gateway: PaymentGateway, sub: Subscription) -> bool:
    """Run a phase change (or the end) of ``sub``'s schedule that is due by this period's end."""
    from billfold.schedules import apply_due_transition  # here: schedules build on subscriptions

    return apply_due_transition(ctx, gateway, sub)


def advance_subscription(ctx: Ctx, gateway: PaymentGateway, sub: Subscription, *, max_steps: int = 1_000) -> int:
    """Do everything due for ``sub`` up to now; returns how many steps were taken."""
    now = ctx.clock.now()
    steps = 0
    while steps < max_steps and sub.status not in _ENDED:
        if _expire_incomplete(ctx, sub):
            return steps + 1
        if sub.schedule_id is not None and _schedule_transition(ctx, gateway, sub):
            steps += 1
            continue
        if sub.cancel_at is not None and sub.cancel_at <= now and sub.cancel_at <= sub.current_period_end:
            _end(ctx, sub, sub.cancel_at)
            return steps + 1
        if sub.current_period_end > now or sub.status in {"incomplete", "paused"}:
            return steps
        if sub.cancel_at_period_end:
            _end(ctx, sub, sub.current_period_end)
            return steps + 1
        if sub.status == "trialing" and _trial_without_payment_method(ctx, sub):
            return steps + 1
        renew_once(ctx, gateway, sub)
        steps += 1
    return steps
