"""``payment_method`` (cards only)."""

from __future__ import annotations

from typing import Any

from billfold.models import PaymentMethod
from billfold.objects.common import ts

__all__ = ["billing_details_object", "payment_method_object"]

_ADDRESS_FIELDS = ("city", "country", "line1", "line2", "postal_code", "state")
_CHECKS = ("address_line1_check", "address_postal_code_check", "cvc_check")


def billing_details_object(value: dict[str, Any] | None) -> dict[str, Any]:
    """``billing_details`` with every key present; the address is always an object."""
    details = value or {}
    address = details.get("address") or {}
    return {
        "address": {key: address.get(key) for key in _ADDRESS_FIELDS},
        "email": details.get("email"),
        "name": details.get("name"),
        "phone": details.get("phone"),
        "tax_id": details.get("tax_id"),
    }


def _card(card: dict[str, Any]) -> dict[str, Any]:
    checks = card.get("checks") or {}
    networks = card.get("networks") or {}
    return {
        "brand": card["brand"],
        "checks": {key: checks.get(key) for key in _CHECKS},
        "country": card.get("country"),
        "description": None,
        "display_brand": card.get("display_brand"),
        "exp_month": card["exp_month"],
        "exp_year": card["exp_year"],
        "fingerprint": card.get("fingerprint"),
        "funding": card["funding"],
        "generated_from": None,
        "iin": None,
        "issuer": None,
        "last4": card["last4"],
        "networks": {"available": list(networks.get("available") or []), "preferred": networks.get("preferred")},
        "regulated_status": "unregulated",
        "three_d_secure_usage": {"supported": True},
        "wallet": None,
    }


def payment_method_object(pm: PaymentMethod) -> dict[str, Any]:
    """A payment method as the API shows it."""
    return {
        "id": pm.id,
        "object": "payment_method",
        "allow_redisplay": pm.allow_redisplay,
        "billing_details": billing_details_object(pm.billing_details),
        "card": None if pm.card is None else _card(pm.card),
        "created": ts(pm.created),
        "customer": pm.customer_id,
        "customer_account": None,
        "livemode": False,
        "metadata": dict(pm.metadata_),
        "type": pm.type,
    }
