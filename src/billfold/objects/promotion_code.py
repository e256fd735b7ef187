"""``promotion_code``."""

from __future__ import annotations

from typing import Any

from billfold.models import PromotionCode
from billfold.objects.common import ts

__all__ = ["promotion_code_object"]


def promotion_code_object(p: PromotionCode) -> dict[str, Any]:
    """A promotion code as the API shows it (``p.coupon`` must already be loaded).

    ``restrictions.currency_options`` is left out rather than null: Billfold has none, and
    the stripe SDK fails on a null value for that map.
    """
    return {
        "id": p.id,
        "object": "promotion_code",
        "active": p.active,
        "code": p.code,
        "created": ts(p.created),
        "customer": p.customer_id,
        "customer_account": None,
        "expires_at": ts(p.expires_at),
        "livemode": False,
        "max_redemptions": p.max_redemptions,
        "metadata": dict(p.metadata_),
        "promotion": {"type": "coupon", "coupon": p.coupon.id},
        "restrictions": {
            "first_time_transaction": p.first_time_transaction,
            "minimum_amount": p.minimum_amount,
            "minimum_amount_currency": p.minimum_amount_currency,
        },
        "times_redeemed": p.times_redeemed,
    }
