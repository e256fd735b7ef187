"""``tax_id``."""

from __future__ import annotations

from typing import Any

from billfold.models import TaxId
from billfold.objects.common import ts

__all__ = ["tax_id_object"]


def tax_id_object(t: TaxId) -> dict[str, Any]:
    """A customer's tax ID as the API shows it."""
    return {
        "id": t.id,
        "object": "tax_id",
        "country": t.country,
        "created": ts(t.created),
        "customer": t.customer_id,
        "customer_account": None,
        "livemode": False,
        "owner": {
            "account": None,
            "application": None,
            "customer": t.customer_id,
            "customer_account": None,
            "type": "customer",
        },
        "type": t.type,
        "value": t.value,
        "verification": {"status": t.verification_status, "verified_address": None, "verified_name": None},
    }
