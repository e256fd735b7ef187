"""Creating a subscription: items, trial, anchor, discounts, first invoice, first payment."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from billfold.catalog.pricing import amount_for_quantity
from billfold.clock import from_unix
from billfold.context import Ctx
from billfold.customers.queries import get_customer
from billfold.errors import InvalidRequestError
from billfold.events import record_event
from billfold.ids import new_id
from billfold.invoices.builder import DraftLine, create_invoice
from billfold.invoices.lifecycle import finalize_invoice
from billfold.invoices.payment import pay_invoice
from billfold.models import Customer, Invoice, Price, Subscription, SubscriptionItem
from billfold.money import prorate
from billfold.payments import PaymentGateway, require_attached_payment_method
from billfold.subscriptions.discounts import apply_discounts
from billfold.subscriptions.items import ResolvedItem, add_invoice_items, check_compatible, resolve_price
from billfold.subscriptions.lines import period_lines, product_names, trial_lines
from billfold.subscriptions.periods import period_containing, period_start
from billfold.subscriptions.queries import subscription_payload
from billfold.subscriptions.status import set_status
from billfold.test_clocks.clock import on_test_clock

__all__ = ["create_subscription"]


def _items(ctx: Ctx, data: dict[str, Any]) -> list[ResolvedItem]:
    entries = data.get("items") or []
    if not entries:
        raise InvalidRequestError("Missing required param: items.", code="parameter_missing", param="items")
    resolved = []
    for index, entry in enumerate(entries):
        price = resolve_price(ctx, entry, f"items[{index}]")
        resolved.append(ResolvedItem(price, entry.get("quantity", 1), entry.get("metadata") or {}))
    check_compatible([(r.price, f"items[{i}][price]") for i, r in enumerate(resolved)])
    return resolved


def _trial_end(data: dict[str, Any], prices: list[Price], now: dt.datetime) -> dt.datetime | None:
    if data.get("trial_end") is not None:
        if data["trial_end"] == "now":
            return None
        end = from_unix(int(data["trial_end"]))
        if end <= now:
            raise InvalidRequestError("Invalid timestamp: must be in the future.", param="trial_end")
        if end > now + dt.timedelta(days=730):
            raise InvalidRequestError("trial_end can be at most two years in the future.", param="trial_end")
        return end
    days = data.get("trial_period_days")
    if days is None and data.get("trial_from_plan"):
        days = max((p.recurring_trial_period_days or 0 for p in prices), default=0) or None
    return now + dt.timedelta(days=days) if days else None


def _anchor(data: dict[str, Any], start: dt.datetime, trial_end: dt.datetime | None, price: Price) -> dt.datetime:
    if data.get("billing_cycle_anchor") is None:
        return trial_end or start
    anchor = from_unix(int(data["billing_cycle_anchor"]))
    limit = period_start(
        trial_end or start, price.recurring_interval or "month", price.recurring_interval_count or 1, 1
    )
    if anchor < (trial_end or start) or anchor > limit:
        raise InvalidRequestError(
            "billing_cycle_anchor must be in the future and within one billing period of the start "
            "(or of the trial's end).",
            param="billing_cycle_anchor",
        )
    return anchor


def _check_payment_setup(ctx: Ctx, customer: Customer, data: dict[str, Any]) -> None:
    if data.get("default_payment_method"):
        require_attached_payment_method(
            ctx, customer.id, data["default_payment_method"], param="default_payment_method"
        )
    if data.get("collection_method") == "send_invoice" and data.get("days_until_due") is None:
        raise InvalidRequestError(
            "Missing required param: days_until_due (required with collection_method=send_invoice).",
            code="parameter_missing",
            param="days_until_due",
        )
    if data.get("days_until_due") is not None and data.get("collection_method") != "send_invoice":
        raise InvalidRequestError(
            "days_until_due can only be set when collection_method is send_invoice.",
            param="days_until_due",
        )
    if data.get("payment_behavior") == "pending_if_incomplete":
        raise InvalidRequestError(
            "payment_behavior=pending_if_incomplete is only available when updating a subscription.",
            param="payment_behavior",
        )


def _subscription_row(
    ctx: Ctx,
    customer: Customer,
    data: dict[str, Any],
    *,
    currency: str,
    start: dt.datetime,
    anchor: dt.datetime,
    period: tuple[dt.datetime, dt.datetime],
    trial_end: dt.datetime | None,
) -> Subscription:
    now = ctx.clock.now()
    cancel_at = from_unix(data["cancel_at"]) if isinstance(data.get("cancel_at"), int) else None
    if cancel_at is not None and cancel_at <= now:
        raise InvalidRequestError("cancel_at must be in the future.", param="cancel_at")
    return Subscription(
        id=new_id("sub"),
        account_id=ctx.account_id,
        created=now,
        customer_id=customer.id,
        status="trialing" if trial_end else "incomplete",
        currency=currency,
        collection_method=data.get("collection_method") or "charge_automatically",
        days_until_due=data.get("days_until_due"),
        default_payment_method_id=data.get("default_payment_method"),
        description=data.get("description"),
        billing_cycle_anchor=anchor,
        start_date=start,
        current_period_start=period[0],
        current_period_end=period[1],
        cancel_at=cancel_at,
        cancel_at_period_end=bool(data.get("cancel_at_period_end")),
        trial_start=now if trial_end else None,
        trial_end=trial_end,
        trial_settings=data.get("trial_settings"),
        pause_collection=data.get("pause_collection"),
        on_behalf_of=data.get("on_behalf_of"),
        test_clock_id=customer.test_clock_id,
        metadata_=data.get("metadata") or {},
    )


def _first_lines(
    ctx: Ctx, sub: Subscription, items: list[tuple[SubscriptionItem, Price]], *, prorate_partial: bool
) -> list[DraftLine]:
    names = product_names(ctx, [p for _, p in items])
    start, end = sub.current_period_start, sub.current_period_end
    if sub.trial_end is not None:
        return trial_lines(items, names, start, end, sub.id)
    lines = period_lines(items, names, start, end, sub.id)
    if end == sub.billing_cycle_anchor and start < end:
        # A partial first period up to a future anchor: charge its share of a full period.
        price = items[0][1]
        full_start = period_start(end, price.recurring_interval or "month", price.recurring_interval_count or 1, -1)
        length = int((end - full_start).total_seconds())
        share = int((end - start).total_seconds())
        lines = [
            replace(line, amount=prorate(line.amount, share, length) if prorate_partial else 0, proration=True)
            for line in lines
        ]
    return lines


def create_subscription(
    ctx: Ctx,
    gateway: PaymentGateway,
    data: dict[str, Any],
    *,
    collect: bool = True,
) -> Subscription:
    """Create the subscription and its first invoice, and try to collect it per ``payment_behavior``.

    ``collect=False`` (invoice previews) leaves the first invoice a draft, neither finalized nor paid.
    """
    customer = get_customer(ctx, data["customer"], param="customer")
    ctx = on_test_clock(ctx, customer.test_clock_id)  # a test clock's customer lives at its time
    resolved = _items(ctx, data)
    _check_payment_setup(ctx, customer, data)
    now = ctx.clock.now()
    first = resolved[0].price
    interval, count = first.recurring_interval or "month", first.recurring_interval_count or 1
    start = from_unix(data["backdate_start_date"]) if data.get("backdate_start_date") else now
    if start > now:
        raise InvalidRequestError("backdate_start_date must be in the past.", param="backdate_start_date")
    trial_end = _trial_end(data, [r.price for r in resolved], now)
    anchor = _anchor(data, start, trial_end, first)
    if trial_end is not None:
        period = (start, trial_end)
    elif anchor > now:
        period = (start, anchor)
    else:
        period = period_containing(anchor, interval, count, now)
        period = (min(period[0], start), period[1])
    sub = _subscription_row(
        ctx, customer, data, currency=first.currency, start=start, anchor=anchor, period=period, trial_end=trial_end
    )
    ctx.session.add(sub)
    ctx.session.flush()
    items = _create_items(ctx, sub, resolved)
    full_amount = sum(amount_for_quantity(p, i.quantity) for i, p in items)
    if data.get("discounts"):
        apply_discounts(
            ctx,
            data["discounts"],
            customer_id=customer.id,
            subscription_id=sub.id,
            amount=full_amount,
            currency=sub.currency,
        )
    record_event(ctx, "customer.subscription.created", subscription_payload(ctx, sub))
    if data.get("add_invoice_items"):
        add_invoice_items(ctx, customer.id, sub.id, data["add_invoice_items"])
    lines = _first_lines(ctx, sub, items, prorate_partial=data.get("proration_behavior") != "none")
    invoice = create_invoice(
        ctx,
        customer,
        currency=sub.currency,
        lines=lines,
        billing_reason="subscription_create",
        period_start=now,
        period_end=now,
        subscription_id=sub.id,
        collection_method=sub.collection_method,
        days_until_due=sub.days_until_due,
        default_payment_method_id=None,
    )
    sub.latest_invoice_id = invoice.id
    if not collect:
        return sub
    finalize_invoice(ctx, invoice)
    _collect_first(ctx, gateway, sub, invoice, data.get("payment_behavior") or "allow_incomplete")
    return sub


def _create_items(ctx: Ctx, sub: Subscription, resolved: list[ResolvedItem]) -> list[tuple[SubscriptionItem, Price]]:
    items = []
    for entry in resolved:
        item = SubscriptionItem(
            id=new_id("si"),
            account_id=ctx.account_id,
            created=sub.created,
            subscription_id=sub.id,
            price_id=entry.price.id,
            quantity=entry.quantity,
            current_period_start=sub.current_period_start,
            current_period_end=sub.current_period_end,
            metadata_=entry.metadata,
        )
        ctx.session.add(item)
        items.append((item, entry.price))
    ctx.session.flush()
    return items


def _collect_first(ctx: Ctx, gateway: PaymentGateway, sub: Subscription, invoice: Invoice, behavior: str) -> None:
    """Collect the first invoice as ``payment_behavior`` says.

    A failed first payment leaves the subscription ``incomplete`` or, with
    ``error_if_incomplete``, fails the whole request (nothing is created).
    """
    if invoice.status == "paid":
        return
    if sub.collection_method == "send_invoice":
        set_status(ctx, sub, "active")
        return
    if behavior == "default_incomplete":
        return
    outcome = pay_invoice(ctx, gateway, invoice)
    if not outcome.paid and outcome.error is not None and behavior == "error_if_incomplete":
        raise outcome.error
