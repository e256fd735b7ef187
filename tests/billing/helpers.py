"""Helpers for billing tests: customers with cards, monthly prices."""

from __future__ import annotations

from typing import Any

import stripe


def customer_with_card(card: str = "pm_card_visa", **fields: Any) -> stripe.Customer:
    """A customer whose default payment method is a fresh copy of Stripe's test ``card``."""
    customer = stripe.Customer.create(email="jenny@example.com", name="Jenny Rosen", **fields)
    method = stripe.PaymentMethod.attach(card, customer=customer.id)
    return stripe.Customer.modify(customer.id, invoice_settings={"default_payment_method": method.id})


def monthly_price(unit_amount: int, currency: str = "usd", name: str = "Pro", **recurring: Any) -> stripe.Price:
    """A monthly (or ``recurring``-given) price on a new product."""
    return stripe.Price.create(
        unit_amount=unit_amount,
        currency=currency,
        recurring={"interval": "month", **recurring},  # type: ignore[typeddict-item] # any recurring[...] field
        product_data={"name": name},
    )
