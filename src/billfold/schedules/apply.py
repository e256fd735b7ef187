"""Applying a phase to the schedule's subscription.

The schedule's first phase creates the subscription (:func:`start_subscription`); every
later phase changes it through :func:`billfold.subscriptions.update.update_subscription`
(:func:`apply_phase`), so items, prorations, anchors and events follow the same rules as
an API update. Callers pass a ``ctx`` whose clock reads the transition's instant.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from billfold.catalog.pricing import amount_for_quantity
from billfold.clock import from_unix, to_unix
from billfold.context import Ctx
from billfold.customers.queries import get_customer
from billfold.errors import InvalidRequestError
from billfold.events import diff, record_event
from billfold.invoices.builder import create_invoice
from billfold.invoices.lifecycle import finalize_invoice
from billfold.models import Coupon, Discount, Price, Subscription, SubscriptionSchedule
from billfold.payments import PaymentGateway
from billfold.subscriptions.create import create_subscription
from billfold.subscriptions.discounts import apply_discounts
from billfold.subscriptions.lines import product_names, trial_lines
from billfold.subscriptions.queries import live_items, subscription_payload
from billfold.subscriptions.update import update_subscription

__all__ = ["apply_phase", "phase_terms", "start_subscription", "sync_cancel_at"]


def _setting(schedule: SubscriptionSchedule, phase: dict[str, Any], key: str) -> Any:  # noqa: ANN401 - JSON value
    value = phase.get(key)
    return value if value is not None else schedule.default_settings.get(key)


def _settings(schedule: SubscriptionSchedule, phase: dict[str, Any]) -> dict[str, Any]:
    """The subscription settings a phase sets (its own, else the schedule's defaults)."""
    method = _setting(schedule, phase, "collection_method") or "charge_automatically"
    data: dict[str, Any] = {"collection_method": method}
    if method == "send_invoice":
        data["days_until_due"] = _setting(schedule, phase, "days_until_due")
    for key in ("default_payment_method", "description"):
        if _setting(schedule, phase, key) is not None:
            data[key] = _setting(schedule, phase, key)
    return data


def _item(entry: dict[str, Any]) -> dict[str, Any]:
    # A phase may use an inactive price (made from price_data, or archived since), as in Stripe.
    return {
        "price": entry["price"],
        "quantity": entry["quantity"],
        "metadata": entry.get("metadata") or {},
        "allow_inactive": True,
    }


def _coupon_entries(phase: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"coupon": d["coupon"]} if d.get("coupon") else {"promotion_code": d["promotion_code"]}
        for d in phase.get("discounts") or []
        if d.get("coupon") or d.get("promotion_code")
    ]


def start_subscription(ctx: Ctx, gateway: PaymentGateway, schedule: SubscriptionSchedule) -> Subscription:
    """Create the subscription from the first phase, now (``ctx``'s clock reads the start)."""
    phase = schedule.phases[0]
    data: dict[str, Any] = {
        "customer": schedule.customer_id,
        "items": [_item(entry) for entry in phase["items"]],
        "metadata": phase.get("metadata") or {},
        **_settings(schedule, phase),
    }
    if phase.get("trial_end") is not None:
        data["trial_end"] = phase["trial_end"]
    if phase.get("discounts"):
        data["discounts"] = _coupon_entries(phase)
    sub = create_subscription(ctx, gateway, data)
    sub.schedule_id = schedule.id
    sync_cancel_at(schedule, sub)
    ctx.session.flush()
    return sub


def sync_cancel_at(schedule: SubscriptionSchedule, sub: Subscription) -> None:
    """With ``end_behavior=cancel`` the subscription shows when the schedule will cancel it."""
    end = from_unix(schedule.phases[-1]["end_date"])
    if schedule.end_behavior == "cancel":
        sub.cancel_at, sub.cancel_at_period_end = end, False
    elif sub.cancel_at is not None:
        sub.cancel_at = None


def _item_entries(ctx: Ctx, sub: Subscription, phase: dict[str, Any]) -> list[dict[str, Any]]:
    """``items[]`` that turn the subscription's items into the phase's: same price, same item."""
    current = {price.id: item for item, price in live_items(ctx, sub.id)}
    wanted = {entry["price"] for entry in phase["items"]}
    entries: list[dict[str, Any]] = [
        {"id": item.id, "deleted": True} for price_id, item in current.items() if price_id not in wanted
    ]
    for entry in phase["items"]:
        item = current.get(entry["price"])
        if item is None:
            entries.append(_item(entry))
            continue
        kept: dict[str, Any] = {"id": item.id, "quantity": entry["quantity"]}
        if entry.get("metadata"):
            kept["metadata"] = entry["metadata"]
        entries.append(kept)
    return entries


def _phase_amount(ctx: Ctx, phase: dict[str, Any]) -> int:
    ids = [entry["price"] for entry in phase["items"]]
    prices = {
        p.id: p for p in ctx.session.scalars(select(Price).where(Price.account_id == ctx.account_id, Price.id.in_(ids)))
    }
    return sum(amount_for_quantity(prices[e["price"]], e["quantity"]) for e in phase["items"] if e["price"] in prices)


