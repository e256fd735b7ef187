"""``customer_balance_transaction``."""

from __future__ import annotations

from typing import Any

from billfold.models import CustomerBalanceTransaction
from billfold.objects.common import ts

__all__ = ["balance_transaction_object"]


def balance_transaction_object(t: CustomerBalanceTransaction) -> dict[str, Any]:
    """One change of a customer's credit balance as the API shows it."""
    return {
        "id": t.id,
        "object": "customer_balance_transaction",
        "amount": t.amount,
        "checkout_session": None,
        "created": ts(t.created),
        "credit_note": t.credit_note_id,
        "currency": t.currency,
        "customer": t.customer_id,
        "customer_account": None,
        "description": t.description,
        "ending_balance": t.ending_balance,
        "invoice": t.invoice_id,
        "livemode": False,
        "metadata": dict(t.metadata_),
        "type": t.type,
    }
