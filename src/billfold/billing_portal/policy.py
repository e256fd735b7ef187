"""What a customer may do in the portal: the one place that decides it.

Every answer is a pure function of a configuration's ``features`` (as the API shows them),
the customer's subscriptions with their items and prices, the prices the configuration
names, and ``now``. Nothing here reads the database or a clock, so the portal pages and the
API's ``flow_data`` checks ask the same questions and get the same answers, and the rules
can be tested as a table (tests/portal/test_policy_table.py). docs/portal-policy.md says in
prose what these functions allow and where Billfold goes beyond Stripe.

A refusal is a :class:`Denied` with a sentence saying why (it becomes an API error
message or a note on a portal page).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any, Literal

from billfold.billing_portal.policy_types import (
    CancelOption,
    ChangePlan,
    Denied,
    ItemChange,
    ItemOption,
    PauseOption,
    PortalItem,
    PortalPrice,
    PortalSubscription,
    PortalView,
    QuantityRange,
    SubscriptionActions,
    UpdateOption,
)

__all__ = [
    "CancelOption",
    "ChangePlan",
    "Denied",
    "ItemChange",
    "ItemOption",
    "PauseOption",
    "PortalItem",
    "PortalPrice",
    "PortalSubscription",
    "PortalView",
    "QuantityRange",
    "SubscriptionActions",
    "UpdateOption",
    "cancel_option",
    "customer_fields",
    "invoice_history_visible",
    "pause_option",
    "payment_methods_visible",
    "plan_change",
    "portal_view",
    "renewable",
    "resumable",
    "shown",
    "subscription_actions",
    "update_option",
]

# Statuses the portal lists; incomplete and ended subscriptions are not the customer's to manage.
SHOWN = frozenset({"active", "trialing", "past_due", "unpaid", "paused"})
UPDATABLE = frozenset({"active", "trialing"})
# Average Gregorian lengths in days, exact: a year is twelve months, so monthly ↔ yearly compare exactly.
_DAYS = {"day": Fraction(1), "week": Fraction(7), "month": Fraction(146_097, 4_800), "year": Fraction(146_097, 400)}


# -- what is shown ------------------------------------------------------------------


def shown(
    subscriptions: Sequence[PortalSubscription], *, on_behalf_of: str | None = None
) -> tuple[PortalSubscription, ...]:
    """The subscriptions the portal lists (a session's ``on_behalf_of`` narrows them to that account's)."""
    return tuple(
        s for s in subscriptions if s.status in SHOWN and (on_behalf_of is None or s.on_behalf_of == on_behalf_of)
    )


def customer_fields(features: Mapping[str, Any]) -> tuple[str, ...]:
    """The customer's billing details the customer may edit."""
    update = features["customer_update"]
    return tuple(update["allowed_updates"]) if update["enabled"] else ()


def payment_methods_visible(features: Mapping[str, Any]) -> bool:
    """Whether the customer may see and add payment methods."""
    return bool(features["payment_method_update"]["enabled"])


def invoice_history_visible(features: Mapping[str, Any]) -> bool:
    """Whether the customer may see past invoices."""
    return bool(features["invoice_history"]["enabled"])


# -- cancel, renew, pause, resume ----------------------------------------------------------


def _cancel_scheduled(sub: PortalSubscription) -> bool:
    return sub.cancel_at_period_end or sub.cancel_at is not None


def cancel_option(
    features: Mapping[str, Any], sub: PortalSubscription, now: dt.datetime, *, retention_coupon: str | None = None
) -> CancelOption | Denied:
    """Whether and how ``sub`` may be canceled; ``retention_coupon`` is a flow's own offer."""
    cancel = features["subscription_cancel"]
    if not cancel["enabled"]:
        return Denied("Cancellations are not enabled in this portal configuration.")
    if sub.status not in SHOWN:
        return Denied(f"The subscription '{sub.id}' is {sub.status} and cannot be canceled.")
    if cancel["mode"] == "at_period_end" and _cancel_scheduled(sub):
        return Denied(f"The subscription '{sub.id}' is already set to cancel.")
    reason = cancel["cancellation_reason"]
    retention = cancel.get("retention") or {}
    coupon = retention_coupon or (retention.get("coupon") if retention.get("enabled") else None)
    # An offer is for a paying customer without a discount; trials and overdue accounts get none.
    offered = coupon if sub.status == "active" and not sub.has_discount and now < sub.current_period_end else None
    return CancelOption(
        mode=cancel["mode"],
        proration_behavior=cancel["proration_behavior"] if cancel["mode"] == "immediately" else "none",
        reasons=tuple(reason["options"]) if reason["enabled"] else (),
        retention_coupon=offered,
    )


def renewable(features: Mapping[str, Any], sub: PortalSubscription, now: dt.datetime) -> bool:
    """Whether a scheduled cancellation may be undone (Billfold: whenever cancelling is allowed)."""
    end = sub.cancel_at or sub.current_period_end
    return (
        bool(features["subscription_cancel"]["enabled"])
        and sub.status in SHOWN
        and _cancel_scheduled(sub)
        and now < end
    )