def _matches(discount: Discount, coupon_id: str, wanted: dict[str, Any]) -> bool:
    if wanted.get("discount"):
        return bool(wanted["discount"] == discount.id)
    if wanted.get("promotion_code"):
        return bool(wanted["promotion_code"] == discount.promotion_code_id)
    return bool(wanted.get("coupon") == coupon_id and discount.promotion_code_id is None)


def _sync_discounts(ctx: Ctx, sub: Subscription, phase: dict[str, Any]) -> None:
    """Keep the live discounts the phase names, end the others, add the new ones.

    A discount the phase names that can no longer be redeemed (expired, used up) is
    skipped: the phase starts without it rather than stopping the schedule.
    """
    live = list(
        ctx.session.execute(
            select(Discount, Coupon.id)
            .join(Coupon, Coupon.pk == Discount.coupon_pk)
            .where(Discount.subscription_id == sub.id, Discount.deleted_at.is_(None))
            .order_by(Discount.pk),
        )
    )
    kept: set[str] = set()
    to_add: list[dict[str, Any]] = []
    for wanted in phase.get("discounts") or []:
        found = next((d for d, c in live if d.id not in kept and _matches(d, c, wanted)), None)
        if found is not None:
            kept.add(found.id)
        elif not wanted.get("discount"):
            to_add.append(wanted)
    for discount, _coupon in live:
        if discount.id not in kept:
            discount.deleted_at = ctx.clock.now()
    amount = _phase_amount(ctx, phase)
    for entry in _coupon_entries({"discounts": to_add}):
        try:
            with ctx.session.begin_nested():
                apply_discounts(
                    ctx,
                    [entry],
                    customer_id=sub.customer_id,
                    subscription_id=sub.id,
                    amount=amount,
                    currency=sub.currency,
                )
        except InvalidRequestError:
            continue
    ctx.session.flush()


def _start_trial(ctx: Ctx, sub: Subscription, trial_end: int) -> None:
    """A later phase with a trial: the subscription trials from now, with a zero invoice."""
    before = subscription_payload(ctx, sub)
    now, end = ctx.clock.now(), from_unix(trial_end)
    sub.status = "trialing"
    sub.trial_start, sub.trial_end = now, end
    sub.billing_cycle_anchor = end
    sub.current_period_start, sub.current_period_end = now, end
    items = live_items(ctx, sub.id)
    for item, _price in items:
        item.current_period_start, item.current_period_end = now, end
    customer = get_customer(ctx, sub.customer_id, param="customer", include_deleted=True)
    invoice = create_invoice(
        ctx,
        customer,
        currency=sub.currency,
        lines=trial_lines(items, product_names(ctx, [p for _, p in items]), now, end, sub.id),
        billing_reason="subscription_update",
        period_start=now,
        period_end=now,
        subscription_id=sub.id,
        collection_method=sub.collection_method,
        days_until_due=sub.days_until_due,
        include_pending=False,
    )
    sub.latest_invoice_id = invoice.id
    finalize_invoice(ctx, invoice)
    after = subscription_payload(ctx, sub)
    record_event(ctx, "customer.subscription.updated", after, diff(before, after))


def _trial_change(ctx: Ctx, sub: Subscription, phase: dict[str, Any]) -> int | str | None:
    """The ``trial_end`` to pass to the update, if the phase changes a running trial."""
    if sub.status != "trialing" or sub.trial_end is None or sub.trial_end <= ctx.clock.now():
        return None
    wanted = phase.get("trial_end")
    if wanted is None or from_unix(wanted) <= ctx.clock.now():
        return "now"
    return None if from_unix(wanted) == sub.trial_end else int(wanted)


def apply_phase(
    ctx: Ctx,
    gateway: PaymentGateway,
    schedule: SubscriptionSchedule,
    sub: Subscription,
    phase: dict[str, Any],
    *,
    proration_behavior: str,
) -> None:
    """Make ``sub`` what ``phase`` says: items, discounts, trial, settings, metadata."""
    _sync_discounts(ctx, sub, phase)
    data: dict[str, Any] = {
        "items": _item_entries(ctx, sub, phase),
        "proration_behavior": proration_behavior,
        **_settings(schedule, phase),
    }
    trial = _trial_change(ctx, sub, phase)
    if trial is not None:
        data["trial_end"] = trial
    elif phase.get("billing_cycle_anchor") == "phase_start" and sub.status != "trialing":
        data["billing_cycle_anchor"] = "now"
    if phase.get("metadata"):
        data["metadata"] = phase["metadata"]
    update_subscription(ctx, gateway, sub, data)
    trial_end = phase.get("trial_end")
    if trial_end is not None and sub.status != "trialing" and trial_end > to_unix(ctx.clock.now()):
        _start_trial(ctx, sub, int(trial_end))


def phase_terms(phase: dict[str, Any]) -> dict[str, Any]:
    """What applying a phase sets on the subscription (to tell whether an update changed it)."""
    keys = (
        "items",
        "discounts",
        "trial_end",
        "collection_method",
        "days_until_due",
        "default_payment_method",
        "description",
        "metadata",
    )
    return {key: phase.get(key) for key in keys}
