"""Scenario helpers for time tests: test clocks, customers on them, prices, what was billed.

Everything goes through the ``stripe`` SDK against the live server, as a merchant's
code would.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import stripe

__all__ = [
    "advance",
    "at",
    "customer_with_card",
    "default_payment_method",
    "event_types",
    "invoice_totals",
    "item_period",
    "make_clock",
    "monthly_price",
    "ts",
]


def at(text: str) -> dt.datetime:
    """An aware UTC instant from ``2024-01-31T10:00:00Z``."""
    return dt.datetime.fromisoformat(text)


def ts(text: str) -> int:
    """Unix seconds of an ISO instant."""
    return int(at(text).timestamp())


def iso(seconds: int) -> str:
    """The ISO form (``…Z``) of unix seconds."""
    return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def make_clock(frozen: str, name: str = "scenario") -> stripe.test_helpers.TestClock:
    """A test clock frozen at ``frozen``."""
    return stripe.test_helpers.TestClock.create(frozen_time=ts(frozen), name=name)


def advance(clock: stripe.test_helpers.TestClock, to: str, timeout: float = 10) -> stripe.test_helpers.TestClock:
    """Advance ``clock`` to ``to`` and wait until it is ``ready`` again (as Stripe's clients poll)."""
    moved = stripe.test_helpers.TestClock.advance(clock.id, frozen_time=ts(to))
    deadline = time.monotonic() + timeout
    while moved.status != "ready":
        assert moved.status == "advancing", moved.status
        assert time.monotonic() < deadline, "the test clock did not become ready"
        time.sleep(0.05)
        moved = stripe.test_helpers.TestClock.retrieve(clock.id)
    assert moved.frozen_time == ts(to)
    return moved


def customer_with_card(
    clock: stripe.test_helpers.TestClock | None, card: str = "pm_card_visa", **fields: Any
) -> stripe.Customer:
    """A customer on ``clock`` whose default payment method is a fresh copy of Stripe's test ``card``."""
    if clock is not None:
        fields["test_clock"] = clock.id
    customer = stripe.Customer.create(email="jenny@example.com", name="Jenny Rosen", **fields)
    method = stripe.PaymentMethod.attach(card, customer=customer.id)
    return stripe.Customer.modify(customer.id, invoice_settings={"default_payment_method": method.id})


def monthly_price(unit_amount: int, currency: str = "usd", name: str = "Pro", **recurring: Any) -> stripe.Price:
    """A monthly (or ``recurring``-given) price on a new product."""
    create: Any = stripe.Price.create  # ``recurring`` is a TypedDict; tests pass any of its keys
    price: stripe.Price = create(
        unit_amount=unit_amount,
        currency=currency,
        recurring={"interval": "month", **recurring},
        product_data={"name": name},
    )
    return price


def default_payment_method(customer: stripe.Customer) -> str:
    """The customer's default payment method for invoices."""
    settings = customer.invoice_settings
    assert settings is not None
    return str(settings.default_payment_method)


def item_period(sub: stripe.Subscription) -> tuple[str, str]:
    """The current period of the subscription's first item, as ISO instants."""
    fresh = stripe.Subscription.retrieve(sub.id)
    item = fresh["items"].data[0]
    return iso(item.current_period_start), iso(item.current_period_end)


def invoices(sub: stripe.Subscription) -> list[stripe.Invoice]:
    """The subscription's invoices, oldest first."""
    return list(reversed(stripe.Invoice.list(subscription=sub.id, limit=100).data))


def invoice_totals(sub: stripe.Subscription) -> list[int]:
    """The totals of the subscription's invoices, oldest first."""
    return [invoice.total for invoice in invoices(sub)]


def event_types(about: str | None = None, *, prefix: str = "") -> list[str]:
    """Event types oldest first, optionally only those whose object has id ``about``."""
    events = list(reversed(stripe.Event.list(limit=100).data))
    return [
        e.type
        for e in events
        if e.type.startswith(prefix) and (about is None or e.data.object.to_dict().get("id") == about)
    ]
