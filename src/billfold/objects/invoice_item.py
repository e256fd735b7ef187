"""``invoiceitem``: a pending charge or credit for the customer's next invoice."""

from __future__ import annotations

from typing import Any

from billfold.models import InvoiceItem
from billfold.objects.common import ts

__all__ = ["invoice_item_object", "pricing_details"]


def invoice_item_object(item: InvoiceItem) -> dict[str, Any]:
    """An invoice item as the API shows it."""
    parent = None
    if item.subscription_id:
        parent = {
            "subscription_details": {
                "subscription": item.subscription_id,
                "subscription_item": item.subscription_item_id,
            },
            "type": "subscription_details",
        }
    return {
        "id": item.id,
        "object": "invoiceitem",
        "amount": item.amount,
        "currency": item.currency,
        "customer": item.customer_id,
        "customer_account": None,
        "date": ts(item.date),
        "description": item.description,
        "discountable": item.discountable,
        "discounts": [],
        "invoice": item.invoice_id,
        "livemode": False,
        "metadata": dict(item.metadata_),
        "net_amount": item.amount,
        "parent": parent,
        "period": {"end": ts(item.period_end), "start": ts(item.period_start)},
        "pricing": pricing_details(item.price_id, item.product_id, item.unit_amount_decimal),
        "proration": item.proration,
        "proration_details": {"credited_items": None, "discount_amounts": []} if item.proration else None,
        "quantity": item.quantity,
        "quantity_decimal": str(item.quantity),
        "tax_rates": [],
        "test_clock": None,
    }


def pricing_details(
    price_id: str | None, product_id: str | None, unit_amount_decimal: str | None
) -> dict[str, Any] | None:
    if price_id is None:
        return None
    return {
        "price_details": {"price": price_id, "product": product_id or ""},
        "type": "price_details",
        "unit_amount_decimal": unit_amount_decimal,
    }
