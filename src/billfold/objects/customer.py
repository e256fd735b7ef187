"""``customer``.

``customer_object`` reads attributes only, so it serialises an ORM ``Customer`` and a Core
row of the ``customers`` table alike: the retrieve endpoint (the hot path) passes a row.
"""

from __future__ import annotations

from typing import Any

from billfold.models import Customer
from billfold.objects.common import ts

__all__ = ["ADDRESS_FIELDS", "customer_object", "invoice_settings_object"]

ADDRESS_FIELDS = ("city", "country", "line1", "line2", "postal_code", "state")


def _address(value: dict[str, Any] | None) -> dict[str, Any] | None:
    if value is None:
        return None
    get = value.get  # written out (not a comprehension over ADDRESS_FIELDS): this runs on every retrieve
    return {
        "city": get("city"),
        "country": get("country"),
        "line1": get("line1"),
        "line2": get("line2"),
        "postal_code": get("postal_code"),
        "state": get("state"),
    }


def _shipping(value: dict[str, Any] | None) -> dict[str, Any] | None:
    if value is None:
        return None
    return {
        "address": _address(value.get("address")),
        "carrier": None,
        "name": value.get("name"),
        "phone": value.get("phone"),
        "tracking_number": None,
    }


def invoice_settings_object(value: dict[str, Any] | None) -> dict[str, Any]:
    """``invoice_settings`` with every key present (unset ones null)."""
    get = (value or {}).get
    out = {
        "custom_fields": get("custom_fields"),
        "default_payment_method": get("default_payment_method"),
        "footer": get("footer"),
        "rendering_options": get("rendering_options"),
    }
    if out["custom_fields"] is not None:
        out["custom_fields"] = [dict(field) for field in out["custom_fields"]]
    if out["rendering_options"] is not None:
        options = out["rendering_options"]
        out["rendering_options"] = {
            "amount_tax_display": options.get("amount_tax_display"),
            "template": options.get("template"),
        }
    return out


def customer_object(c: Customer) -> dict[str, Any]:
    """A customer as the API shows it."""
    return {
        "id": c.id,
        "object": "customer",
        "address": _address(c.address),
        "balance": c.balance,
        "business_name": c.business_name,
        "created": ts(c.created),
        "currency": c.currency,
        "customer_account": None,
        "default_source": None,
        "delinquent": c.delinquent,
        "description": c.description,
        "discount": None,
        "email": c.email,
        "individual_name": c.individual_name,
        "invoice_credit_balance": {},
        "invoice_prefix": c.invoice_prefix,
        "invoice_settings": invoice_settings_object(c.invoice_settings),
        "livemode": False,
        "metadata": dict(c.metadata_),
        "name": c.name,
        "next_invoice_sequence": c.next_invoice_sequence,
        "phone": c.phone,
        "preferred_locales": list(c.preferred_locales),
        "shipping": _shipping(c.shipping),
        "tax_exempt": c.tax_exempt,
        "test_clock": c.test_clock_id,
    }