def _first_refusal(rules: Sequence[tuple[bool, str]]) -> Denied | None:
    """The reason of the first rule that fails, in order."""
    return next((Denied(reason) for failed, reason in rules if failed), None)


def _pause_refusal(pause: Mapping[str, Any], sub: PortalSubscription, now: dt.datetime) -> Denied | None:
    name = f"The subscription '{sub.id}'"
    return _first_refusal([
        (not pause["enabled"], "Pausing is not enabled in this portal configuration."),
        (sub.collection_paused or sub.status == "paused", f"{name} is already paused."),
        (sub.status != "active", f"{name} is {sub.status}; only active subscriptions can be paused."),
        (_cancel_scheduled(sub), f"{name} is set to cancel and cannot be paused."),
        (now >= sub.current_period_end, f"{name} is waiting for its renewal and cannot be paused now."),
        (sub.schedule is not None, f"{name} is managed by a subscription schedule."),
    ])  # fmt: skip


def pause_option(features: Mapping[str, Any], sub: PortalSubscription, now: dt.datetime) -> PauseOption | Denied:
    """Whether and for how long ``sub`` may be paused."""
    pause = features["subscription_pause"]
    refusal = _pause_refusal(pause, sub, now)
    if refusal is not None:
        return refusal
    duration = pause["duration"]
    return PauseOption(
        indefinite=duration["type"] == "indefinite",
        durations=tuple((o["interval"], o["interval_count"]) for o in duration["interval_options"]),
    )


def resumable(features: Mapping[str, Any], sub: PortalSubscription) -> bool:
    """Whether a paused subscription may be resumed from the portal."""
    return bool(features["subscription_pause"]["enabled"]) and (sub.collection_paused or sub.status == "paused")


# -- updates --------------------------------------------------------------------------


def _update_refusal(update: Mapping[str, Any], sub: PortalSubscription) -> Denied | None:
    name = f"The subscription '{sub.id}'"
    return _first_refusal([
        (not update["enabled"], "Subscription updates are not enabled in this portal configuration."),
        (sub.status not in UPDATABLE, f"{name} is {sub.status} and cannot be updated in the portal."),
        (sub.schedule is not None, f"{name} is managed by a subscription schedule."),
        (_cancel_scheduled(sub), f"{name} is set to cancel; renew it before changing it."),
        (sub.collection_paused, f"{name} is paused; resume it before changing it."),
    ])  # fmt: skip


def _quantity_range(
    update: Mapping[str, Any], entry: Mapping[str, Any] | None, price: PortalPrice
) -> QuantityRange | None:
    if entry is None or price.usage_type == "metered":
        return None
    adjustable = entry["adjustable_quantity"]
    if adjustable["enabled"]:
        return QuantityRange(adjustable["minimum"], adjustable["maximum"])
    if "quantity" in update["default_allowed_updates"]:
        return QuantityRange(1, None)
    return None


