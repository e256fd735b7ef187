"""``discount``: a coupon applied to a customer, subscription or invoice."""

from __future__ import annotations

from typing import Any

from billfold.models import Discount
from billfold.objects.common import ts

__all__ = ["discount_object"]


def discount_object(d: Discount, coupon_id: str) -> dict[str, Any]:
    """A discount; ``source.coupon`` is the coupon id (expandable)."""
    return {
        "id": d.id,
        "object": "discount",
        "checkout_session": None,
        "customer": d.customer_id,
        "customer_account": None,
        "end": ts(d.end),
        "invoice": d.invoice_id,
        "invoice_item": None,
        "promotion_code": d.promotion_code_id,
        "source": {"coupon": coupon_id, "type": "coupon"},
        "start": ts(d.start),
        "subscription": d.subscription_id,
        "subscription_item": None,
    }
