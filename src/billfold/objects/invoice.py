"""``invoice`` and its ``line_item`` objects."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from billfold.models import Invoice, InvoiceLine
from billfold.objects.common import ts
from billfold.objects.invoice_item import pricing_details

__all__ = ["LINES_PAGE", "invoice_object", "invoice_restated_fields", "line_item_object"]

# How many lines an invoice embeds; the rest are paged through /v1/invoices/{id}/lines.
LINES_PAGE = 10


def line_item_object(line: InvoiceLine) -> dict[str, Any]:
    """One invoice line; ``amount`` is before invoice-level discounts."""
    if line.subscription_item_id:
        parent: dict[str, Any] = {
            "invoice_item_details": None,
            "subscription_item_details": {
                "invoice_item": line.invoice_item_id,
                "proration": line.proration,
                "proration_details": {"credited_items": None} if line.proration else None,
                "subscription": line.subscription_id,
                "subscription_item": line.subscription_item_id,
            },
            "type": "subscription_item_details",
        }
    else:
        parent = {
            "invoice_item_details": {
                "invoice_item": line.invoice_item_id or "",
                "proration": line.proration,
                "proration_details": None,
                "subscription": line.subscription_id,
            },
            "subscription_item_details": None,
            "type": "invoice_item_details",
        }
    return {
        "id": line.id,
        "object": "line_item",
        "amount": line.amount,
        "currency": line.currency,
        "description": line.description,
        "discount_amounts": list(line.discount_amounts),
        "discountable": line.discountable,
        "discounts": [d["discount"] for d in line.discount_amounts],
        "invoice": line.invoice_id,
        "livemode": False,
        "metadata": dict(line.metadata_),
        "parent": parent,
        "period": {"end": ts(line.period_end), "start": ts(line.period_start)},
        "pretax_credit_amounts": [
            {"amount": d["amount"], "credit_balance_transaction": None, "discount": d["discount"], "type": "discount"}
            for d in line.discount_amounts
        ],
        "pricing": pricing_details(line.price_id, line.product_id, line.unit_amount_decimal),
        "quantity": line.quantity,
        "quantity_decimal": None if line.quantity is None else str(line.quantity),
        "subscription": line.subscription_id,
        "subtotal": line.amount,
        "taxes": [],
    }


def _customer_fields(snapshot: dict[str, Any]) -> dict[str, Any]:
    return {
        "customer_address": snapshot.get("address"),
        "customer_email": snapshot.get("email"),
        "customer_name": snapshot.get("name"),
        "customer_phone": snapshot.get("phone"),
        "customer_shipping": snapshot.get("shipping"),
        "customer_tax_exempt": snapshot.get("tax_exempt"),
        "customer_tax_ids": snapshot.get("tax_ids", []),
    }


def _status_transitions(inv: Invoice) -> dict[str, int | None]:
    return {
        "finalized_at": ts(inv.finalized_at),
        "marked_uncollectible_at": ts(inv.marked_uncollectible_at),
        "paid_at": ts(inv.paid_at),
        "voided_at": ts(inv.voided_at),
    }


def _urls(inv: Invoice, base_url: str) -> dict[str, str | None]:
    if inv.status == "draft":
        return {"hosted_invoice_url": None, "invoice_pdf": None}
    return {
        "hosted_invoice_url": f"{base_url}/i/{inv.access_token}",
        "invoice_pdf": f"{base_url}/i/{inv.access_token}/pdf",
    }


def invoice_object(
    inv: Invoice,
    lines: Sequence[InvoiceLine],
    *,
    base_url: str,
    account_name: str | None,
    account_country: str | None,
    discount_ids: Sequence[str],
    has_more_lines: bool = False,
) -> dict[str, Any]:
    """An invoice with its first lines embedded."""
    parent = None
    if inv.subscription_id:
        parent = {
            "quote_details": None,
            "subscription_details": {
                "metadata": None,
                "subscription": inv.subscription_id,
                "subscription_proration_date": None,
            },
            "type": "subscription_details",
        }
    total_discount = sum(d["amount"] for d in inv.total_discount_amounts)
    return {
        "id": inv.id,
        "object": "invoice",
        "account_country": account_country,
        "account_name": account_name,
        "account_tax_ids": None,
        "amount_due": inv.amount_due,
        "amount_overpaid": 0,
        "amount_paid": inv.amount_paid,
        "amount_remaining": inv.amount_remaining,
        "amount_shipping": 0,
        "application": None,
        "attempt_count": inv.attempt_count,
        "attempted": inv.attempted,
        "auto_advance": inv.auto_advance,
        "automatic_tax": {
            "disabled_reason": None,
            "enabled": False,
            "liability": None,
            "provider": None,
            "status": None,
        },
        "automatically_finalizes_at": None,
        "billing_reason": inv.billing_reason,
        "collection_method": inv.collection_method,
        "confirmation_secret": None,
        "created": ts(inv.created),
        "currency": inv.currency,
        "custom_fields": None,
        "customer": inv.customer_id,
        "customer_account": None,
        **_customer_fields(inv.customer_snapshot),
        "default_payment_method": inv.default_payment_method_id,
        "default_source": None,
        "default_tax_rates": [],
        "description": inv.description,
        "discounts": list(discount_ids),
        "due_date": ts(inv.due_date),
        "effective_at": ts(inv.finalized_at),
        "ending_balance": inv.ending_balance,
        "footer": inv.footer,
        "from_invoice": None,
        **_urls(inv, base_url),
        "issuer": {"type": "self"},
        "last_finalization_error": inv.last_finalization_error,
        "latest_revision": None,
        "lines": {
            "object": "list",
            "data": [line_item_object(line) for line in lines],
            "has_more": has_more_lines,
            "total_count": len(lines),
            "url": f"/v1/invoices/{inv.id}/lines",
        },
        "livemode": False,
        "metadata": dict(inv.metadata_),
        "next_payment_attempt": ts(inv.next_payment_attempt),
        "number": inv.number,
        "on_behalf_of": None,
        "parent": parent,
        "payment_settings": {"default_mandate": None, "payment_method_options": None, "payment_method_types": None},
        "period_end": ts(inv.period_end),
        "period_start": ts(inv.period_start),
        "post_payment_credit_notes_amount": 0,
        "pre_payment_credit_notes_amount": 0,
        "receipt_number": None,
        "rendering": None,
        "shipping_cost": None,
        "shipping_details": None,
        "starting_balance": inv.starting_balance,
        "statement_descriptor": None,
        "status": inv.status,
        "status_transitions": _status_transitions(inv),
        "subtotal": inv.subtotal,
        "subtotal_excluding_tax": inv.subtotal,
        "test_clock": None,
        "total": inv.total,
        "total_discount_amounts": list(inv.total_discount_amounts),
        "total_excluding_tax": inv.total,
        "total_pretax_credit_amounts": [
            {"amount": d["amount"], "credit_balance_transaction": None, "discount": d["discount"], "type": "discount"}
            for d in inv.total_discount_amounts
        ]
        if total_discount
        else [],
        "total_taxes": [],
        "webhooks_delivered_at": ts(inv.created),
    }


def invoice_restated_fields(inv: Invoice, *, base_url: str) -> dict[str, Any]:
    """The fields of ``inv``'s object that finalizing and paying it change, in the object's order.

    (Status, number, amounts, attempts, the customer snapshot, URLs, status transitions.)
    Laid over the object serialised at an earlier stage, they give the object now, so code
    that announces one invoice at several stages serialises it once (the worker's bulk
    renewals; ``tests/time/test_bulk_renewal.py`` checks the result against :func:`invoice_object`).
    """
    return {
        "amount_paid": inv.amount_paid,
        "amount_remaining": inv.amount_remaining,
        "attempt_count": inv.attempt_count,
        "attempted": inv.attempted,
        **_customer_fields(inv.customer_snapshot),
        "effective_at": ts(inv.finalized_at),
        "ending_balance": inv.ending_balance,
        **_urls(inv, base_url),
        "number": inv.number,
        "starting_balance": inv.starting_balance,
        "status": inv.status,
        "status_transitions": _status_transitions(inv),
    }