def _entries(update: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {entry["product"]: entry for entry in update["products"] or []}


def _price_choices(
    update: Mapping[str, Any], sub: PortalSubscription, item: PortalItem, prices: Mapping[str, PortalPrice]
) -> tuple[str, ...]:
    if "price" not in update["default_allowed_updates"] or item.price.product not in _entries(update):
        return ()
    others = [i for i in sub.items if i.id != item.id]
    taken_products = {i.price.product for i in others}
    choices: list[str] = []
    for entry in update["products"]:
        for price_id in entry["prices"]:
            price = prices.get(price_id)
            if (
                price is None
                or price_id == item.price.id
                or not (price.active and price.recurring)
                or price.currency != sub.currency
                or price.usage_type != item.price.usage_type
                or price.product in taken_products
                # All items share one billing period, so with several items only same-interval prices fit.
                or (
                    bool(others)
                    and (price.interval, price.interval_count) != (item.price.interval, item.price.interval_count)
                )
            ):
                continue
            choices.append(price_id)
    return tuple(choices)


def update_option(
    features: Mapping[str, Any], sub: PortalSubscription, prices: Mapping[str, PortalPrice], now: dt.datetime
) -> UpdateOption | Denied:
    """Which prices each item may switch to and which quantities it may take."""
    update = features["subscription_update"]
    refusal = _update_refusal(update, sub)
    if refusal is not None:
        return refusal
    entries = _entries(update)
    items = tuple(
        ItemOption(
            item=item.id,
            prices=_price_choices(update, sub, item, prices),
            quantity=_quantity_range(update, entries.get(item.price.product), item.price),
        )
        for item in sub.items
    )
    if not any(option.changeable for option in items):
        return Denied(f"Nothing on the subscription '{sub.id}' can be changed under this portal configuration.")
    trialing = sub.status == "trialing" and sub.trial_end is not None and now < sub.trial_end
    return UpdateOption(
        items=items,
        promotion_codes="promotion_code" in update["default_allowed_updates"],
        proration_behavior=update["proration_behavior"],
        billing_cycle_anchor=update["billing_cycle_anchor"] or "unchanged",
        trial_update_behavior=update["trial_update_behavior"] if trialing else None,
    )


def _period_days(price: PortalPrice) -> Fraction:
    return _DAYS[price.interval] * price.interval_count


def _decreases(old: PortalPrice, old_quantity: int, new: PortalPrice, new_quantity: int) -> bool:
    if old.unit_amount is None or new.unit_amount is None:
        return False
    # Amounts per day, compared exactly: a yearly 120.00 equals a monthly 10.00.
    return Fraction(new.unit_amount * new_quantity) / _period_days(new) < Fraction(
        old.unit_amount * old_quantity
    ) / _period_days(old)


def _timing(
    update: Mapping[str, Any], sub: PortalSubscription, changes: Sequence[ItemChange], prices: Mapping[str, PortalPrice]
) -> Literal["now", "period_end"]:
    conditions = {c["type"] for c in update["schedule_at_period_end"]["conditions"]}
    by_id = {item.id: item for item in sub.items}
    for change in changes:
        item = by_id[change.id]
        new = prices.get(change.price or "", item.price)
        quantity = item.quantity if change.quantity is None else change.quantity
        if "decreasing_item_amount" in conditions and _decreases(item.price, item.quantity, new, quantity):
            return "period_end"
        if "shortening_interval" in conditions and _period_days(new) < _period_days(item.price):
            return "period_end"
    return "now"


def _check_change(
    update: Mapping[str, Any], sub: PortalSubscription, option: UpdateOption,
    prices: Mapping[str, PortalPrice], *, n: int, change: ItemChange,
) -> ItemChange | Denied:  # fmt: skip
    item = next((i for i in sub.items if i.id == change.id), None)
    if item is None:
        return Denied(f"The subscription item '{change.id}' is not on the subscription '{sub.id}'.", n, "id")
    if change.price is None and change.quantity is None:
        return Denied("Give the item a new price, a new quantity, or both.", n, "price")
    allowed = next(o for o in option.items if o.item == item.id)
    price_id = change.price or item.price.id
    if price_id != item.price.id and price_id not in allowed.prices:
        return Denied(f"The subscription cannot switch to the price '{price_id}' in this portal.", n, "price")
    quantity = item.quantity if change.quantity is None else change.quantity
    target = prices.get(price_id, item.price)
    bounds = _quantity_range(update, _entries(update).get(target.product), target)
    if quantity != item.quantity and bounds is None:
        return Denied(f"The quantity of the item '{item.id}' cannot be changed in this portal.", n, "quantity")
    if bounds is not None and not bounds.allows(quantity):
        most = "" if bounds.maximum is None else f" and at most {bounds.maximum}"
        return Denied(f"The quantity must be at least {bounds.minimum}{most}.", n, "quantity")
    return ItemChange(item.id, price_id, quantity)


def plan_change(
    features: Mapping[str, Any],
    sub: PortalSubscription,
    prices: Mapping[str, PortalPrice],
    changes: Sequence[ItemChange],
    now: dt.datetime,
) -> ChangePlan | Denied:
    """Whether ``changes`` are allowed, and whether they apply now or at the end of the period."""
    option = update_option(features, sub, prices, now)
    if isinstance(option, Denied):
        return option
    if not changes:
        return Denied("Give at least one item to change.")
    update = features["subscription_update"]
    checked: list[ItemChange] = []
    for n, change in enumerate(changes):
        if any(c.id == change.id for c in checked):
            return Denied(f"The subscription item '{change.id}' is listed more than once.", n, "id")
        result = _check_change(update, sub, option, prices, n=n, change=change)
        if isinstance(result, Denied):
            return result
        checked.append(result)
    timing = _timing(update, sub, checked, prices)
    return ChangePlan(
        changes=tuple(checked),
        timing=timing,
        proration_behavior=option.proration_behavior if timing == "now" else "none",
        billing_cycle_anchor=option.billing_cycle_anchor if timing == "now" else "unchanged",
        end_trial=option.trial_update_behavior == "end_trial" and timing == "now",
    )


# -- everything at once ---------------------------------------------------------------


def subscription_actions(
    features: Mapping[str, Any], sub: PortalSubscription, prices: Mapping[str, PortalPrice], now: dt.datetime
) -> SubscriptionActions:
    """Every action the portal may offer for ``sub``."""
    return SubscriptionActions(
        subscription=sub,
        cancel=cancel_option(features, sub, now),
        renew=renewable(features, sub, now),
        update=update_option(features, sub, prices, now),
        pause=pause_option(features, sub, now),
        resume=resumable(features, sub),
    )


def portal_view(
    features: Mapping[str, Any],
    subscriptions: Sequence[PortalSubscription],
    prices: Mapping[str, PortalPrice],
    now: dt.datetime,
    *,
    on_behalf_of: str | None = None,
) -> PortalView:
    """The portal's home page for one customer."""
    return PortalView(
        subscriptions=tuple(
            subscription_actions(features, s, prices, now) for s in shown(subscriptions, on_behalf_of=on_behalf_of)
        ),
        customer_fields=customer_fields(features),
        payment_methods=payment_methods_visible(features),
        invoice_history=invoice_history_visible(features),
    )
