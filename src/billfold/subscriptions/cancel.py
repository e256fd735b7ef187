"""Cancelling a subscription now (DELETE) and resuming a paused one."""

from __future__ import annotations

from typing import Any

from billfold.context import Ctx
from billfold.customers.queries import get_customer
from billfold.errors import InvalidRequestError
from billfold.events import diff, record_event
from billfold.invoices.builder import create_invoice, pending_items
from billfold.invoices.items import create_pending_items
from billfold.invoices.lifecycle import finalize_invoice
from billfold.invoices.payment import pay_invoice
from billfold.models import Subscription
from billfold.payments import PaymentGateway
from billfold.subscriptions.lines import ItemTerms, product_names, proration_lines
from billfold.subscriptions.queries import live_items, subscription_payload
from billfold.test_clocks.clock import on_test_clock

__all__ = ["cancel_subscription"]


def _unused_time_credit(ctx: Ctx, sub: Subscription) -> None:
    """Pending credits for the unused rest of the period (``prorate=true``)."""
    now = ctx.clock.now()
    if sub.status == "trialing" or not sub.current_period_start <= now < sub.current_period_end:
        return
    items = live_items(ctx, sub.id)
    names = product_names(ctx, [p for _, p in items])
    lines = []
    for item, price in items:
        lines += proration_lines(
            ItemTerms(item.id, price, item.quantity),
            None,
            names,
            at=now,
            period_start=sub.current_period_start,
            period_end=sub.current_period_end,
            subscription_id=sub.id,
        )
    lines = [line for line in lines if line.amount != 0]
    if lines:
        create_pending_items(ctx, sub.customer_id, lines)


def _final_invoice(ctx: Ctx, gateway: PaymentGateway, sub: Subscription, *, collect: bool) -> None:
    if not pending_items(ctx, sub.customer_id, sub.currency, sub.id):
        return  # nothing to bill: Stripe makes no empty final invoice
    customer = get_customer(ctx, sub.customer_id, param="customer", include_deleted=True)
    now = ctx.clock.now()
    invoice = create_invoice(
        ctx,
        customer,
        currency=sub.currency,
        lines=[],
        billing_reason="subscription_update",
        period_start=now,
        period_end=now,
        subscription_id=sub.id,
        collection_method=sub.collection_method,
        days_until_due=sub.days_until_due,
    )
    sub.latest_invoice_id = invoice.id
    if not collect:  # a preview: leave the final invoice a draft, nothing numbered or charged
        return
    finalize_invoice(ctx, invoice)
    if invoice.status == "open" and sub.collection_method == "charge_automatically":
        pay_invoice(ctx, gateway, invoice)


def cancel_subscription(
    ctx: Ctx,
    gateway: PaymentGateway,
    sub: Subscription,
    data: dict[str, Any],
    *,
    collect: bool = True,
) -> Subscription:
    """End ``sub`` now; ``prorate`` credits unused time, ``invoice_now`` bills what is pending.

    ``collect=False`` (invoice previews) leaves the final invoice a draft.
    """
    ctx = on_test_clock(ctx, sub.test_clock_id)  # a test clock's subscription lives at its time
    if sub.status in {"canceled", "incomplete_expired"}:
        raise InvalidRequestError(
            f"This subscription is already {sub.status.replace('_', ' ')} and cannot be canceled again.",
            param="subscription",
        )
    before = subscription_payload(ctx, sub)
    if data.get("prorate"):
        _unused_time_credit(ctx, sub)
    now = ctx.clock.now()
    sub.status = "canceled"
    sub.canceled_at = now
    sub.ended_at = now
    details = {"comment": None, "feedback": None, **(sub.cancellation_details or {})}
    details.update(data.get("cancellation_details") or {})
    details["reason"] = "cancellation_requested"
    sub.cancellation_details = details
    ctx.session.flush()
    if data.get("invoice_now"):
        _final_invoice(ctx, gateway, sub, collect=collect)
    after = subscription_payload(ctx, sub)
    record_event(ctx, "customer.subscription.deleted", after, diff(before, after))
    if sub.schedule_id is not None:
        from billfold.schedules import on_subscription_canceled  # here: schedules build on subscriptions

        on_subscription_canceled(ctx, sub)  # a schedule managing it is canceled with it
    return sub
