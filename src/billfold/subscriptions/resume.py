"""Resuming a paused subscription (``POST /v1/subscriptions/{id}/resume``).

``billing_cycle_anchor[type]=now`` (the default) starts a new period now and invoices it
at once, exactly as an update with ``billing_cycle_anchor=now`` does (nothing is
credited: a paused subscription was not billed for its pause). ``unchanged`` keeps the
cycle: the period containing now is charged from the resumption on, as prorations per
``proration_behavior`` (pending items by default, an invoice with ``always_invoice``,
nothing with ``none``). ``payment_behavior=resume_on_payment_success`` undoes the whole
resumption when the payment fails (a 402); ``resume_on_payment_attempt`` (the default)
resumes anyway and the failed invoice makes the subscription past due.
Emits ``customer.subscription.resumed``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from billfold.clock import from_unix
from billfold.context import Ctx
from billfold.errors import InvalidRequestError
from billfold.events import diff, record_event
from billfold.invoices.items import create_pending_items
from billfold.models import Subscription
from billfold.payments import PaymentGateway
from billfold.subscriptions.lines import ItemTerms, product_names, proration_lines
from billfold.subscriptions.periods import period_containing
from billfold.subscriptions.queries import live_items, subscription_payload
from billfold.subscriptions.update import _invoice_now, update_subscription

__all__ = ["resume_subscription"]


def _current_period(ctx: Ctx, sub: Subscription) -> None:
    """Move the period to the one of the unchanged cycle that contains now."""
    now = ctx.clock.now()
    if sub.current_period_start <= now < sub.current_period_end:
        return
    items = live_items(ctx, sub.id)
    price = items[0][1]
    start, end = period_containing(
        sub.billing_cycle_anchor,
        price.recurring_interval or "month",
        price.recurring_interval_count or 1,
        now,
    )
    sub.current_period_start, sub.current_period_end = start, end
    for item, _price in items:
        item.current_period_start, item.current_period_end = start, end
    ctx.session.flush()


def _resumed_at(ctx: Ctx, sub: Subscription, data: dict[str, Any]) -> dt.datetime:
    if data.get("proration_date") is None:
        return ctx.clock.now()
    at = from_unix(data["proration_date"])
    if not sub.current_period_start <= at < sub.current_period_end:
        raise InvalidRequestError(
            "proration_date must fall within the subscription's current billing period.",
            param="proration_date",
        )
    return at


def _resume_in_cycle(
    ctx: Ctx, gateway: PaymentGateway, sub: Subscription, data: dict[str, Any], payment_behavior: str
) -> None:
    _current_period(ctx, sub)
    at = _resumed_at(ctx, sub, data)
    behavior = data.get("proration_behavior") or "create_prorations"
    if behavior == "none":
        return
    items = live_items(ctx, sub.id)
    names = product_names(ctx, [price for _, price in items])
    lines = []
    for item, price in items:
        lines += proration_lines(
            None,
            ItemTerms(item.id, price, item.quantity),
            names,
            at=at,
            period_start=sub.current_period_start,
            period_end=sub.current_period_end,
            subscription_id=sub.id,
        )
    lines = [line for line in lines if line.amount != 0]
    if not lines:
        return
    if behavior == "always_invoice":
        _invoice_now(ctx, gateway, sub, lines, payment_behavior, collect=True)
    else:
        create_pending_items(ctx, sub.customer_id, lines)


def resume_subscription(ctx: Ctx, gateway: PaymentGateway, sub: Subscription, data: dict[str, Any]) -> Subscription:
    """``paused`` → ``active``, billing as ``billing_cycle_anchor`` says."""
    if sub.status != "paused":
        raise InvalidRequestError(
            f"Only a paused subscription can be resumed; this subscription is {sub.status}.",
        )
    before = subscription_payload(ctx, sub)
    anchor = (data.get("billing_cycle_anchor") or {}).get("type") or "now"
    payment_behavior = (
        "error_if_incomplete" if data.get("payment_behavior") == "resume_on_payment_success" else "allow_incomplete"
    )
    sub.status = "active"
    ctx.session.flush()
    if anchor == "now":
        update_subscription(
            ctx,
            gateway,
            sub,
            {"billing_cycle_anchor": "now", "proration_behavior": "none", "payment_behavior": payment_behavior},
        )
    else:
        _resume_in_cycle(ctx, gateway, sub, data, payment_behavior)
    after = subscription_payload(ctx, sub)
    record_event(ctx, "customer.subscription.resumed", after, diff(before, after))
    return sub
