"""A failure in the middle of a subscription change: a 500, and nothing of the change is kept.

The fault is injected where the prorations are written: right after the flush that
INSERTed the new invoice items, when the subscription's items were already changed in
the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import stripe
from sqlalchemy import event
from sqlalchemy.orm import Session, UOWTransaction

from billfold.models import InvoiceItem
from tests.billing.helpers import customer_with_card, monthly_price
from tests.billing.scenarios.helpers import move_to, snapshot
from tests.support import Account, LiveServer


class InjectedFaultError(RuntimeError):
    """The fault this test provokes."""


def _fail_on_invoice_items(session: Session, _flush: UOWTransaction) -> None:
    if any(isinstance(obj, InvoiceItem) for obj in session.new):
        raise InjectedFaultError("disk on fire")


@pytest.fixture
def failing_invoice_items() -> Iterator[None]:
    event.listen(Session, "after_flush", _fail_on_invoice_items)
    try:
        yield
    finally:
        event.remove(Session, "after_flush", _fail_on_invoice_items)


def test_fault_while_writing_prorations(api: Account, server: LiveServer, failing_invoice_items: None) -> None:
    move_to(server, "2026-01-15T12:00:00Z")
    basic, pro = monthly_price(3_100, name="Basic"), monthly_price(6_200, name="Pro")
    customer = customer_with_card()
    sub = stripe.Subscription.create(customer=customer.id, items=[{"price": basic.id}])
    move_to(server, "2026-01-25T12:00:00Z")
    before = snapshot(customer, sub)

    with pytest.raises(stripe.APIError) as err:
        stripe.Subscription.modify(sub.id, items=[{"id": sub["items"].data[0].id, "price": pro.id}])
    assert err.value.http_status == 500
    assert snapshot(customer, sub) == before
    assert stripe.Subscription.retrieve(sub.id)["items"].data[0].price.id == basic.id
