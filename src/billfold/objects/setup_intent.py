"""``setup_intent``."""

from __future__ import annotations

from typing import Any

from billfold.models import SetupIntent
from billfold.objects.common import ts

__all__ = ["setup_intent_object"]

# What Stripe shows for a card setup nobody configured further.
_CARD_OPTIONS = {"mandate_options": None, "network": None, "request_three_d_secure": "automatic"}


def setup_intent_object(si: SetupIntent) -> dict[str, Any]:
    """A setup intent as the API shows it."""
    return {
        "id": si.id,
        "object": "setup_intent",
        "application": None,
        "automatic_payment_methods": None,
        "cancellation_reason": si.cancellation_reason,
        "client_secret": si.client_secret,
        "created": ts(si.created),
        "customer": si.customer_id,
        "customer_account": None,
        "description": si.description,
        "flow_directions": None,
        "last_setup_error": None if si.last_setup_error is None else dict(si.last_setup_error),
        "latest_attempt": None,
        "livemode": False,
        "mandate": None,
        "metadata": dict(si.metadata_),
        "next_action": None,
        "on_behalf_of": None,
        "payment_method": si.payment_method_id,
        "payment_method_configuration_details": None,
        "payment_method_options": {"card": dict(_CARD_OPTIONS)},
        "payment_method_types": list(si.payment_method_types),
        "single_use_mandate": None,
        "status": si.status,
        "usage": si.usage,
    }
