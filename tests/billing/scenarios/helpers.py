"""Helpers for billing scenarios: fixed instants, periods as text, a customer's state."""

from __future__ import annotations

import datetime as dt
from typing import Any

import stripe

from tests.support import LiveServer

__all__ = ["at", "iso", "item_period", "latest_invoice", "move_to", "proration", "snapshot", "switch_card", "unix"]


def at(text: str) -> dt.datetime:
    """``2026-01-25T12:00:00Z`` as an aware UTC datetime."""
    return dt.datetime.fromisoformat(text)


def unix(text: str) -> int:
    """Unix seconds of an ISO instant."""
    return int(at(text).timestamp())


def iso(seconds: int) -> str:
    """Unix seconds as ``2026-01-25T12:00:00Z``."""
    return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def move_to(server: LiveServer, text: str) -> None:
    """Set the server's clock to a fixed instant."""
    server.clock.set(at(text))


def item_period(sub: stripe.Subscription) -> tuple[str, str]:
    """The first item's current period, as text."""
    item = sub["items"].data[0]
    return iso(item.current_period_start), iso(item.current_period_end)


def latest_invoice(sub: stripe.Subscription) -> stripe.Invoice:
    """The subscription's latest invoice, retrieved."""
    return stripe.Invoice.retrieve(str(sub.latest_invoice))


def proration(line: stripe.InvoiceLineItem) -> bool:
    """Whether an invoice line is a proration."""
    details = line.to_dict()["parent"]["subscription_item_details"]
    return bool(details and details["proration"])


def switch_card(customer: stripe.Customer, card: str) -> stripe.PaymentMethod:
    """Attach Stripe's test ``card`` and make it the customer's default."""
    method = stripe.PaymentMethod.attach(card, customer=customer.id)
    stripe.Customer.modify(customer.id, invoice_settings={"default_payment_method": method.id})
    return method


def snapshot(customer: stripe.Customer, sub: stripe.Subscription) -> dict[str, Any]:
    """Everything a failed change must leave exactly as it was."""
    return {
        "subscription": stripe.Subscription.retrieve(sub.id).to_dict(),
        "customer": stripe.Customer.retrieve(customer.id).to_dict(),
        "invoices": [i.to_dict() for i in stripe.Invoice.list(customer=customer.id, limit=100).data],
        "invoice_items": [i.to_dict() for i in stripe.InvoiceItem.list(customer=customer.id, limit=100).data],
        "balance": [t.to_dict() for t in stripe.Customer.list_balance_transactions(customer.id).data],
        "events": [e.id for e in stripe.Event.list(limit=100).data],
    }
