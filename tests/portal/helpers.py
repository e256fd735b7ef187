"""Helpers for portal tests: subscribed customers, configurations that allow switching plans."""

from __future__ import annotations

from typing import Any

import stripe

from tests.billing.helpers import customer_with_card, monthly_price
from tests.shapes import shape_problems

__all__ = ["EXTENSIONS", "portal_shape_problems", "subscribed", "switching_configuration"]

# Billfold's documented extensions to Stripe's shapes.
EXTENSIONS = ["features.subscription_cancel.retention: not in Stripe's shape"]


def portal_shape_problems(obj: Any, shape: str) -> list[str]:
    """Differences from Stripe's shape other than Billfold's documented extensions."""
    data = obj.to_dict() if hasattr(obj, "to_dict") else obj
    return [p for p in shape_problems(data, shape) if p not in EXTENSIONS]


def subscribed(price: stripe.Price | None = None, **fields: Any) -> tuple[stripe.Customer, stripe.Subscription]:
    """A customer with a card and an active subscription to ``price`` (a new 10.00 monthly one by default)."""
    customer = customer_with_card()
    price = price or monthly_price(1_000)
    subscription = stripe.Subscription.create(customer=customer.id, items=[{"price": price.id}], **fields)
    return customer, subscription


def switching_configuration(*prices: stripe.Price, **update: Any) -> stripe.billing_portal.Configuration:
    """A configuration letting customers switch between ``prices`` and change quantities."""
    products: dict[str, list[str]] = {}
    for price in prices:
        products.setdefault(str(price.product), []).append(price.id)
    features: Any = {
        "subscription_update": {
            "enabled": True,
            "default_allowed_updates": ["price", "quantity", "promotion_code"],
            "products": [{"product": product, "prices": ids} for product, ids in products.items()],
            **update,
        },
        "subscription_cancel": {"enabled": True},
        "subscription_pause": {"enabled": True},
        "payment_method_update": {"enabled": True},
    }
    return stripe.billing_portal.Configuration.create(features=features)
