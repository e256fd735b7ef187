"""Default feature values: for an API-created configuration, and the seed's default configuration.

A configuration created through the API starts with every feature off and fills in what the
caller sends. The seed's default configuration, made when an account opens a portal session
before it has any configuration, is the no-code starting point (docs/portal-defaults.md keeps
the same table for people).
"""

from __future__ import annotations

import copy
from typing import Any

__all__ = [
    "CANCELLATION_REASONS",
    "CUSTOMER_FIELDS",
    "blank_features",
    "default_headline",
    "seed_business_profile",
    "seed_features",
]

CANCELLATION_REASONS = (
    "customer_service",
    "low_quality",
    "missing_features",
    "other",
    "switched_service",
    "too_complex",
    "too_expensive",
    "unused",
)
CUSTOMER_FIELDS = ("address", "email", "name", "phone", "shipping", "tax_id")

_BLANK: dict[str, Any] = {
    "customer_update": {"allowed_updates": [], "enabled": False},
    "invoice_history": {"enabled": False},
    "payment_method_update": {"enabled": False, "payment_method_configuration": None},
    "subscription_cancel": {
        "cancellation_reason": {"enabled": False, "feedback_options": None, "options": []},
        "enabled": False,
        "mode": "at_period_end",
        "proration_behavior": "none",
        # Billfold's extension: a coupon offered before every portal cancellation.
        "retention": {"coupon": None, "enabled": False},
    },
    "subscription_pause": {"duration": {"interval_options": [], "type": "indefinite"}, "enabled": False},
    "subscription_update": {
        "billing_cycle_anchor": None,
        "default_allowed_updates": [],
        "enabled": False,
        "products": [],
        "proration_behavior": "none",
        "schedule_at_period_end": {"conditions": []},
        "trial_update_behavior": "end_trial",
    },
}


def blank_features() -> dict[str, Any]:
    """Every feature off: what an API-created configuration starts from."""
    return copy.deepcopy(_BLANK)


def seed_features() -> dict[str, Any]:
    """The seed's default configuration (docs/portal-defaults.md), feature by feature."""
    features = blank_features()
    # Switch plan, update quantities, promotion codes: off; prorations none; downgrades now.
    features["subscription_update"]["enabled"] = False
    # Cancel at the end of the period, asking why, with every reason offered.
    cancel = features["subscription_cancel"]
    cancel["enabled"] = True
    cancel["mode"] = "at_period_end"
    cancel["proration_behavior"] = "none"
    cancel["cancellation_reason"] = {
        "enabled": True,
        "feedback_options": None,
        "options": list(CANCELLATION_REASONS),
    }
    # Customers may edit name, email, address and phone; not shipping or tax IDs.
    features["customer_update"] = {"allowed_updates": ["address", "email", "name", "phone"], "enabled": True}
    features["payment_method_update"]["enabled"] = True
    features["invoice_history"]["enabled"] = True
    return features


def seed_business_profile() -> dict[str, Any]:
    """No headline (the portal then says who partners with Billfold), no policy links."""
    return {"headline": None, "privacy_policy_url": None, "terms_of_service_url": None}


def default_headline(business_name: str | None) -> str:
    """What the portal shows when a configuration has no headline."""
    return f"{business_name or 'This business'} partners with Billfold for simplified billing."
