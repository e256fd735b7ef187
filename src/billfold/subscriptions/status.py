"""How invoice outcomes move a subscription's status (Stripe's transitions).

- first invoice paid: ``incomplete`` → ``active`` (or ``trialing`` if a trial runs);
- a renewal paid: ``past_due``/``unpaid`` → ``active``;
- first invoice failed: stays ``incomplete``; a renewal failed: ``active`` → ``past_due``.
"""

from __future__ import annotations

from sqlalchemy import select

from billfold.context import Ctx
from billfold.events import diff, record_event
from billfold.models import Invoice, Subscription

__all__ = ["on_invoice_paid", "on_invoice_payment_failed", "set_status"]


def _subscription(ctx: Ctx, invoice: Invoice) -> Subscription | None:
    if invoice.subscription_id is None:
        return None
    return ctx.session.scalars(
        select(Subscription).where(
            Subscription.id == invoice.subscription_id, Subscription.account_id == ctx.account_id
        ),
    ).one_or_none()


def set_status(ctx: Ctx, sub: Subscription, status: str) -> None:
    """Change status and emit ``customer.subscription.updated``."""
    if sub.status == status:
        return
    from billfold.subscriptions.queries import subscription_payload

    before = subscription_payload(ctx, sub)
    sub.status = status
    ctx.session.flush()
    after = subscription_payload(ctx, sub)
    record_event(ctx, "customer.subscription.updated", after, diff(before, after))


def on_invoice_paid(ctx: Ctx, invoice: Invoice) -> None:
    """A paid invoice makes its subscription current again."""
    sub = _subscription(ctx, invoice)
    if sub is None or sub.status in {"canceled", "incomplete_expired", "paused"}:
        return
    if sub.status in {"incomplete", "past_due", "unpaid"}:
        trialing = sub.trial_end is not None and sub.trial_end > ctx.clock.now()
        set_status(ctx, sub, "trialing" if trialing else "active")


def on_invoice_payment_failed(ctx: Ctx, invoice: Invoice) -> None:
    """A failed renewal makes the subscription past due; a failed first invoice leaves it incomplete."""
    sub = _subscription(ctx, invoice)
    if sub is None:
        return
    if sub.status == "active" and invoice.billing_reason in {"subscription_cycle", "subscription_update"}:
        set_status(ctx, sub, "past_due")
    from billfold.jobs.dunning import start_dunning  # jobs imports subscriptions

    start_dunning(ctx, invoice)
