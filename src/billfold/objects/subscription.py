"""``subscription``, ``subscription_item`` and the legacy ``plan`` view of a price."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from billfold.models import Price, Subscription, SubscriptionItem
from billfold.objects.common import ts
from billfold.objects.price import price_object

__all__ = [
    "RENEWED_FIELDS",
    "PriceObjects",
    "plan_object",
    "subscription_item_object",
    "subscription_object",
    "subscription_object_renewed",
]

# Price id -> the ``plan`` and ``price`` objects shown on items with that price (see subscription_object).
PriceObjects = dict[str, tuple[dict[str, Any], dict[str, Any]]]


def plan_object(p: Price) -> dict[str, Any]:
    """The ``plan`` Stripe still sends beside ``price`` on subscription items."""
    return {
        "id": p.id,
        "object": "plan",
        "active": p.active,
        "amount": p.unit_amount,
        "amount_decimal": p.unit_amount_decimal,
        "billing_scheme": p.billing_scheme,
        "created": ts(p.created),
        "currency": p.currency,
        "interval": p.recurring_interval,
        "interval_count": p.recurring_interval_count,
        "livemode": False,
        "metadata": dict(p.metadata_),
        "meter": None,
        "nickname": p.nickname,
        "product": p.product_id,
        "tiers_mode": p.tiers_mode,
        "transform_usage": p.transform_quantity,
        "trial_period_days": p.recurring_trial_period_days,
        "usage_type": p.recurring_usage_type or "licensed",
    }


def subscription_item_object(
    item: SubscriptionItem, price: Price, *, shown_prices: PriceObjects | None = None
) -> dict[str, Any]:
    """One item with its full price (Stripe embeds it); ``shown_prices`` as in :func:`subscription_object`."""
    if shown_prices is None:
        plan, shown = plan_object(price), price_object(price)
    elif (pair := shown_prices.get(price.id)) is not None:
        plan, shown = pair
    else:
        plan, shown = shown_prices[price.id] = plan_object(price), price_object(price)
    return {
        "id": item.id,
        "object": "subscription_item",
        "billed_until": None,
        "billing_thresholds": None,
        "created": ts(item.created),
        "current_period_end": ts(item.current_period_end),
        "current_period_start": ts(item.current_period_start),
        "current_trial": None,
        "discounts": [],
        "metadata": dict(item.metadata_),
        "plan": plan,
        "price": shown,
        "quantity": item.quantity,
        "subscription": item.subscription_id,
        "tax_rates": [],
    }


def _cancellation(sub: Subscription) -> dict[str, Any]:
    details = sub.cancellation_details or {}
    return {
        "comment": details.get("comment"),
        "feedback": details.get("feedback"),
        "reason": details.get("reason"),
    }


def subscription_object(
    sub: Subscription,
    items: Sequence[tuple[SubscriptionItem, Price]],
    discount_ids: Sequence[str],
    *,
    shown_prices: PriceObjects | None = None,
) -> dict[str, Any]:
    """A subscription with all its items.

    ``shown_prices`` (price id -> plan and price objects, filled as prices are met) lets code
    that serialises many subscriptions on the same few prices at once make each price's
    objects once (the worker's bulk renewals); those subscriptions' objects then share them.
    """
    return {
        "id": sub.id,
        "object": "subscription",
        "application": None,
        "application_fee_percent": None,
        "automatic_tax": {"disabled_reason": None, "enabled": False, "liability": None},
        "billing_cycle_anchor": ts(sub.billing_cycle_anchor),
        "billing_cycle_anchor_config": None,
        "billing_mode": {"flexible": None, "type": "classic", "updated_at": None},
        "billing_schedules": [],
        "billing_thresholds": None,
        "cancel_at": ts(sub.cancel_at),
        "cancel_at_period_end": sub.cancel_at_period_end,
        "canceled_at": ts(sub.canceled_at),
        "cancellation_details": _cancellation(sub),
        "collection_method": sub.collection_method,
        "created": ts(sub.created),
        "currency": sub.currency,
        "customer": sub.customer_id,
        "customer_account": None,
        "days_until_due": sub.days_until_due,
        "default_payment_method": sub.default_payment_method_id,
        "default_source": None,
        "default_tax_rates": [],
        "description": sub.description,
        "discounts": list(discount_ids),
        "ended_at": ts(sub.ended_at),
        "invoice_settings": {"account_tax_ids": None, "issuer": {"type": "self"}},
        "items": {
            "object": "list",
            "data": [subscription_item_object(item, price, shown_prices=shown_prices) for item, price in items],
            "has_more": False,
            "total_count": len(items),
            "url": f"/v1/subscription_items?subscription={sub.id}",
        },
        "latest_invoice": sub.latest_invoice_id,
        "livemode": False,
        "managed_payments": None,
        "metadata": dict(sub.metadata_),
        "next_pending_invoice_item_invoice": None,
        "on_behalf_of": sub.on_behalf_of,
        "pause_collection": _pause(sub),
        "payment_settings": {
            "payment_method_options": None,
            "payment_method_types": None,
            "save_default_payment_method": "off",
        },
        "pending_invoice_item_interval": None,
        "pending_setup_intent": None,
        "pending_update": None,
        "presentment_details": None,
        "schedule": sub.schedule_id,
        "start_date": ts(sub.start_date),
        "status": sub.status,
        "status_details": None,
        "test_clock": sub.test_clock_id,
        "transfer_data": None,
        "trial_end": ts(sub.trial_end),
        "trial_settings": sub.trial_settings or {"end_behavior": {"missing_payment_method": "create_invoice"}},
        "trial_start": ts(sub.trial_start),
    }


# The fields subscription_object_renewed re-reads, in the object's order.
RENEWED_FIELDS = ("items", "latest_invoice")


def subscription_object_renewed(
    previous: dict[str, Any], sub: Subscription, items: Sequence[tuple[SubscriptionItem, Price]]
) -> dict[str, Any]:
    """``previous`` (``sub``'s object with these ``items``) after a renewal moved their periods.

    Re-reads what a plain renewal changes (each item's period, ``latest_invoice``) and keeps
    the rest, so the worker's bulk renewals serialise a subscription once.
    ``tests/time/test_bulk_renewal.py`` checks it against :func:`subscription_object`.
    """
    listed = previous["items"]
    data = [
        {
            **shown,
            "current_period_end": ts(item.current_period_end),
            "current_period_start": ts(item.current_period_start),
        }
        for shown, (item, _price) in zip(listed["data"], items, strict=True)
    ]
    return {**previous, "items": {**listed, "data": data}, "latest_invoice": sub.latest_invoice_id}


def _pause(sub: Subscription) -> dict[str, Any] | None:
    pause = sub.pause_collection
    if not pause:
        return None
    return {"behavior": pause["behavior"], "resumes_at": pause.get("resumes_at")}
