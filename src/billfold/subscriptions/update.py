"""Updating a subscription: items, prorations, anchor resets, and the other settings.

``proration_behavior`` (default ``create_prorations``) decides what a mid-period
change of price or quantity bills: pending invoice items for the next invoice,
an invoice right away (``always_invoice``), or nothing (``none``). Changing the
billing interval or ``billing_cycle_anchor=now`` starts a new period now and invoices
it at once, crediting unused time on the old items (as Stripe does).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from billfold.clock import from_unix
from billfold.context import Ctx
from billfold.customers.queries import get_customer
from billfold.errors import InvalidRequestError
from billfold.events import diff, record_event
from billfold.ids import new_id
from billfold.invoices.builder import DraftLine, create_invoice
from billfold.invoices.items import create_pending_items
from billfold.invoices.lifecycle import finalize_invoice
from billfold.invoices.payment import pay_invoice
from billfold.models import Invoice, Price, Subscription, SubscriptionItem
from billfold.payments import PaymentGateway
from billfold.subscriptions.changes import ItemChange, plan_item_changes
from billfold.subscriptions.items import add_invoice_items
from billfold.subscriptions.lines import ItemTerms, period_lines, product_names, proration_lines
from billfold.subscriptions.periods import period_start
from billfold.subscriptions.queries import live_items, subscription_payload
from billfold.subscriptions.settings import apply_settings
from billfold.test_clocks.clock import on_test_clock

__all__ = ["UpdateResult", "update_subscription"]

_ENDED = {"canceled", "incomplete_expired"}
_ENDED_ALLOWED = {"cancellation_details", "metadata"}


class UpdateResult:
    """The updated subscription and, if the update billed at once, its invoice."""

    __slots__ = ("invoice", "subscription")

    def __init__(self, subscription: Subscription, invoice: Invoice | None) -> None:
        self.subscription = subscription
        self.invoice = invoice


def _proration_at(ctx: Ctx, sub: Subscription, data: dict[str, Any]) -> dt.datetime:
    if data.get("proration_date") is None:
        return ctx.clock.now()
    at = from_unix(data["proration_date"])
    if not sub.current_period_start <= at < sub.current_period_end:
        raise InvalidRequestError(
            "proration_date must fall within the subscription's current billing period.",
            param="proration_date",
        )
    return at


def _interval(price: Price) -> tuple[str, int]:
    return price.recurring_interval or "month", price.recurring_interval_count or 1


def _resets_anchor(sub: Subscription, changes: list[ItemChange], data: dict[str, Any]) -> bool:
    old = {_interval(c.old_price) for c in changes if c.old_price is not None}
    new = {_interval(c.new_price) for c in changes if c.new_price is not None}
    ends_trial = data.get("trial_end") == "now" and sub.status == "trialing"
    return data.get("billing_cycle_anchor") == "now" or (bool(old) and old != new) or ends_trial


def _terms(change: ItemChange, *, new: bool) -> ItemTerms | None:
    price = change.new_price if new else change.old_price
    quantity = change.new_quantity if new else change.old_quantity
    if price is None:
        return None
    return ItemTerms(change.item.id if change.item else "", price, quantity)


def _write_items(ctx: Ctx, sub: Subscription, changes: list[ItemChange]) -> None:
    now = ctx.clock.now()
    for change in changes:
        if change.item is None:
            if change.new_price is None:
                continue
            change.item = SubscriptionItem(
                id=new_id("si"),
                account_id=ctx.account_id,
                created=now,
                subscription_id=sub.id,
                price_id=change.new_price.id,
                quantity=change.new_quantity,
                current_period_start=sub.current_period_start,
                current_period_end=sub.current_period_end,
                metadata_=change.metadata or {},
            )
            ctx.session.add(change.item)
        elif change.new_price is None:
            change.item.deleted_at = now
        else:
            change.item.price_id = change.new_price.id
            change.item.quantity = change.new_quantity
            if change.metadata is not None:
                change.item.metadata_ = change.metadata
    ctx.session.flush()


def _prorations(ctx: Ctx, sub: Subscription, changes: list[ItemChange], at: dt.datetime) -> list[DraftLine]:
    names = product_names(ctx, [p for c in changes for p in (c.old_price, c.new_price) if p is not None])
    lines: list[DraftLine] = []
    for change in changes:
        if not change.changes_amount:
            continue
        lines += proration_lines(
            _terms(change, new=False),
            _terms(change, new=True),
            names,
            at=at,
            period_start=sub.current_period_start,
            period_end=sub.current_period_end,
            subscription_id=sub.id,
        )
    return [line for line in lines if line.amount != 0 or not line.proration]


def _with_item_ids(lines: list[DraftLine], changes: list[ItemChange]) -> list[DraftLine]:
    """New items get their ids only when written; fill them into their proration lines."""
    from dataclasses import replace

    ids = {c.new_price.id: c.item.id for c in changes if c.new_price is not None and c.item is not None}
    return [
        replace(line, subscription_item_id=line.subscription_item_id or ids.get(line.price_id or "")) for line in lines
    ]


def _reset_period(ctx: Ctx, sub: Subscription, now: dt.datetime) -> None:
    items = live_items(ctx, sub.id)
    interval, count = _interval(items[0][1])
    sub.billing_cycle_anchor = now
    sub.current_period_start = now
    sub.current_period_end = period_start(now, interval, count, 1)
    if sub.status == "trialing":
        sub.trial_end = now
    for item, _price in items:
        item.current_period_start, item.current_period_end = sub.current_period_start, sub.current_period_end
    ctx.session.flush()


def _invoice_now(
    ctx: Ctx,
    gateway: PaymentGateway,
    sub: Subscription,
    lines: list[DraftLine],
    behavior: str,
    *,
    collect: bool,
) -> Invoice:
    customer = get_customer(ctx, sub.customer_id, param="customer", include_deleted=True)
    now = ctx.clock.now()
    invoice = create_invoice(
        ctx,
        customer,
        currency=sub.currency,
        lines=lines,
        billing_reason="subscription_update",
        period_start=now,
        period_end=now,
        subscription_id=sub.id,
        collection_method=sub.collection_method,
        days_until_due=sub.days_until_due,
    )
    sub.latest_invoice_id = invoice.id
    if not collect:  # a preview: the draft as it would be finalized, nothing numbered or charged
        return invoice
    finalize_invoice(ctx, invoice)
    if (
        invoice.status == "open"
        and sub.collection_method == "charge_automatically"
        and behavior != "default_incomplete"
    ):
        outcome = pay_invoice(ctx, gateway, invoice)
        if not outcome.paid and outcome.error is not None and behavior == "error_if_incomplete":
            raise outcome.error
    return invoice


def update_subscription(
    ctx: Ctx,
    gateway: PaymentGateway,
    sub: Subscription,
    data: dict[str, Any],
    *,
    collect: bool = True,
) -> UpdateResult:
    """Apply ``data`` to ``sub``; emits ``customer.subscription.updated`` with what changed.

    ``collect=False`` (invoice previews) leaves an immediate invoice as a draft: it is
    neither finalized (no number, no balance applied) nor paid.
    """
    ctx = on_test_clock(ctx, sub.test_clock_id)  # a test clock's subscription lives at its time
    if sub.status in _ENDED and set(data) - _ENDED_ALLOWED:
        raise InvalidRequestError(
            "A canceled subscription can only update its cancellation_details and metadata.",
            param=min(set(data) - _ENDED_ALLOWED),
        )
    if sub.schedule_id is not None and (cancel := [k for k in ("cancel_at", "cancel_at_period_end") if k in data]):
        raise InvalidRequestError(
            f"The subscription is managed by the subscription schedule `{sub.schedule_id}`, and updating any "
            "cancelation behavior directly is not allowed. Please update the schedule instead.",
            param=cancel[0],
        )
    if data.get("payment_behavior") == "pending_if_incomplete":
        raise InvalidRequestError(
            "payment_behavior=pending_if_incomplete is not supported by Billfold; use allow_incomplete or "
            "error_if_incomplete.",
            param="payment_behavior",
        )
    before = subscription_payload(ctx, sub)
    behavior = data.get("proration_behavior") or "create_prorations"
    payment_behavior = data.get("payment_behavior") or "allow_incomplete"
    changes = plan_item_changes(ctx, live_items(ctx, sub.id), data.get("items") or [])
    at = _proration_at(ctx, sub, data)
    # Settings first (discounts, collection method, payment method…): an immediate invoice
    # made by this update must already see them, as on Stripe.
    apply_settings(ctx, sub, data)
    if data.get("add_invoice_items"):
        add_invoice_items(ctx, sub.customer_id, sub.id, data["add_invoice_items"])
    invoice = None
    if _resets_anchor(sub, changes, data):
        invoice = _update_resetting_anchor(
            ctx,
            gateway,
            sub,
            changes,
            at=at,
            behavior=behavior,
            payment_behavior=payment_behavior,
            collect=collect,
        )
    else:
        invoice = _update_in_period(
            ctx,
            gateway,
            sub,
            changes,
            at=at,
            behavior=behavior,
            payment_behavior=payment_behavior,
            collect=collect,
        )
    if collect and data.get("default_payment_method"):
        from billfold.jobs.dunning import pay_after_new_payment_method  # jobs imports subscriptions

        pay_after_new_payment_method(ctx, customer_id=sub.customer_id, subscription_id=sub.id)
    after = subscription_payload(ctx, sub)
    if after != before:
        record_event(ctx, "customer.subscription.updated", after, diff(before, after))
    return UpdateResult(sub, invoice)


def _update_in_period(
    ctx: Ctx,
    gateway: PaymentGateway,
    sub: Subscription,
    changes: list[ItemChange],
    *,
    at: dt.datetime,
    behavior: str,
    payment_behavior: str,
    collect: bool,
) -> Invoice | None:
    in_trial = sub.status == "trialing"
    lines = [] if behavior == "none" or in_trial else _prorations(ctx, sub, changes, at)
    _write_items(ctx, sub, changes)
    lines = _with_item_ids(lines, changes)
    if not lines:
        return None
    if behavior == "always_invoice":
        return _invoice_now(ctx, gateway, sub, lines, payment_behavior, collect=collect)
    create_pending_items(ctx, sub.customer_id, lines)
    return None


def _update_resetting_anchor(
    ctx: Ctx,
    gateway: PaymentGateway,
    sub: Subscription,
    changes: list[ItemChange],
    *,
    at: dt.datetime,
    behavior: str,
    payment_behavior: str,
    collect: bool,
) -> Invoice:
    now = ctx.clock.now()
    was_trialing = sub.status == "trialing"
    unused: list[DraftLine] = []
    if behavior != "none" and not was_trialing:
        # Unused time is credited from proration_date when given, as for in-period changes.
        unused = _prorations(ctx, sub, [_credit_only(c) for c in changes if c.old_price is not None], at)
    _write_items(ctx, sub, changes)
    _reset_period(ctx, sub, now)
    items = live_items(ctx, sub.id)
    names = product_names(ctx, [p for _, p in items])
    lines = unused + period_lines(items, names, sub.current_period_start, sub.current_period_end, sub.id)
    if was_trialing:
        sub.status = "active"
    return _invoice_now(ctx, gateway, sub, lines, payment_behavior, collect=collect)


def _credit_only(change: ItemChange) -> ItemChange:
    return ItemChange(change.item, change.old_price, change.old_quantity, None, 0, param=change.param)
